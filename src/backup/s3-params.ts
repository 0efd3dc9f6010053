/**
 * What an `s3` provider (s3-integrator) publishes in its application databag,
 * read in both shapes of the interface (charm-relation-interfaces
 * `interfaces/s3/v0` and `v1`):
 *
 * - v0: `access-key` and `secret-key` in plain text in the databag;
 * - v1: the same two keys inside a Juju secret whose URI is `secret-extra`.
 *
 * Canonical's charm requires `bucket`, `endpoint`, `path`, `access-key` and
 * `secret-key`, strips whitespace, a trailing `/` from the endpoint and `/` at
 * both ends of `path` and `bucket`. Here a missing `path` means the bucket's
 * top level (s3-integrator leaves it unset unless configured).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export interface S3Params {
  readonly protocol: 'v0' | 'v1';
  readonly endpoint: string;
  readonly bucket: string;
  /** Without leading or trailing `/`; '' for the bucket's top level. */
  readonly path: string;
  readonly region: string | undefined;
  readonly accessKey: string;
  readonly secretKey: string;
  /** `host` (virtual-hosted) or `path` style; path unless the provider says host (custom endpoints need it). */
  readonly uriStyle: 'host' | 'path';
  readonly storageClass: string | undefined;
  /** PEM certificates to trust for an https endpoint (empty: the system's CAs). */
  readonly caChain: readonly string[];
}

/** One field that is missing or unusable, named as the provider names it. */
export interface S3FieldProblem {
  readonly field: string;
  readonly problem: 'missing' | string;
}

export type S3ParamsRead = { readonly ok: true; readonly params: S3Params } | { readonly ok: false; readonly problems: readonly S3FieldProblem[] };

/** The v1 secret named by `secret-extra`: its content, or why it cannot be read. */
export type ProviderSecret = { readonly ok: true; readonly content: Readonly<Record<string, string>> } | { readonly ok: false; readonly reason: string };

const trimmed = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t === undefined || t === '' ? undefined : t;
};

const stripSlashes = (v: string): string => v.replace(/^\/+|\/+$/g, '');

const urlSchema = z.url({ protocol: /^https?$/ });
const stringList = z.array(z.string());

/** A PEM as given, or a base64-encoded PEM (the v1 schema's examples) decoded. */
function asPem(entry: string): string | undefined {
  const text = entry.trim();
  if (text.includes('-----BEGIN')) return `${text}\n`;
  const decoded = Buffer.from(text, 'base64').toString('utf8').trim();
  return decoded.includes('-----BEGIN CERTIFICATE-----') ? `${decoded}\n` : undefined;
}

/** The `tls-ca-chain` field: a JSON list of certificates. */
function parseCaChain(raw: string | undefined): { ok: true; pems: string[] } | { ok: false; problem: string } {
  if (raw === undefined) return { ok: true, pems: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, problem: 'not a JSON list' };
  }
  const list = stringList.safeParse(json);
  if (!list.success) return { ok: false, problem: 'not a JSON list of strings' };
  const pems = list.data.map(asPem);
  if (pems.some((p) => p === undefined)) return { ok: false, problem: 'an entry is not a PEM certificate' };
  return { ok: true, pems: pems as string[] };
}

/**
 * Reads the provider's databag (and, for v1, its secret). Pure.
 * An empty databag reads as every required field missing: the provider has
 * not been given its credentials yet.
 */
export function readS3Params(bag: Readonly<Record<string, string>>, secret?: ProviderSecret): S3ParamsRead {
  const problems: S3FieldProblem[] = [];
  const secretRef = trimmed(bag['secret-extra']);
  const protocol = secretRef === undefined ? 'v0' : 'v1';
  let keys: Readonly<Record<string, string | undefined>> = bag;
  if (protocol === 'v1') {
    if (secret === undefined || !secret.ok) {
      problems.push({ field: 'secret-extra', problem: secret?.ok === false ? secret.reason : 'not read' });
      keys = {};
    } else keys = secret.content;
  }
  const accessKey = trimmed(keys['access-key']);
  const secretKey = trimmed(keys['secret-key']);
  const bucket = trimmed(bag['bucket']);
  const endpointRaw = trimmed(bag['endpoint']);
  if (bucket === undefined || stripSlashes(bucket) === '') problems.push({ field: 'bucket', problem: 'missing' });
  let endpoint: string | undefined;
  if (endpointRaw === undefined) problems.push({ field: 'endpoint', problem: 'missing' });
  else if (!urlSchema.safeParse(endpointRaw).success) problems.push({ field: 'endpoint', problem: 'not an http(s) URL' });
  else endpoint = endpointRaw.replace(/\/+$/, '');
  if (protocol === 'v0' || (secret?.ok ?? false)) {
    if (accessKey === undefined) problems.push({ field: 'access-key', problem: 'missing' });
    if (secretKey === undefined) problems.push({ field: 'secret-key', problem: 'missing' });
  }
  const style = trimmed(bag['s3-uri-style']);
  if (style !== undefined && style !== 'host' && style !== 'path') problems.push({ field: 's3-uri-style', problem: 'neither host nor path' });
  const ca = parseCaChain(trimmed(bag['tls-ca-chain']));
  if (!ca.ok) problems.push({ field: 'tls-ca-chain', problem: ca.problem });

  if (problems.length > 0 || endpoint === undefined || bucket === undefined || accessKey === undefined || secretKey === undefined || !ca.ok) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    params: {
      protocol,
      endpoint,
      bucket: stripSlashes(bucket),
      path: stripSlashes(trimmed(bag['path']) ?? ''),
      region: trimmed(bag['region']),
      accessKey,
      secretKey,
      uriStyle: style === 'host' ? 'host' : 'path',
      storageClass: trimmed(bag['storage-class']),
      caChain: ca.pems,
    },
  };
}

/** `access-key, secret-key (missing); endpoint (not an http(s) URL)`: the fields, grouped by what is wrong. */
export function describeProblems(problems: readonly S3FieldProblem[]): string {
  const groups = new Map<string, string[]>();
  for (const p of problems) groups.set(p.problem, [...(groups.get(p.problem) ?? []), p.field]);
  return [...groups].map(([problem, fields]) => `${fields.join(', ')} (${problem})`).join('; ');
}

/**
 * Identifies where and as whom the charm stores backups, without the secret
 * key (a hash of a secret is not published): a stored bucket check applies to
 * the parameters with the same fingerprint.
 */
export function paramsFingerprint(p: S3Params): string {
  const seen = [p.endpoint, p.bucket, p.path, p.region ?? '', p.accessKey, p.uriStyle, ...p.caChain];
  return createHash('sha256').update(JSON.stringify(seen)).digest('hex').slice(0, 16);
}

/** The object key of a backup: `<path>/<backup-id>`, or the id alone at the bucket's top level. */
export const objectKey = (p: Pick<S3Params, 'path'>, backupId: string): string => (p.path === '' ? backupId : `${p.path}/${backupId}`);

/** The listing prefix of the charm's backups. */
export const backupPrefix = (p: Pick<S3Params, 'path'>): string => (p.path === '' ? '' : `${p.path}/`);
