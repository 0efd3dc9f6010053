/**
 * What requirers ask on `etcd-client`, read from their app databags in both
 * protocol versions of data-platform-libs' data_interfaces:
 *
 * - v0 (no `version` field): one request per relation, `prefix` and the
 *   client certificate in a requirer-owned secret named by `secret-mtls`
 *   (or, across models, inline in `mtls-cert`);
 * - v1 (`version: "v1"`): `requests`, a JSON list with one entry per client
 *   certificate: `resource` (alias `prefix`), `request-id`, `salt`,
 *   `secret-mtls`.
 *
 * Each request gets a key for `managed_users`, as Canonical's charm keys
 * them: `<relation id>` (v0) or `<relation id>-<request id>` (v1).
 */
import { z } from 'zod';

export type Protocol = 'v0' | 'v1';

export interface ClientRequest {
  readonly key: string;
  readonly relationId: number;
  readonly protocol: Protocol;
  readonly requestId?: string | undefined;
  readonly salt?: string | undefined;
  readonly prefix: string | undefined;
  /** Where the client certificate is: a secret URI, or the PEM itself (cross-model v0). */
  readonly certificate: { readonly secret: string } | { readonly inline: string } | undefined;
}

export type RequestsRead = { readonly ok: true; readonly requests: readonly ClientRequest[] } | { readonly ok: false; readonly reason: string };

const V1RequestSchema = z
  .object({
    resource: z.string().optional(),
    prefix: z.string().optional(),
    'request-id': z.string().min(1),
    salt: z.string().optional(),
    'secret-mtls': z.string().optional(),
    'extra-user-roles': z.string().optional(),
    'entity-type': z.string().optional(),
  })
  .loose();

const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);

/** The requests in one requirer's app databag. An empty databag is no request yet (the requirer has not written). */
export function readRequests(relationId: number, bag: Readonly<Record<string, string>>): RequestsRead {
  if (bag['version'] === 'v1') {
    let json: unknown;
    try {
      json = JSON.parse(bag['requests'] ?? '[]');
    } catch {
      return { ok: false, reason: 'requests is not JSON' };
    }
    const parsed = z.array(V1RequestSchema).safeParse(json);
    if (!parsed.success) return { ok: false, reason: `requests: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
    return {
      ok: true,
      requests: parsed.data.map((r) => {
        const secret = nonEmpty(r['secret-mtls']);
        return {
          key: `${relationId}-${r['request-id']}`,
          relationId,
          protocol: 'v1',
          requestId: r['request-id'],
          salt: r.salt,
          prefix: nonEmpty(r.resource ?? r.prefix),
          certificate: secret === undefined ? undefined : { secret },
        };
      }),
    };
  }
  if (bag['version'] !== undefined && bag['version'] !== 'v0') return { ok: false, reason: `unknown protocol version ${JSON.stringify(bag['version'])}` };
  const prefix = nonEmpty(bag['prefix']);
  const secret = nonEmpty(bag['secret-mtls']);
  const inline = nonEmpty(bag['mtls-cert']);
  if (prefix === undefined && secret === undefined && inline === undefined) return { ok: true, requests: [] };
  return {
    ok: true,
    requests: [{ key: String(relationId), relationId, protocol: 'v0', prefix, certificate: secret !== undefined ? { secret } : inline !== undefined ? { inline } : undefined }],
  };
}
