import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { EtcdTuning, TuningError } from '../etcd/tuning.js';
import { validateTuning } from '../etcd/tuning.js';
import { parseCertificateDomain, parseExtraSans } from '../tls/request.js';

/** The charm's options, validated. */
export interface CharmConfig {
  /** URI of the user secret holding `root: <password>`, when set. */
  readonly systemUsers: string | undefined;
  readonly tuning: EtcdTuning;
  readonly tls: TlsOptions;
}

/** The TLS options, as Canonical names them. */
export interface TlsOptions {
  /** URI of the secret holding `private-key` for this side's certificates; undefined: the unit generates its own. */
  readonly peerPrivateKey: string | undefined;
  readonly clientPrivateKey: string | undefined;
  /** `certificate-extra-sans`, checked (`{unit}` is replaced per unit when the request is built). */
  readonly extraSans: string;
  /** `peer-certificate-domain` / `client-certificate-domain`, checked; undefined when unset. */
  readonly peerDomain: string | undefined;
  readonly clientDomain: string | undefined;
}

/** Canonical's blocked text for a bad `certificate-extra-sans`. */
export const INVALID_EXTRA_SANS = "Invalid value for config option 'certificate-extra-sans'";

/** Canonical's blocked text for a bad certificate domain option. */
export const invalidDomainText = (option: DomainOption): string => `Invalid value for config option '${option}'`;
type DomainOption = 'peer-certificate-domain' | 'client-certificate-domain';

export type CharmConfigResult =
  | { readonly ok: true; readonly config: CharmConfig }
  | { readonly ok: false; readonly message: string; readonly errors: readonly TuningError[] };

const secretUriSchema = z.string().regex(/^secret:/, 'must be a secret URI').optional();
const SECRET_OPTIONS = ['system-users', 'tls-peer-private-key', 'tls-client-private-key'] as const;

/**
 * Validates the raw config. Never throws. An invalid value gives one message
 * naming each bad option and the rule it breaks, e.g.
 * `Invalid config: heartbeat-interval must be between 10 and 5000 ms, got 5`.
 */
export function parseCharmConfig(raw: Readonly<Record<string, unknown>>): CharmConfigResult {
  const tuning = validateTuning(raw);
  const errors: TuningError[] = tuning.ok ? [] : [...tuning.errors];
  const problems = errors.map((e) => e.message);
  const secrets: Partial<Record<(typeof SECRET_OPTIONS)[number], string>> = {};
  for (const option of SECRET_OPTIONS) {
    const parsed = secretUriSchema.safeParse(raw[option] || undefined);
    if (parsed.success) {
      if (parsed.data !== undefined) secrets[option] = parsed.data;
    }
    else problems.push(`${option} must be a secret URI (secret:...), got ${JSON.stringify(raw[option])}`);
  }
  const extraSans = typeof raw['certificate-extra-sans'] === 'string' ? raw['certificate-extra-sans'] : '';
  // Canonical's text first, so the status reads as theirs; the reason, then any other problems, after it.
  const refused = (canonical: string, reason: string): CharmConfigResult => {
    const message = `${canonical}: ${reason}`;
    return { ok: false, message: problems.length === 0 ? message : `${message}; Invalid config: ${problems.join('; ')}`, errors };
  };
  const sans = parseExtraSans(extraSans, 0);
  if (!sans.ok) return refused(INVALID_EXTRA_SANS, sans.reason);
  const domains: Partial<Record<DomainOption, string>> = {};
  for (const option of ['peer-certificate-domain', 'client-certificate-domain'] as const) {
    const domain = parseCertificateDomain(typeof raw[option] === 'string' ? raw[option] : '');
    if (!domain.ok) return refused(invalidDomainText(option), domain.reason);
    if (domain.domain !== undefined) domains[option] = domain.domain;
  }
  if (!tuning.ok || problems.length > 0) {
    return { ok: false, message: `Invalid config: ${problems.join('; ')}`, errors };
  }
  const tls = {
    peerPrivateKey: secrets['tls-peer-private-key'],
    clientPrivateKey: secrets['tls-client-private-key'],
    extraSans,
    peerDomain: domains['peer-certificate-domain'],
    clientDomain: domains['client-certificate-domain'],
  };
  return { ok: true, config: { systemUsers: secrets['system-users'], tuning: tuning.value, tls } };
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

/**
 * The fingerprint a member's restart applies: the tuning, and the client
 * leaf certificates its trust bundle holds (etcd reads trusted CAs only at
 * start). Without client certificates it is the tuning's alone, so a cluster
 * with no clients keeps the fingerprint it has.
 */
export function restartHash(tuning: EtcdTuning, extras: readonly string[]): string {
  if (extras.length === 0) return tuningHash(tuning);
  const leaves = [...extras].map((pem) => pem.trim()).sort();
  return createHash('sha256').update(JSON.stringify([tuningHash(tuning), leaves])).digest('hex').slice(0, 16);
}
