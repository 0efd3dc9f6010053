import { z } from 'zod';

/**
 * A unit's health record: the JSON each unit publishes under `health` in its
 * `etcd-peers` unit databag, read by the leader and the refresh gate.
 * Example: {"healthy":true,"version":"3.5.16","member_id":"8e9e05c52164694d",
 * "snap_revision":"12","is_raft_leader":false,"is_learner":false,
 * "raft_applied_index":1043,"alarms":[],"problems":[]}
 */
export const healthRecordSchema = z.object({
  healthy: z.boolean(),
  /** etcd server version of the member ("" when unreachable). */
  version: z.string(),
  /** Hex member id as etcdctl prints it ("" when unknown). */
  member_id: z.string().regex(/^([0-9a-f]{1,16})?$/, 'member_id must be a hex member id'),
  snap_revision: z.string(),
  is_raft_leader: z.boolean(),
  is_learner: z.boolean(),
  raft_applied_index: z.number().int().nonnegative(),
  alarms: z.array(z.string()),
  /** Short operator-readable reasons the member is unfit; empty exactly when healthy. */
  problems: z.array(z.string()),
});

export type HealthRecord = z.infer<typeof healthRecordSchema>;

export type HealthRecordParse = { readonly ok: true; readonly record: HealthRecord } | { readonly ok: false; readonly error: string };

/**
 * Parses a health record read back from a peer's databag. Never throws: a
 * missing, non-JSON or wrongly shaped value gives `{ok: false, error}` with a
 * message fit for a log line (it quotes at most 80 characters of the input).
 */
export function parseHealthRecord(text: string | undefined): HealthRecordParse {
  if (text === undefined || text === '') return { ok: false, error: 'no health record published' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: `health record is not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  const parsed = healthRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ');
    return { ok: false, error: `malformed health record: ${issues}` };
  }
  return { ok: true, record: parsed.data };
}

/** Serialises a record for the databag; key order is the schema's, so equal records give equal strings. */
export function serializeHealthRecord(record: HealthRecord): string {
  return JSON.stringify(healthRecordSchema.parse(record));
}
