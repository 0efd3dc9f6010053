/**
 * An in-memory etcd cluster for unit tests: members, raft leadership with
 * quorum, learners, auth. Units' fake snaps start and stop its members from
 * the config file the charm wrote; the charm talks to it through `client()`,
 * which implements the charm's EtcdApi with the real client's error classes.
 */
import yaml from 'js-yaml';
import type { Alarm, DowngradeAction, EndpointHealth, EtcdCredentials, MemberStatus, VersionInfo } from '../../../../src/etcd/client-types.js';
import { EtcdAuthFailedError } from '../../../../src/etcd/errors/auth-failed-error.js';
import { EtcdLearnerNotInSyncError } from '../../../../src/etcd/errors/learner-not-in-sync-error.js';
import { EtcdMemberNotFoundError } from '../../../../src/etcd/errors/member-not-found-error.js';
import { EtcdServerError } from '../../../../src/etcd/errors/server-error.js';
import { EtcdTooManyLearnersError } from '../../../../src/etcd/errors/too-many-learners-error.js';
import { EtcdUnreachableError } from '../../../../src/etcd/errors/unreachable-error.js';
import type { Member } from '../../../../src/etcd/membership.js';
import type { EtcdApi, EtcdConnect } from '../../../../src/etcd/api.js';

const atLeast36 = (version: string): boolean => {
  const [major, minor] = version.split('.').map(Number) as [number, number];
  return major > 3 || (major === 3 && minor >= 6);
};

interface FakeMember {
  id: string;
  name: string;
  peerUrl: string;
  clientUrl: string | undefined;
  isLearner: boolean;
  running: boolean;
  appliedIndex: number;
  /** The tuning the member runs with (from the config it was started with). */
  heartbeat?: number;
  /** Server version of the binary the member runs. */
  version: string;
}

export interface CallRecord {
  readonly op: string;
  readonly args: readonly unknown[];
}

const serverError = (Cls: typeof EtcdServerError, message: string, endpoint = 'fake'): EtcdServerError =>
  new Cls(message, { endpoint, grpcCode: 9, httpStatus: 400, operation: 'fake' });

export class FakeEtcdCluster {
  readonly members = new Map<string, FakeMember>();
  readonly calls: CallRecord[] = [];
  version = '3.5.16';
  index = 10_000;
  leaderId: string | undefined;
  auth = { enabled: false, users: new Map<string, string>() };
  /** Starts since the beginning, by member name (restarts included). */
  readonly starts: string[] = [];
  /** Learners start this far behind the leader (promotion refused while > 1000). */
  learnerLag = 0;
  /** `major.minor` every member agreed on (etcd's cluster version); undefined before the first start. */
  clusterVersion: string | undefined;
  /** Active alarms. */
  alarms: Alarm[] = [];
  /** `major.minor` of the downgrade etcd was told to run (`downgrade enable`); undefined when none. */
  downgradeTarget: string | undefined;
  /** Why the last start failed, as etcd would log it. */
  lastStartError: string | undefined;
  #nextId = 0x8e9e05c52164694dn;

  #byClientUrl(url: string): FakeMember | undefined {
    return [...this.members.values()].find((m) => m.clientUrl === url);
  }

  #voters(): FakeMember[] {
    return [...this.members.values()].filter((m) => !m.isLearner);
  }

  /** Raft: a leader exists while a majority of voters runs; it sticks while it runs. */
  electLeader(): void {
    const voters = this.#voters();
    const running = voters.filter((m) => m.running);
    if (running.length < Math.floor(voters.length / 2) + 1) {
      this.leaderId = undefined;
      return;
    }
    if (this.leaderId !== undefined && running.some((m) => m.id === this.leaderId)) return;
    this.leaderId = running[0]?.id;
  }

  /**
   * A member process of etcd `version` (default: the cluster's `version`) starting with
   * this config text (what `snap start` does). Resolves false when etcd would exit,
   * including a binary older than the cluster version ("invalid downgrade").
   */
  startFromConfig(configText: string, version = this.version): boolean {
    const minor = (v: string) => v.split('.').slice(0, 2).join('.');
    const below = (a: string, b: string) => {
      const [am, an] = a.split('.').map(Number) as [number, number];
      const [bm, bn] = b.split('.').map(Number) as [number, number];
      return am < bm || (am === bm && an < bn);
    };
    if (this.clusterVersion !== undefined && this.members.size > 0 && below(minor(version), this.clusterVersion)) {
      this.lastStartError = `invalid downgrade; server version is lower than determined cluster version`;
      return false;
    }
    const config = yaml.load(configText) as Record<string, unknown>;
    const name = String(config['name']);
    const clientUrl = String(config['advertise-client-urls']);
    const peerUrl = String(config['initial-advertise-peer-urls']);
    const state = String(config['initial-cluster-state']);
    let member = [...this.members.values()].find((m) => m.peerUrl === peerUrl);
    if (member === undefined) {
      if (state === 'new' && this.members.size === 0) {
        member = this.#add(peerUrl, false);
        this.auth = { enabled: false, users: new Map() };
      } else return false;
    }
    member.name = name;
    member.clientUrl = clientUrl;
    member.running = true;
    member.version = version;
    member.heartbeat = Number(config['heartbeat-interval']);
    if (member.isLearner) member.appliedIndex = Math.max(0, this.index - this.learnerLag);
    else member.appliedIndex = this.index;
    this.starts.push(name);
    this.electLeader();
    this.#decideClusterVersion();
    return true;
  }

  /** etcd's leader raises the cluster version to the lowest member minor once every member runs it. */
  #decideClusterVersion(): void {
    const all = [...this.members.values()];
    if (all.length === 0 || all.some((m) => !m.running)) return;
    const minors = all.map((m) => m.version.split('.').slice(0, 2).map(Number) as [number, number]);
    minors.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const lowest = minors[0]!;
    const next = `${lowest[0]}.${lowest[1]}`;
    if (this.downgradeTarget !== undefined) {
      // etcd holds the cluster version at the target, and ends the downgrade once every member runs it.
      this.clusterVersion = this.downgradeTarget;
      if (minors.every(([ma, mi]) => `${ma}.${mi}` === this.downgradeTarget)) this.downgradeTarget = undefined;
      return;
    }
    const current = this.clusterVersion?.split('.').map(Number) as [number, number] | undefined;
    if (current === undefined || lowest[0] > current[0] || (lowest[0] === current[0] && lowest[1] > current[1])) this.clusterVersion = next;
  }

  stopByName(name: string): void {
    const m = [...this.members.values()].find((x) => x.name === name);
    if (m === undefined) return;
    m.running = false;
    if (this.leaderId === m.id) this.leaderId = undefined;
    this.electLeader();
  }

  isRunning(name: string): boolean {
    return [...this.members.values()].some((m) => m.name === name && m.running);
  }

  memberByName(name: string): FakeMember | undefined {
    return [...this.members.values()].find((m) => m.name === name);
  }

  #add(peerUrl: string, isLearner: boolean): FakeMember {
    const id = (this.#nextId++).toString(16);
    const member: FakeMember = { id, name: '', peerUrl, clientUrl: undefined, isLearner, running: false, appliedIndex: 0, version: this.version };
    this.members.set(id, member);
    return member;
  }

  #public(m: FakeMember): Member {
    return { id: m.id, name: m.name, peerUrls: [m.peerUrl], clientUrls: m.clientUrl === undefined ? [] : [m.clientUrl], isLearner: m.isLearner };
  }

  list(): Member[] {
    return [...this.members.values()].map((m) => this.#public(m));
  }

  /** A client as the charm gets one. */
  client(connect: EtcdConnect): EtcdApi {
    const cluster = this;
    const record = (op: string, ...args: unknown[]) => cluster.calls.push({ op, args });
    const reachable = (url: string): FakeMember => {
      const m = cluster.#byClientUrl(url);
      if (m === undefined || !m.running) throw new EtcdUnreachableError(url, 'connection refused', { timedOut: false });
      // The real client authenticates before its first call whenever it holds credentials, even for status.
      if (connect.credentials !== undefined && cluster.auth.enabled && cluster.auth.users.get(connect.credentials.user) !== connect.credentials.password) {
        throw serverError(EtcdAuthFailedError, 'etcdserver: authentication failed, invalid user ID or password', url);
      }
      return m;
    };
    /** Any endpoint that runs and has a leader; checks credentials as etcd would. */
    const any = (op: string, needsAuth = true): FakeMember => {
      let found: FakeMember | undefined;
      for (const url of connect.endpoints) {
        const m = cluster.#byClientUrl(url);
        if (m?.running) {
          found = m;
          break;
        }
      }
      if (found === undefined) throw new EtcdUnreachableError(connect.endpoints.join(','), `${op}: no endpoint answered`, { timedOut: false });
      if (cluster.leaderId === undefined) throw serverError(EtcdServerError, 'etcdserver: no leader', found.clientUrl);
      if (needsAuth && cluster.auth.enabled) checkAuth(connect.credentials, found.clientUrl ?? 'fake');
      return found;
    };
    const checkAuth = (credentials: EtcdCredentials | undefined, endpoint: string): void => {
      if (credentials === undefined) throw serverError(EtcdServerError, 'etcdserver: user name is empty', endpoint);
      if (cluster.auth.users.get(credentials.user) !== credentials.password) {
        throw serverError(EtcdAuthFailedError, 'etcdserver: authentication failed, invalid user ID or password', endpoint);
      }
    };
    const api: EtcdApi = {
      async status(endpoint: string): Promise<MemberStatus> {
        const m = reachable(endpoint);
        return {
          endpoint,
          memberId: m.id,
          leaderId: cluster.leaderId,
          isLearner: m.isLearner,
          version: m.version,
          raftIndex: m.appliedIndex,
          raftTerm: 2,
          raftAppliedIndex: m.appliedIndex,
          dbSize: 20480,
          dbSizeInUse: 16384,
          errors: [],
          // 3.6+ report these; the fake's storage follows the cluster version at once.
          ...(atLeast36(m.version)
            ? {
                storageVersion: cluster.clusterVersion === undefined ? undefined : `${cluster.clusterVersion}.0`,
                downgradeTarget: cluster.downgradeTarget === undefined ? undefined : `${cluster.downgradeTarget}.0`,
              }
            : {}),
        };
      },
      async health(endpoint: string): Promise<EndpointHealth> {
        const m = reachable(endpoint);
        return { health: cluster.leaderId !== undefined && !m.isLearner, reason: '' };
      },
      async version(endpoint: string): Promise<VersionInfo> {
        const m = reachable(endpoint);
        return { server: m.version, cluster: cluster.clusterVersion === undefined ? undefined : `${cluster.clusterVersion}.0` };
      },
      async memberList() {
        any('member list', false);
        return cluster.list();
      },
      async memberAdd(peerUrl: string, options: { learner: boolean }) {
        any('member add');
        record('memberAdd', peerUrl, options);
        if (options.learner && [...cluster.members.values()].some((m) => m.isLearner)) {
          throw serverError(EtcdTooManyLearnersError, 'etcdserver: too many learner members in cluster');
        }
        const member = cluster.#add(peerUrl, options.learner);
        return { member: cluster.#public(member), members: cluster.list() };
      },
      async memberPromote(id: string) {
        any('member promote');
        record('memberPromote', id);
        const m = cluster.members.get(id);
        if (m === undefined) throw serverError(EtcdMemberNotFoundError, 'etcdserver: member not found');
        if (!m.running || cluster.index - m.appliedIndex > 1000) {
          throw serverError(EtcdLearnerNotInSyncError, 'etcdserver: can only promote a learner member which is in sync with leader');
        }
        m.isLearner = false;
        cluster.electLeader();
        return cluster.list();
      },
      async memberRemove(id: string) {
        any('member remove');
        record('memberRemove', id);
        const m = cluster.members.get(id);
        if (m === undefined) throw serverError(EtcdMemberNotFoundError, 'etcdserver: member not found');
        cluster.members.delete(id);
        if (cluster.leaderId === id) cluster.leaderId = undefined;
        cluster.electLeader();
        cluster.#decideClusterVersion();
        return cluster.list();
      },
      async memberUpdate(id: string, peerUrls: readonly string[]) {
        any('member update');
        record('memberUpdate', id, peerUrls);
        const m = cluster.members.get(id);
        if (m === undefined) throw serverError(EtcdMemberNotFoundError, 'etcdserver: member not found');
        m.peerUrl = peerUrls[0] ?? m.peerUrl;
        return cluster.list();
      },
      async moveLeader(targetId: string) {
        any('move leader');
        record('moveLeader', targetId);
        const t = cluster.members.get(targetId);
        if (t === undefined || t.isLearner || !t.running) throw serverError(EtcdServerError, 'etcdserver: bad leader transferee');
        cluster.leaderId = targetId;
      },
      /** etcd's rules (server/etcdserver/version/version.go): one minor below the cluster version, one job at a time. */
      async downgrade(action: DowngradeAction, version = '') {
        any(`downgrade ${action.toLowerCase()}`);
        record('downgrade', action, version);
        const cv = cluster.clusterVersion;
        if (action === 'CANCEL') {
          cluster.downgradeTarget = undefined;
          cluster.#decideClusterVersion();
          return cluster.clusterVersion;
        }
        const [tm, tn] = version.split('.').map(Number);
        const [cm, cn] = (cv ?? '').split('.').map(Number);
        if (cv === undefined || tm !== cm || tn !== (cn ?? 0) - 1) throw serverError(EtcdServerError, 'etcdserver: invalid downgrade target version');
        if (cluster.downgradeTarget !== undefined) throw serverError(EtcdServerError, 'etcdserver: cluster has a downgrade job in progress');
        if (action === 'ENABLE') {
          cluster.downgradeTarget = `${tm}.${tn}`;
          cluster.#decideClusterVersion();
        }
        return cv;
      },
      async alarmList(): Promise<readonly Alarm[]> {
        any('alarm list', false);
        return [...cluster.alarms];
      },
      async userAdd(name: string, password: string) {
        any('user add');
        record('userAdd', name);
        if (cluster.auth.users.has(name)) throw serverError(EtcdServerError, 'etcdserver: user name already exists');
        cluster.auth.users.set(name, password);
      },
      async userGrantRole(user: string, role: string) {
        any('user grant-role');
        record('userGrantRole', user, role);
      },
      async authEnable() {
        any('auth enable', false);
        record('authEnable');
        cluster.auth.enabled = true;
      },
      async authStatus() {
        any('auth status', false);
        return { enabled: cluster.auth.enabled };
      },
      async userChangePassword(name: string, password: string) {
        any('user passwd');
        record('userChangePassword', name);
        cluster.auth.users.set(name, password);
      },
    };
    return api;
  }
}
