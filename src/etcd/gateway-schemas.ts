import { z } from 'zod';

/*
 * Shapes of the v3 JSON gateway's answers, as observed on etcd 3.4.23, 3.5.16
 * and 3.5.30. Protobuf's JSON mapping omits fields at their default value (a
 * voting member has no `isLearner`, an empty alarm list is `{}`, a revision of
 * 0 is absent), so nearly everything is optional. uint64/int64 fields arrive
 * as decimal strings; bytes as base64. Header field names are snake_case on
 * 3.4/3.5 (proto names) and would be lowerCamel under protojson (3.6), so
 * both spellings are accepted where the client reads them.
 */

/** A uint64/int64 in JSON: a decimal string (or, leniently, a number). Kept as a decimal string. */
export const u64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(String);

/** A uint64 that must fit a JS number (indexes, sizes): converted to number. */
export const u64Number = u64.transform((s, ctx) => {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    ctx.addIssue({ code: 'custom', message: `integer ${s} is beyond 2^53` });
    return z.NEVER;
  }
  return n;
});

export const headerSchema = z.object({
  cluster_id: u64.optional(),
  clusterId: u64.optional(),
  member_id: u64.optional(),
  memberId: u64.optional(),
  revision: u64Number.optional(),
  raft_term: u64Number.optional(),
  raftTerm: u64Number.optional(),
});

export const statusResponseSchema = z.object({
  header: headerSchema.optional(),
  version: z.string().optional(),
  dbSize: u64Number.optional(),
  dbSizeInUse: u64Number.optional(),
  leader: u64.optional(),
  raftIndex: u64Number.optional(),
  raftTerm: u64Number.optional(),
  raftAppliedIndex: u64Number.optional(),
  errors: z.array(z.string()).optional(),
  isLearner: z.boolean().optional(),
  /** 3.6+: the schema version of the member's db file (moves to the cluster version after a delay). */
  storageVersion: z.string().optional(),
  /** 3.6+: a downgrade etcd was told to run (`downgrade enable`). */
  downgradeInfo: z.object({ enabled: z.boolean().optional(), targetVersion: z.string().optional() }).optional(),
});

export const memberSchema = z.object({
  ID: u64,
  name: z.string().optional(),
  peerURLs: z.array(z.string()).optional(),
  clientURLs: z.array(z.string()).optional(),
  isLearner: z.boolean().optional(),
});

export const memberListResponseSchema = z.object({
  header: headerSchema.optional(),
  members: z.array(memberSchema).optional(),
});

export const memberAddResponseSchema = z.object({
  header: headerSchema.optional(),
  member: memberSchema,
  members: z.array(memberSchema).optional(),
});

export const alarmResponseSchema = z.object({
  header: headerSchema.optional(),
  alarms: z.array(z.object({ memberID: u64.optional(), alarm: z.string().optional() })).optional(),
});

export const authenticateResponseSchema = z.object({ header: headerSchema.optional(), token: z.string().min(1) });

export const authStatusResponseSchema = z.object({
  header: headerSchema.optional(),
  enabled: z.boolean().optional(),
  authRevision: u64Number.optional(),
});

export const rangeResponseSchema = z.object({
  header: headerSchema.optional(),
  kvs: z
    .array(
      z.object({
        key: z.string(),
        value: z.string().optional(),
        create_revision: u64Number.optional(),
        mod_revision: u64Number.optional(),
        version: u64Number.optional(),
      }),
    )
    .optional(),
  count: u64Number.optional(),
  more: z.boolean().optional(),
});

/** `/v3/maintenance/downgrade` (3.5+ server, exposed by the gateway): the cluster version as `major.minor`. */
export const downgradeResponseSchema = z.object({ header: headerSchema.optional(), version: z.string().optional() });

export const putResponseSchema = z.object({ header: headerSchema.optional() });

/** Any successful answer whose content the client ignores (transfer-leadership answers `{}`). */
export const emptyResponseSchema = z.object({});

/** `/health`: 3.4 answers `{"health":"true"}`; 3.5 adds `"reason"`. */
export const healthResponseSchema = z.object({
  health: z.union([z.string(), z.boolean()]).transform((h) => h === true || h === 'true'),
  reason: z.string().optional(),
});

/** `/version`: `{"etcdserver":"3.5.16","etcdcluster":"3.5.0"}`; `etcdcluster` is "not_decided" before the first election. */
export const versionResponseSchema = z.object({ etcdserver: z.string(), etcdcluster: z.string() });

/** Error body: grpc-gateway v1 (3.4/3.5) sends `error`+`message`+`code`; v2 (3.6) sends `code`+`message`+`details`. */
export const gatewayErrorSchema = z.object({
  code: z.number().int().optional(),
  message: z.string().optional(),
  error: z.string().optional(),
});
