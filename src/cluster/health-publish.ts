import type { HealthRecord } from '../etcd/health-record.js';

/**
 * The fields of a health record whose change is worth a databag write.
 * Every write to a unit databag wakes every peer with a relation-changed
 * hook, so update-status must not write when only the raft applied index
 * moved (it moves on every write to the cluster): `raft_applied_index` rides
 * along whenever something significant changes, and alone never triggers a write.
 */
const SIGNIFICANT = ['healthy', 'version', 'member_id', 'snap_revision', 'is_raft_leader', 'is_learner', 'alarms', 'problems'] as const;

/**
 * A problem as compared between records: a lagging member's count moves with
 * every write to the cluster (like the applied index), so only the fact that it
 * lags is significant; the count rides along with the next significant write.
 */
const problemKind = (problem: string): string => problem.replace(/^behind leader by \d+ entries$/, 'behind leader');

const comparable = (record: HealthRecord, key: (typeof SIGNIFICANT)[number]): string =>
  JSON.stringify(key === 'problems' ? record.problems.map(problemKind) : record[key]);

/** True when `next` differs from `previous` in a significant field (or there was no usable previous record). */
export function isSignificantChange(previous: HealthRecord | undefined, next: HealthRecord): boolean {
  if (previous === undefined) return true;
  return SIGNIFICANT.some((key) => comparable(previous, key) !== comparable(next, key));
}
