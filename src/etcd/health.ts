import type { Alarm, EndpointHealth, MemberStatus } from './client-types.js';
import type { EtcdClient } from './client.js';
import { EtcdAuthFailedError } from './errors/auth-failed-error.js';
import { EtcdError } from './errors/etcd-error.js';
import { EtcdUnreachableError } from './errors/unreachable-error.js';
import type { HealthRecord } from './health-record.js';
import type { Member } from './membership.js';
import { MAX_CAUGHT_UP_LAG } from './membership.js';

/** Raw facts about one member, gathered by {@link probeMemberHealth}; judged by {@link evaluateHealth}. */
export interface RawMemberHealth {
  readonly endpoint: string;
  /** Why the member's own endpoint gave no status (unreachable, refused, ...); undefined when it answered. */
  readonly statusError?: string | undefined;
  /** True when the status failure was the endpoint not answering at all. */
  readonly unreachable?: boolean | undefined;
  /** True when the status failure was etcd refusing the credentials (a password changed under this hook). */
  readonly authFailed?: boolean | undefined;
  readonly status?: MemberStatus | undefined;
  /** The member list as the cluster reports it; undefined when no member answered. */
  readonly members?: readonly Member[] | undefined;
  /** The leader's raft applied index; undefined when unknown (or this member leads). */
  readonly leaderAppliedIndex?: number | undefined;
  /** Active alarms cluster-wide; undefined when they could not be read. */
  readonly alarms?: readonly Alarm[] | undefined;
  /** `/health` of this member; undefined when it could not be read. */
  readonly endpointHealth?: EndpointHealth | undefined;
}

const describe = (error: unknown): string => (error instanceof EtcdError ? error.message : String(error));

/** Runs `fn`, turning an etcd failure into undefined (a missing fact) rather than a failed probe. */
async function optional<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof EtcdError) return undefined;
    throw error;
  }
}

/**
 * Gathers the raw health facts of the member at `endpoint`, through `client`
 * (which should know every member's endpoint, so cluster-wide facts survive
 * this member being down). Never throws for etcd failures: they become
 * missing facts that {@link evaluateHealth} reports as problems.
 */
export async function probeMemberHealth(client: EtcdClient, endpoint: string): Promise<RawMemberHealth> {
  const [status, endpointHealth, members, alarms] = await Promise.all([
    client.status(endpoint).then(
      (s) => ({ ok: true as const, s }),
      (error: unknown) => {
        if (!(error instanceof EtcdError)) throw error;
        return { ok: false as const, error };
      },
    ),
    optional(() => client.health(endpoint)),
    optional(() => client.memberList()),
    optional(() => client.alarmList()),
  ]);
  if (!status.ok) {
    return {
      endpoint,
      statusError: describe(status.error),
      unreachable: status.error instanceof EtcdUnreachableError,
      authFailed: status.error instanceof EtcdAuthFailedError,
      members,
      alarms,
      endpointHealth,
    };
  }
  const own = status.s;
  let leaderAppliedIndex: number | undefined;
  if (own.leaderId !== undefined && own.leaderId !== own.memberId) {
    const leaderUrl = members?.find((m) => m.id === own.leaderId)?.clientUrls[0];
    if (leaderUrl !== undefined) leaderAppliedIndex = (await optional(() => client.status(leaderUrl)))?.raftAppliedIndex;
  }
  return { endpoint, status: own, members, alarms, endpointHealth, leaderAppliedIndex };
}

/**
 * Judges raw facts into the record the unit publishes. Pure. Problems, in order:
 * `unreachable` / `status failed: …`, `not in member list`, `learner`,
 * `no raft leader`, `alarm: <TYPE>` (alarms raised on this member),
 * `behind leader by N entries` (more than MAX_CAUGHT_UP_LAG),
 * `health check failed[: reason]`, `error: …` (errors the member reports).
 * `healthy` is true exactly when there is no problem.
 */
export function evaluateHealth(raw: RawMemberHealth, context: { readonly snapRevision: string }): HealthRecord {
  const problems: string[] = [];
  const s = raw.status;
  if (s === undefined) {
    problems.push(raw.unreachable === true || raw.statusError === undefined ? 'unreachable' : `status failed: ${raw.statusError}`);
    return {
      healthy: false,
      version: '',
      member_id: '',
      snap_revision: context.snapRevision,
      is_raft_leader: false,
      is_learner: false,
      raft_applied_index: 0,
      alarms: [],
      problems,
    };
  }

  const listed = raw.members?.find((m) => m.id === s.memberId);
  const isLearner = s.isLearner || listed?.isLearner === true;
  const alarms = [...new Set((raw.alarms ?? []).filter((a) => a.memberId === s.memberId).map((a) => a.alarm))].sort();

  if (raw.members === undefined) problems.push('member list unavailable');
  else if (listed === undefined) problems.push('not in member list');
  if (isLearner) problems.push('learner');
  if (s.leaderId === undefined) problems.push('no raft leader');
  for (const alarm of alarms) problems.push(`alarm: ${alarm}`);
  if (raw.leaderAppliedIndex !== undefined) {
    const lag = raw.leaderAppliedIndex - s.raftAppliedIndex;
    if (lag > MAX_CAUGHT_UP_LAG) problems.push(`behind leader by ${lag} entries`);
  }
  // A learner cannot serve the linearizable read /health does; "learner" already says why it is unfit.
  if (raw.endpointHealth !== undefined && !raw.endpointHealth.health && !isLearner) {
    problems.push(raw.endpointHealth.reason === '' ? 'health check failed' : `health check failed: ${raw.endpointHealth.reason}`);
  }
  for (const error of s.errors) if (!/alarm/i.test(error)) problems.push(`error: ${error}`);

  return {
    healthy: problems.length === 0,
    version: s.version,
    member_id: s.memberId,
    snap_revision: context.snapRevision,
    is_raft_leader: s.leaderId !== undefined && s.leaderId === s.memberId,
    is_learner: isLearner,
    raft_applied_index: s.raftAppliedIndex,
    alarms,
    problems,
  };
}
