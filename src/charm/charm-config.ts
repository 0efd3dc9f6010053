import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EtcdTuning, TuningError } from '../etcd/tuning.js';
import { validateTuning } from '../etcd/tuning.js';

/** The charm's options, validated. */
export interface CharmConfig {
  /** URI of the user secret holding `root: <password>`, when set. */
  readonly systemUsers: string | undefined;
  readonly tuning: EtcdTuning;
}

export type CharmConfigResult =
  | { readonly ok: true; readonly config: CharmConfig }
  | { readonly ok: false; readonly message: string; readonly errors: readonly TuningError[] };

const systemUsersSchema = z.string().regex(/^secret:/, 'must be a secret URI').optional();

/**
 * Validates the raw config. Never throws. An invalid value gives one message
 * naming each bad option and the rule it breaks, e.g.
 * `Invalid config: heartbeat-interval must be between 10 and 5000 ms, got 5`.
 */
export function parseCharmConfig(raw: Readonly<Record<string, unknown>>): CharmConfigResult {
  const tuning = validateTuning(raw);
  const errors: TuningError[] = tuning.ok ? [] : [...tuning.errors];
  const users = systemUsersSchema.safeParse(raw['system-users'] ?? undefined);
  const problems = errors.map((e) => e.message);
  if (!users.success) problems.push(`system-users must be a secret URI (secret:...), got ${JSON.stringify(raw['system-users'])}`);
  if (!tuning.ok || !users.success) {
    return { ok: false, message: `Invalid config: ${problems.join('; ')}`, errors };
  }
  return { ok: true, config: { systemUsers: users.data, tuning: tuning.value } };
}

/**
 * A short fingerprint of the settings that need a restart to take effect.
 * Units compare theirs to drive the rolling restart (see src/cluster/rolling-restart.ts).
 */
export function tuningHash(tuning: EtcdTuning): string {
  const canonical = JSON.stringify([
    tuning.heartbeatIntervalMs,
    tuning.electionTimeoutMs,
    tuning.quotaBackendBytes,
    tuning.autoCompactionMode,
    tuning.autoCompactionRetention,
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
