import { parseGoDuration } from '../../lib/units/go-duration.js';
import { z } from 'zod';

/**
 * The charm's etcd tuning options (Juju config keys), their rules, and the
 * resolution of `quota-backend-bytes: auto`. Validation reports every broken
 * rule at once, one message per option, each naming the option and the rule.
 */

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** etcd refuses to be useful below this; the Canonical charm uses the same floor. */
export const MIN_QUOTA_BYTES = 100 * MiB;
/** etcd's documented suggested maximum: beyond it, defragmentation and snapshots become slow and risky. */
export const MAX_QUOTA_BYTES = 8 * GiB;

/** Validated tuning, with the quota still possibly `auto` (see {@link resolveQuotaBackendBytes}). */
export interface EtcdTuning {
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly quotaBackendBytes: number | 'auto';
  readonly autoCompactionMode: 'periodic' | 'revision';
  /** As etcd takes it: a duration such as `1h` or `30m` (periodic) or a revision count such as `1000` (revision). */
  readonly autoCompactionRetention: string;
}

export const DEFAULT_TUNING: EtcdTuning = {
  heartbeatIntervalMs: 100,
  electionTimeoutMs: 1000,
  quotaBackendBytes: 'auto',
  autoCompactionMode: 'periodic',
  autoCompactionRetention: '1h',
};

/** The raw option values as Juju config delivers them (absent keys take the defaults). */
export const tuningOptionsSchema = z.object({
  'heartbeat-interval': z.unknown().optional(),
  'election-timeout': z.unknown().optional(),
  'quota-backend-bytes': z.unknown().optional(),
  'auto-compaction-mode': z.unknown().optional(),
  'auto-compaction-retention': z.unknown().optional(),
});

export type TuningOptionName = keyof z.infer<typeof tuningOptionsSchema>;

export interface TuningError {
  readonly option: TuningOptionName;
  readonly message: string;
}

export type TuningResult = { readonly ok: true; readonly value: EtcdTuning } | { readonly ok: false; readonly errors: readonly TuningError[] };

const integer = z.union([z.number(), z.string().regex(/^\s*\d+\s*$/).transform(Number)]).pipe(z.number().int());
const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, kib: 1024, mib: MiB, gib: GiB };

/** "auto", a byte count, or a count with a unit ("512MiB", "2GiB", "2G"). */
function parseQuota(raw: unknown): number | 'auto' | undefined {
  if (typeof raw === 'number') return Number.isInteger(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim().toLowerCase();
  if (text === 'auto') return 'auto';
  const match = /^(\d+)\s*([a-z]*)$/.exec(text);
  const unit = match === null ? undefined : UNITS[match[2]!];
  return match === null || unit === undefined ? undefined : Number(match[1]) * unit;
}

/** Periodic retention: a Go duration of whole minutes (`1h`, `30m`, `1h30m`, as etcd parses it); returns minutes. */
function periodicMinutes(text: string): number | undefined {
  const ms = parseGoDuration(text);
  return ms === undefined || ms % 60_000 !== 0 ? undefined : ms / 60_000;
}

/**
 * Checks the tuning options against the charm's rules and returns either the
 * typed tuning or every violation. Never throws.
 *
 * Rules: heartbeat-interval 10–5000 ms; election-timeout ≥ 10 × heartbeat and
 * ≤ 50000 ms; quota-backend-bytes `auto` or 100 MiB–8 GiB; auto-compaction-mode
 * `periodic` or `revision`; retention a non-zero `h`/`m` duration (periodic) or
 * a positive revision count (revision).
 */
export function validateTuning(raw: unknown): TuningResult {
  const errors: TuningError[] = [];
  const fail = (option: TuningOptionName, message: string): void => void errors.push({ option, message });
  const input = tuningOptionsSchema.safeParse(raw ?? {});
  const o = input.success ? input.data : {};

  const heartbeat = integer.safeParse(o['heartbeat-interval'] ?? DEFAULT_TUNING.heartbeatIntervalMs);
  let heartbeatMs: number | undefined;
  if (!heartbeat.success) fail('heartbeat-interval', 'heartbeat-interval must be an integer number of milliseconds');
  else if (heartbeat.data < 10 || heartbeat.data > 5000) {
    fail('heartbeat-interval', `heartbeat-interval must be between 10 and 5000 ms, got ${heartbeat.data}`);
  } else heartbeatMs = heartbeat.data;

  const election = integer.safeParse(o['election-timeout'] ?? DEFAULT_TUNING.electionTimeoutMs);
  let electionMs: number | undefined;
  if (!election.success) fail('election-timeout', 'election-timeout must be an integer number of milliseconds');
  else if (election.data > 50000) fail('election-timeout', `election-timeout must be at most 50000 ms, got ${election.data}`);
  else if (heartbeatMs !== undefined && election.data < 10 * heartbeatMs) {
    fail(
      'election-timeout',
      `election-timeout must be at least 10 × heartbeat-interval (${10 * heartbeatMs} ms), got ${election.data}`,
    );
  } else electionMs = election.data;

  const quota = parseQuota(o['quota-backend-bytes'] ?? 'auto');
  if (quota === undefined) {
    fail('quota-backend-bytes', 'quota-backend-bytes must be "auto" or a size in bytes such as 2147483648 or "2GiB"');
  } else if (quota !== 'auto' && (quota < MIN_QUOTA_BYTES || quota > MAX_QUOTA_BYTES)) {
    fail('quota-backend-bytes', `quota-backend-bytes must be between 100 MiB (${MIN_QUOTA_BYTES}) and 8 GiB (${MAX_QUOTA_BYTES}), got ${quota}`);
  }

  const modeRaw = o['auto-compaction-mode'] ?? DEFAULT_TUNING.autoCompactionMode;
  const mode = modeRaw === 'periodic' || modeRaw === 'revision' ? modeRaw : undefined;
  if (mode === undefined) fail('auto-compaction-mode', `auto-compaction-mode must be "periodic" or "revision", got ${JSON.stringify(modeRaw)}`);

  const retentionRaw = o['auto-compaction-retention'] ?? (mode === 'revision' ? undefined : DEFAULT_TUNING.autoCompactionRetention);
  const retention = typeof retentionRaw === 'number' ? String(retentionRaw) : typeof retentionRaw === 'string' ? retentionRaw.trim() : undefined;
  if (mode === 'periodic') {
    const minutes = retention === undefined ? undefined : periodicMinutes(retention);
    if (minutes === undefined) fail('auto-compaction-retention', 'auto-compaction-retention must be a duration in hours and/or minutes such as "1h" or "30m" when auto-compaction-mode is periodic');
    else if (minutes === 0) fail('auto-compaction-retention', 'auto-compaction-retention must not be zero: that would turn compaction off');
  } else if (mode === 'revision') {
    if (retention === undefined || !/^\d+$/.test(retention)) fail('auto-compaction-retention', 'auto-compaction-retention must be a revision count such as "1000" when auto-compaction-mode is revision');
    else if (Number(retention) === 0) fail('auto-compaction-retention', 'auto-compaction-retention must not be zero: that would turn compaction off');
  }

  if (errors.length > 0 || heartbeatMs === undefined || electionMs === undefined || quota === undefined || mode === undefined || retention === undefined) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: { heartbeatIntervalMs: heartbeatMs, electionTimeoutMs: electionMs, quotaBackendBytes: quota, autoCompactionMode: mode, autoCompactionRetention: retention },
  };
}

/**
 * The blocked-status text for invalid options, as the Canonical charm words it:
 * "Invalid values set for the config options: 'election-timeout', 'heartbeat-interval'".
 */
export function invalidOptionsMessage(errors: readonly TuningError[]): string {
  const names = [...new Set(errors.map((e) => e.option))].sort();
  return `Invalid values set for the config options: ${names.map((n) => `'${n}'`).join(', ')}`;
}

/** Facts about the machine that `auto` depends on. */
export interface HostCapacity {
  readonly memoryBytes: number;
  /** Size of the filesystem holding etcd's data directory. */
  readonly dataDiskBytes: number;
}

/**
 * The quota etcd gets. `auto` = min(8 GiB, ½ RAM, ⅖ of the data disk), never
 * below 100 MiB. Half the RAM because etcd mmaps its whole database and
 * thrashes once it no longer fits in the page cache beside everything else;
 * two fifths of the disk because the disk must also hold a second full copy
 * while a snapshot is received or a defrag runs, plus the WAL (5 × 64 MiB).
 */
export function resolveQuotaBackendBytes(quota: number | 'auto', host: HostCapacity): number {
  if (quota !== 'auto') return quota;
  const fit = Math.min(MAX_QUOTA_BYTES, Math.floor(host.memoryBytes / 2), Math.floor((host.dataDiskBytes * 2) / 5));
  return Math.max(MIN_QUOTA_BYTES, fit);
}
