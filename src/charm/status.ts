import type { HealthRecordParse } from '../etcd/health-record.js';
import type { SettableStatusName, StatusValue } from '../../lib/juju/index.js';

/**
 * Status texts and rules. Components report candidate statuses (resolved once,
 * in status-resolver.ts);
 * the unit shows the most severe, ties going to the component reported first
 * (callers report in priority order: install, config, secrets, cluster, workload, health).
 */

/** A status the charm sets: one of Juju's settable statuses and its message. */
export type CharmStatus = StatusValue<SettableStatusName>;

/** Exact texts, as the Canonical charm words them where it has one. */
export const STATUS = {
  installing: 'Installing etcd...',
  walSnapshot: 'Taking an etcd 3.6 snapshot before etcd 3.7...',
  installFailed: 'unable to install etcd snap',
  noPeerRelation: 'no peer relation available',
  initializing: 'Initializing etcd cluster...',
  waitingToJoin: 'Waiting to join cluster',
  waitingForInit: 'Waiting for cluster initialization',
  clientsWaitForRebuild: 'Client relations wait for the rebuild to finish',
  foreignData: 'data storage holds etcd data of another member; move it away or attach empty storage (see debug-log)',
  waitingToPromote: 'Waiting to promote learning member',
  serviceNotRunning: 'etcd service not running',
  healthCheckFailed: 'health check failed',
  unhealthyAfterRestart: 'unhealthy after restarting',
  majorityLost: 'Cluster failure - majority of cluster members lost',
  rebuilding: 'Rebuilding with new cluster configuration...',
  secretNotAccessible: 'Cannot access configured secret, check permissions',
  passwordUpdateFailed: 'failed to update password',
  waitingForPassword: 'Waiting for the new root password',
  authEnableFailed: 'failed to enable authentication in etcd',
  waitingForStart: 'Waiting for etcd to start...',
  waitingForInstall: 'Waiting to install etcd',
  waitingForUnits: 'Waiting for every planned unit to join',
  configWaitsForRefresh: 'Config change waits for the refresh to finish',
  passwordWaitsForRefresh: 'Password change waits for the refresh to finish',
  tlsNotReady: 'Waiting for TLS to be ready',
  tlsWaitsForRefresh: 'TLS change waits for the refresh to finish',
  peerTlsTransitionFailed: 'Failed to transition to/from peer tls',
  clientTlsTransitionFailed: 'Failed to transition to/from client tls',
} as const;

const SEVERITY: Record<CharmStatus['name'], number> = { blocked: 4, maintenance: 3, waiting: 2, active: 1 };

/** The most severe candidate (first reported wins a tie); active with no message when there is none. */
export function pickStatus(candidates: readonly (CharmStatus | undefined)[]): CharmStatus {
  let best: CharmStatus | undefined;
  for (const c of candidates) {
    if (c === undefined) continue;
    if (best === undefined || SEVERITY[c.name] > SEVERITY[best.name]) best = c;
  }
  return best ?? { name: 'active', message: '' };
}

/** Status text for peer data that breaks its rules: who published it and which keys. */
export const malformedPeerData = (who: string, keys: readonly string[]): string => `malformed peer data from ${who}: ${keys.join(', ')}`;

/** One cluster member's record as the leader reads it. */
export interface MemberRecord {
  readonly unit: string;
  readonly memberName: string;
  /** Undefined: the unit published none yet. */
  readonly health: HealthRecordParse | undefined;
}

/**
 * The application status from every member's health record (the leader's
 * own live record included): active with no message when all are healthy,
 * else `2/3 members healthy: charmed-etcd1 unreachable`. A malformed record
 * is blocked and names the unit; losing the majority is blocked.
 */
export function clusterAppStatus(input: {
  readonly records: readonly MemberRecord[];
  readonly majorityLost: boolean;
  /** The first malformed peer value found (health records aside), as {@link malformedPeerData} words it. */
  readonly malformedPeerData?: string | undefined;
  /** The leader's own status when it is blocked on something cluster-wide (config, secret). */
  readonly blockedBy?: CharmStatus | undefined;
}): CharmStatus {
  if (input.blockedBy !== undefined) return input.blockedBy;
  if (input.majorityLost) return { name: 'blocked', message: STATUS.majorityLost };
  if (input.malformedPeerData !== undefined) return { name: 'blocked', message: input.malformedPeerData };
  const malformed = input.records.filter((r) => r.health !== undefined && !r.health.ok);
  if (malformed.length > 0) {
    return { name: 'blocked', message: `malformed health record from ${malformed.map((r) => r.unit).join(', ')}` };
  }
  const sorted = [...input.records].sort((a, b) => a.memberName.localeCompare(b.memberName, 'en', { numeric: true }));
  const problems = sorted.flatMap((r) => {
    if (r.health === undefined) return [`${r.memberName} no health record`];
    if (!r.health.ok || r.health.record.healthy) return [];
    return [`${r.memberName} ${r.health.record.problems[0] ?? 'unhealthy'}`];
  });
  if (problems.length === 0) return { name: 'active', message: '' };
  const healthy = sorted.length - problems.length;
  return { name: 'waiting', message: `${healthy}/${sorted.length} members healthy: ${problems.join(', ')}` };
}
