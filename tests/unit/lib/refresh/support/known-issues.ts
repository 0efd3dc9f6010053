/**
 * Issues of the charm's etcd side (src/refresh) that the explorations reach.
 * They are recorded, counted and printed instead of failing every exploration
 * that passes through them; refresh.known-issues.test.ts reproduces each and
 * fails once the model no longer reaches it. lib/refresh does what the
 * reference says in both.
 */
export const KNOWN_ISSUES = {
  /**
   * `juju refresh` to a third release mid-refresh is judged from the original
   * versions only (3.6 -> 3.5 is a supported downgrade), so a unit already on the
   * interim release (3.7) is refreshed straight to 3.5: etcd supports one minor
   * at a time, and 3.5 cannot read what 3.7 wrote.
   */
  'minor-skip': 'a unit on an interim minor refreshed two minors down',
  /**
   * refreshSnap enables etcd's downgrade before it stops etcd. If the snap refresh
   * then fails it cancels it; but when the unit that enabled it is removed and the
   * operator rolls back, no unit refreshes to the newer minor again, so nothing
   * cancels it: the cluster version stays one minor low, and the charm's gate
   * (cluster version = lowest member's) stays shut, until the next refresh.
   */
  'downgrade-left-enabled': 'refresh completed with an etcd downgrade still enabled',
} as const;

export type KnownIssue = keyof typeof KNOWN_ISSUES;

export interface KnownHit {
  readonly issue: KnownIssue;
  readonly detail: string;
}
