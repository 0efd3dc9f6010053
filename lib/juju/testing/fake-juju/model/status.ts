/** Workload and agent statuses, as the model stores them. */

/** Workload statuses a charm may set, plus the ones Juju sets itself. */
export type WorkloadStatusName =
  | 'unknown'
  | 'maintenance'
  | 'blocked'
  | 'waiting'
  | 'active'
  | 'error'
  | 'terminated';

export interface StoredStatus {
  status: WorkloadStatusName;
  message: string;
  /** `status-set` never fills this from a charm; kept for `status-get --include-data`. */
  data: Record<string, unknown>;
  /** ISO-8601 time of the last change. */
  since: string;
}

export interface AgentStatusValue {
  status: 'allocating' | 'executing' | 'idle' | 'error' | 'failed' | 'lost' | 'rebooting';
  message: string;
  since: string;
}

export const EPOCH = '1970-01-01T00:00:00.000Z';

/** A status value with empty message and data. */
export const storedStatus = (status: WorkloadStatusName, message = '', since = EPOCH): StoredStatus => ({
  status,
  message,
  data: {},
  since,
});
