import type { z } from 'zod';
import { GatewaySession } from './client-session.js';
import type {
  Alarm,
  DowngradeAction,
  EndpointHealth,
  EtcdClientOptions,
  KeyValue,
  MemberStatus,
  VersionInfo,
} from './client-types.js';
import { toMember, toMemberStatus } from './client-wire.js';
import { EtcdNotLeaderError } from './errors/not-leader-error.js';
import { EtcdPermissionDeniedError } from './errors/permission-denied-error.js';
import { EtcdProtocolError } from './errors/protocol-error.js';
import { EtcdServerError } from './errors/server-error.js';
import { EtcdUnreachableError } from './errors/unreachable-error.js';
import { gatewayRequest, normalizeEndpoint } from './gateway.js';
import {
  alarmResponseSchema,
  downgradeResponseSchema,
  authStatusResponseSchema,
  emptyResponseSchema,
  healthResponseSchema,
  memberAddResponseSchema,
  memberListResponseSchema,
  putResponseSchema,
  rangeResponseSchema,
  statusResponseSchema,
  versionResponseSchema,
} from './gateway-schemas.js';
import { fromBase64, memberIdFromDecimal, memberIdToDecimal, prefixRangeEnd, toBase64 } from './ids.js';
import type { Member } from './membership.js';

/**
 * etcd v3 client over the JSON gateway (`/v3/...` on the client URL, etcd
 * 3.4–3.6) using node:http (src/etcd/http-fetch.ts), one timeout per request. Requests that any member
 * can answer go to the endpoints in turn, starting with the last one that
 * worked, and move on when one is unreachable, is a learner or has no leader.
 * With credentials it authenticates once and shares the token across
 * endpoints (etcd applies tokens through raft), re-authenticating once when
 * a token is refused (after a password change or a member restart).
 *
 * Every method throws {@link EtcdError} subclasses only: EtcdUnreachableError
 * (no endpoint answered), EtcdAuthFailedError (wrong password),
 * EtcdPermissionDeniedError (no or invalid token, missing rights), the
 * operation-specific ones named on each method, EtcdServerError otherwise.
 */
export class EtcdClient {
  readonly #session: GatewaySession;

  constructor(options: EtcdClientOptions) {
    if (options.endpoints.length === 0) throw new TypeError('EtcdClient needs at least one endpoint');
    this.#session = new GatewaySession(options);
  }

  get endpoints(): readonly string[] {
    return this.#session.endpoints;
  }

  /** Status of the member serving `endpoint` (`etcdctl endpoint status`). */
  async status(endpoint: string): Promise<MemberStatus> {
    const ep = normalizeEndpoint(endpoint);
    const s = await this.#session.call(ep, '/v3/maintenance/status', {}, statusResponseSchema, 'status');
    return toMemberStatus(ep, s);
  }

  /** `/health` of one member: true when it could serve a linearizable read. */
  async health(endpoint: string): Promise<EndpointHealth> {
    const ep = normalizeEndpoint(endpoint);
    const h = await gatewayRequest({ ...this.#session.base(ep, 'health'), method: 'GET', path: '/health', schema: healthResponseSchema });
    return { health: h.health, reason: h.reason ?? '' };
  }

  /** `/version` of one member (no auth needed). */
  async version(endpoint: string): Promise<VersionInfo> {
    const ep = normalizeEndpoint(endpoint);
    const v = await gatewayRequest({ ...this.#session.base(ep, 'version'), method: 'GET', path: '/version', schema: versionResponseSchema });
    return { server: v.etcdserver, cluster: v.etcdcluster === 'not_decided' ? undefined : v.etcdcluster };
  }

  /** The cluster version ("3.5.0") from the first member that answers; undefined while not decided. */
  async clusterVersion(): Promise<string | undefined> {
    return (await this.#session.any('cluster version', (ep) => this.version(ep))).cluster;
  }

  async memberList(): Promise<readonly Member[]> {
    const r = await this.#session.anyCall('/v3/cluster/member/list', {}, memberListResponseSchema, 'member list');
    return (r.members ?? []).map(toMember);
  }

  /**
   * Adds a member with `peerUrl` (as a learner when `learner`), returning it and the new member list.
   * @throws EtcdTooManyLearnersError when a learner is already waiting for promotion.
   */
  async memberAdd(peerUrl: string, options: { learner: boolean }): Promise<{ member: Member; members: readonly Member[] }> {
    const r = await this.#session.anyCall(
      '/v3/cluster/member/add',
      { peerURLs: [peerUrl], isLearner: options.learner },
      memberAddResponseSchema,
      'member add',
    );
    return { member: toMember(r.member), members: (r.members ?? []).map(toMember) };
  }

  /**
   * Promotes learner `id` (hex) to a voting member.
   * @throws EtcdLearnerNotInSyncError when the learner has not caught up (or not started) yet.
   * @throws EtcdMemberNotFoundError when no member has that id.
   */
  async memberPromote(id: string): Promise<readonly Member[]> {
    const r = await this.#session.anyCall('/v3/cluster/member/promote', { ID: memberIdToDecimal(id) }, memberListResponseSchema, 'member promote');
    return (r.members ?? []).map(toMember);
  }

  /**
   * Removes member `id` (hex).
   * @throws EtcdMemberNotFoundError when no member has that id (already removed).
   */
  async memberRemove(id: string): Promise<readonly Member[]> {
    const r = await this.#session.anyCall('/v3/cluster/member/remove', { ID: memberIdToDecimal(id) }, memberListResponseSchema, 'member remove');
    return (r.members ?? []).map(toMember);
  }

  /**
   * Sets the peer URLs of member `id` (hex): how a member's peers will dial it
   * from now on. The TLS switch announces the https URL this way before the
   * member restarts with it.
   * @throws EtcdMemberNotFoundError when no member has that id.
   */
  async memberUpdate(id: string, peerUrls: readonly string[]): Promise<readonly Member[]> {
    const r = await this.#session.anyCall('/v3/cluster/member/update', { ID: memberIdToDecimal(id), peerURLs: peerUrls }, memberListResponseSchema, 'member update');
    return (r.members ?? []).map(toMember);
  }

  /**
   * Moves raft leadership to `targetId` (hex). Finds the current leader and
   * sends the request to it, as etcd requires; a no-op when the target leads already.
   * @throws EtcdServerError ("bad leader transferee") when the target is not a started voting member.
   * @throws EtcdUnreachableError when no member knows a leader or the leader does not answer.
   */
  async moveLeader(targetId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const leader = await this.#findLeader();
      if (leader.id === targetId) return;
      try {
        await this.#session.call(leader.endpoint, '/v3/maintenance/transfer-leadership', { targetID: memberIdToDecimal(targetId) }, emptyResponseSchema, 'move leader');
        return;
      } catch (error) {
        // Leadership moved between finding the leader and asking it: look again, once.
        if (!(error instanceof EtcdNotLeaderError) || attempt > 0) throw error;
      }
    }
  }

  /**
   * etcd's downgrade API (`/v3/maintenance/downgrade`, root only): VALIDATE or
   * ENABLE a downgrade of the cluster version to `version` ("3.5"), or CANCEL
   * the one in progress. Resolves with the cluster version etcd reports ("3.6").
   * @throws EtcdServerError with etcd's own text when it refuses, e.g.
   * "etcdserver: invalid downgrade target version" or "etcdserver: cluster has a downgrade job in progress".
   */
  async downgrade(action: DowngradeAction, version = ''): Promise<string | undefined> {
    const r = await this.#session.anyCall('/v3/maintenance/downgrade', { action, version }, downgradeResponseSchema, `downgrade ${action.toLowerCase()}`);
    return r.version;
  }

  async alarmList(): Promise<readonly Alarm[]> {
    const r = await this.#session.anyCall('/v3/maintenance/alarm', { action: 'GET', memberID: '0', alarm: 'NONE' }, alarmResponseSchema, 'alarm list');
    return (r.alarms ?? []).map((a) => ({ memberId: memberIdFromDecimal(a.memberID ?? '0'), alarm: a.alarm ?? 'NONE' }));
  }

  async put(key: string, value: string): Promise<void> {
    await this.#session.anyCall('/v3/kv/put', { key: toBase64(key), value: toBase64(value) }, putResponseSchema, 'put');
  }

  /** The value of `key`, or undefined when absent. */
  async get(key: string): Promise<string | undefined> {
    const r = await this.#session.anyCall('/v3/kv/range', { key: toBase64(key) }, rangeResponseSchema, 'get');
    const kv = r.kvs?.[0];
    return kv === undefined ? undefined : fromBase64(kv.value ?? '');
  }

  /** Every key starting with `prefix`, in key order. */
  async range(prefix: string): Promise<readonly KeyValue[]> {
    const body = { key: toBase64(prefix), range_end: prefixRangeEnd(prefix).toString('base64') };
    const r = await this.#session.anyCall('/v3/kv/range', body, rangeResponseSchema, 'range');
    return (r.kvs ?? []).map((kv) => ({ key: fromBase64(kv.key), value: fromBase64(kv.value ?? ''), modRevision: kv.mod_revision ?? 0 }));
  }

  /** Creates user `name`. @throws EtcdServerError ("user name already exists") when it exists. */
  async userAdd(name: string, password: string): Promise<void> {
    await this.#session.anyCall('/v3/auth/user/add', { name, password }, putResponseSchema, 'user add');
  }

  /** Grants `role` (e.g. `root`) to `user`. */
  async userGrantRole(user: string, role: string): Promise<void> {
    await this.#session.anyCall('/v3/auth/user/grant', { user, role }, putResponseSchema, 'user grant-role');
  }

  /** Turns auth on (needs a `root` user holding the `root` role). Later requests authenticate. */
  async authEnable(): Promise<void> {
    await this.#session.anyCall('/v3/auth/enable', {}, emptyResponseSchema, 'auth enable');
    if (this.#session.credentials !== undefined) this.#session.dropToken();
  }

  /** Sets `name`'s password; when it is this client's user, the client switches to the new password. */
  async userChangePassword(name: string, password: string): Promise<void> {
    await this.#session.anyCall('/v3/auth/user/changepw', { name, password }, putResponseSchema, 'user passwd');
    if (this.#session.credentials?.user === name) this.#session.switchCredentials({ user: name, password });
  }

  /**
   * Whether auth is on. etcd 3.5 refuses `/v3/auth/status` without a token
   * once auth is on (which answers the question); etcd 3.4 has no such path,
   * and there an unauthenticated user list tells the same way.
   */
  async authStatus(): Promise<{ enabled: boolean }> {
    try {
      const r = await this.#session.anyCall('/v3/auth/status', {}, authStatusResponseSchema, 'auth status');
      return { enabled: r.enabled ?? false };
    } catch (error) {
      if (error instanceof EtcdPermissionDeniedError && error.unauthenticated) return { enabled: true };
      if (!(error instanceof EtcdProtocolError && error.httpStatus === 404)) throw error;
    }
    return this.#session.any('auth status', async (ep) => {
      try {
        await gatewayRequest({ ...this.#session.base(ep, 'auth status'), method: 'POST', path: '/v3/auth/user/list', body: {}, schema: emptyResponseSchema });
        return { enabled: false };
      } catch (error) {
        if (error instanceof EtcdPermissionDeniedError) return { enabled: true };
        throw error;
      }
    });
  }

  /** The raft leader's id and a client URL that reaches it, from the first member that knows a leader. */
  async #findLeader(): Promise<{ id: string; endpoint: string }> {
    const status = await this.#session.any('find leader', async (ep) => {
      const s = await this.status(ep);
      if (s.leaderId === undefined) {
        throw new EtcdServerError('etcdserver: no leader', { endpoint: ep, grpcCode: 14, httpStatus: 503, operation: 'find leader' });
      }
      return s;
    });
    const leaderId = status.leaderId!;
    if (status.memberId === leaderId) return { id: leaderId, endpoint: status.endpoint };
    const leader = (await this.memberList()).find((m) => m.id === leaderId);
    const endpoint = leader?.clientUrls[0];
    if (endpoint === undefined) {
      throw new EtcdUnreachableError(status.endpoint, `leader ${leaderId} publishes no client URL`, { timedOut: false });
    }
    return { id: leaderId, endpoint: normalizeEndpoint(endpoint) };
  }

  /**
   * One authenticated request to any member that answers: for operations
   * kept in their own modules (src/etcd/auth-admin.ts), by gateway path.
   */
  request<T>(path: string, body: unknown, schema: z.ZodType<T>, operation: string): Promise<T> {
    return this.#session.anyCall(path, body, schema, operation);
  }
}
