/**
 * Why an action that would stop or replace etcd is refused while another such
 * operation runs: Canonical's charmed-etcd uses one sentence shape for all of
 * them (shared/reference/charmed-etcd-relations.md §3.3), so it is written once.
 */
export const BUSY_TEXT = {
  rebuild: 'Rebuild in progress, cannot perform action.',
  restore: 'Restore in progress, cannot perform action.',
  refresh: 'Refresh in progress, cannot perform action.',
} as const;
