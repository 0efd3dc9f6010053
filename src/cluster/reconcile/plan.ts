/**
 * reconcile's decisions, pure over what observe read: which steps this hook
 * takes (at most one of each kind) and the status candidates known before any
 * step runs. Three stages because later decisions need what earlier steps
 * did: the gate and the member's own steps from the snapshot, the running
 * member's (health, leader duties, clients) from the probe after them.
 * Statuses are candidates in priority order, resolved in src/charm/status-resolver.ts.
 */
import type { CharmStatus } from '../../charm/status.js';
import { STATUS, malformedPeerData } from '../../charm/status.js';
import type { AppState } from '../../charm/peers.js';
import { APP_KEYS } from '../../charm/peers.js';
import type { DesiredPassword } from '../../charm/credentials.js';
import type { BaseSnapshot, PeeredSnapshot, Snapshot } from './observe.js';

/** reconcile's status candidates, in priority order, and the leader's cluster-wide app status. */
export interface ReconcileStatuses {
  readonly unit: readonly (CharmStatus | undefined)[];
  readonly app: CharmStatus | undefined;
  readonly isLeader: boolean;
  /** Why this hook must fail so that Juju retries it (a restore step that failed). */
  readonly retry?: string | undefined;
}

export const configStatusOf = (base: BaseSnapshot): CharmStatus | undefined => (base.config.ok ? undefined : { name: 'blocked', message: base.config.message });

/**
 * Before the peers: stop (no snap, no relation), or go on past the port, this
 * unit's first `private_ip` (address-change.ts decides) and the restore gate.
 */
export type GatePlan =
  | { readonly kind: 'stop'; readonly openPort: boolean; readonly statuses: readonly (CharmStatus | undefined)[] }
  | { readonly kind: 'go'; readonly peered: PeeredSnapshot; readonly openPort: boolean; readonly runRestore: boolean };

export function planGate(snapshot: Snapshot): GatePlan {
  if (snapshot.kind === 'no-snap') return { kind: 'stop', openPort: false, statuses: [snapshot.base.snap.ok ? undefined : snapshot.base.snap.status] };
  if (snapshot.kind === 'no-relation') return { kind: 'stop', openPort: true, statuses: [configStatusOf(snapshot.base), { name: 'maintenance', message: STATUS.noPeerRelation }] };
  const s = snapshot.peered;
  return {
    kind: 'go',
    peered: s,
    // The hook that started this member opened the port (Juju committed both) and only this
    // charm closes it, so a quiet update-status skips `opened-ports`.
    openPort: !(s.isUpdateStatus && s.own.started),
    // A restore replaces the cluster: while it runs, nothing after its step may touch etcd.
    runRestore: s.restore === undefined,
  };
}

/** How this unit's member first starts, once TLS lets it (a member that has not started takes its files first). */
export type FirstStart = 'none' | 'await-init' | 'bootstrap' | 'join';

/** The member's own steps, in the order apply takes them. */
export interface MemberPlan {
  /** The app bag with `cluster_state` restored, when the leader restores it. */
  readonly app: AppState;
  readonly repairClusterState: boolean;
  /** Said before any step: an invalid config, the restore's word, a malformed `cluster_state`, a bad `system-users` secret. */
  readonly statuses: readonly (CharmStatus | undefined)[];
  /** blocked: a rebuild runs but the config is invalid (nothing else runs); step: this hook's part of it. */
  readonly rebuild: 'none' | 'blocked' | 'step' | 'clear-stopped';
  /** TLS switch, then following the machine's address (both need a valid config). */
  readonly memberSteps: boolean;
  readonly firstStart: FirstStart;
  /** The started member's upkeep: self-heal, config file, rolling restart (that one waits while TLS switches). */
  readonly upkeep: { readonly selfHeal: boolean } | undefined;
}

export function planMember(s: PeeredSnapshot): MemberPlan {
  const statuses: (CharmStatus | undefined)[] = [configStatusOf(s), s.restore?.unit];
  let app = s.app;
  const badClusterState = app.malformed.includes(APP_KEYS.clusterState);
  let repairClusterState = false;
  if (app.clusterState === undefined && (s.own.started || badClusterState)) {
    // A cluster exists (this member ran in it) or may exist: never bootstrap over it.
    if (s.isLeader && s.own.started) {
      repairClusterState = true;
      app = { ...app, clusterState: 'existing', malformed: app.malformed.filter((k) => k !== APP_KEYS.clusterState) };
    } else if (badClusterState) {
      statuses.push({ name: 'blocked', message: malformedPeerData('application', [APP_KEYS.clusterState]) });
    }
  }
  if (!s.desired.ok) statuses.push(s.desired.status);
  const configOk = s.config.ok;
  // rebuild-cluster under way: while units stop, nothing else runs (no self-heal, no membership change).
  const rebuild = app.rebuild !== undefined ? (configOk ? 'step' : 'blocked') : s.own.rebuildStopped !== undefined ? 'clear-stopped' : 'none';
  let firstStart: FirstStart = 'none';
  if (app.clusterState === undefined) {
    // A malformed cluster_state: nothing is safe until the leader restores it (said above).
    if (badClusterState) firstStart = 'none';
    else if (!s.isLeader) firstStart = 'await-init';
    else if (configOk && s.desired.ok) firstStart = 'bootstrap';
  } else if (!s.own.started && configOk) firstStart = 'join';
  const running = configOk && s.own.started && app.clusterState !== undefined;
  return {
    app,
    repairClusterState,
    statuses,
    rebuild,
    memberSteps: configOk,
    firstStart,
    upkeep: running ? { selfHeal: s.isUpdateStatus && !s.refreshInProgress } : undefined,
  };
}

/** What the running stage decides on: the snapshot's flags and what the member's steps left. */
export interface RunningFacts {
  readonly isLeader: boolean;
  readonly isUpdateStatus: boolean;
  readonly refreshInProgress: boolean;
  readonly app: AppState;
  readonly started: boolean;
  /** The probe's member list, when the member has started. */
  readonly membersKnown: boolean;
  readonly desired: DesiredPassword;
  /** The root password now (bootstrap may have just made it). */
  readonly password: string | undefined;
  readonly clientRelations: number;
  readonly casRelations: number;
}

export interface RunningPlan {
  readonly leader:
    | { readonly membership: boolean; readonly removeOrphans: boolean; readonly cancelDowngrade: boolean; readonly password: 'rotate' | 'defer' | 'none'; readonly desiredPassword: string | undefined }
    | undefined;
  readonly clients: 'none' | 'wait-rebuild' | 'serve';
  readonly clientCas: boolean;
  /** The leader sets the cluster-wide app status. */
  readonly appStatus: boolean;
}

export function planRunning(f: RunningFacts): RunningPlan {
  const leaderOfCluster = f.isLeader && f.app.clusterState !== undefined;
  let leader: RunningPlan['leader'];
  if (leaderOfCluster && f.membersKnown) {
    const desired = f.desired.ok ? f.desired.password : undefined;
    let password: 'rotate' | 'defer' | 'none' = 'none';
    if (desired !== undefined) {
      if (!f.refreshInProgress) password = 'rotate';
      else if (f.password !== undefined && f.password !== desired) password = 'defer';
    }
    leader = { membership: true, removeOrphans: f.isUpdateStatus, cancelDowngrade: !f.refreshInProgress, password, desiredPassword: desired };
  }
  let clients: RunningPlan['clients'] = 'none';
  if (leaderOfCluster && f.started && f.password !== undefined) {
    if (f.app.rebuild !== undefined && f.clientRelations > 0) clients = 'wait-rebuild';
    else if (f.clientRelations > 0 || Object.keys(f.app.managedUsers).length > 0) clients = 'serve';
  }
  return { leader, clients, clientCas: leaderOfCluster && (f.casRelations > 0 || f.app.clientCas.length > 0), appStatus: leaderOfCluster };
}

/** The probe's facts the unit status is judged on. */
export interface HealthFacts {
  readonly healthy: boolean;
  readonly authFailed: boolean;
  /** etcd answered the status request. */
  readonly statusAnswered: boolean;
  readonly noLeader: boolean;
  readonly isLearner: boolean;
  readonly clusterMembers: number;
  /** This hook restarted the member and it did not come back (already said). */
  readonly restartedUnhealthy: boolean;
}

/** Whether to ask every member for a leader: only an unhealthy member of a multi-member cluster that sees none. */
export const needsMajorityCheck = (f: HealthFacts): boolean => !f.healthy && !f.authFailed && f.noLeader && f.clusterMembers >= 2;

/** Whether to ask systemd if etcd runs: etcd did not answer at all, and nothing above explains it. */
export const needsServiceCheck = (f: HealthFacts, majorityLost: boolean): boolean => !f.healthy && !f.authFailed && !majorityLost && !f.restartedUnhealthy && !f.statusAnswered;

export type HealthVerdict = 'healthy' | 'auth-failed' | 'majority-lost' | 'said' | 'not-running' | 'learner' | 'unhealthy';

/** The unit's health verdict, with the answers of the checks above (false/true when not asked). */
export function judgeHealth(f: HealthFacts, checks: { readonly majorityLost: boolean; readonly serviceActive: boolean }): HealthVerdict {
  if (f.authFailed) return 'auth-failed';
  if (f.healthy) return 'healthy';
  if (checks.majorityLost) return 'majority-lost';
  if (f.restartedUnhealthy) return 'said';
  if (!f.statusAnswered && !checks.serviceActive) return 'not-running';
  if (f.isLearner) return 'learner';
  return 'unhealthy';
}

export const HEALTH_STATUS: Readonly<Record<HealthVerdict, CharmStatus | undefined>> = {
  healthy: undefined,
  said: undefined,
  // The leader changed the password after this hook read it; its commit wakes this unit again.
  'auth-failed': { name: 'waiting', message: STATUS.waitingForPassword },
  'majority-lost': { name: 'blocked', message: STATUS.majorityLost },
  'not-running': { name: 'blocked', message: STATUS.serviceNotRunning },
  learner: { name: 'maintenance', message: STATUS.waitingToPromote },
  unhealthy: { name: 'maintenance', message: STATUS.healthCheckFailed },
};
