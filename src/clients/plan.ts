/**
 * Which etcd users and roles the leader keeps for client relations: a pure
 * plan over the requests, the users the charm already manages
 * (`managed_users` in the peer app databag: `{"<request key>": "<CN>"}`, as
 * Canonical's charm keeps it) and what etcd itself lists.
 *
 * Each valid request gets user = role = its certificate's CN, no password
 * (the client authenticates with its certificate), readwrite on its prefix.
 * A CN that another request, `root`, or any user the charm does not manage
 * already holds is refused: etcd maps a trusted certificate's CN to the user
 * of that name, so accepting it would hand that user's rights to the client.
 */
import type { LeafCheck } from './leaf.js';
import type { ClientRequest } from './requests.js';

export const CLIENT_STATUS = {
  caCertificate: 'Client relation: The certificate provided is a CA certificate. Please provide an end-entity certificate',
  missing: 'Client relation: Missing certificate or prefix',
  usernameTaken: 'Client relation: The username provided already exists. Please provide a unique username',
  tlsDisabled: 'Client relation: TLS is disabled. Please enable TLS',
} as const;

export interface ResolvedRequest {
  readonly request: ClientRequest;
  /** The certificate's check; undefined when the request names no certificate or its secret cannot be read. */
  readonly leaf: LeafCheck | undefined;
}

export interface ClientUser {
  readonly key: string;
  readonly relationId: number;
  readonly commonName: string;
  readonly prefix: string;
  readonly leaf: string;
}

export interface EtcdAuthView {
  readonly users: readonly string[];
  /** Each role's readwrite prefixes, as etcd lists them. */
  readonly rolePrefixes: Readonly<Record<string, readonly string[]>>;
}

export interface ClientUsersPlan {
  /** Users to have (created where missing, their role's permission set to exactly their prefix). */
  readonly keep: readonly ClientUser[];
  /** Users and roles to delete (requests gone, or their CN changed). */
  readonly remove: readonly { readonly key: string; readonly commonName: string }[];
  /** `managed_users` once applied. */
  readonly managed: Readonly<Record<string, string>>;
  /** A blocked text per relation whose requirer gave something unusable (the first problem found). */
  readonly problems: ReadonlyMap<number, string>;
}

const RESERVED = new Set(['root']);

export function planClientUsers(requests: readonly ResolvedRequest[], managed: Readonly<Record<string, string>>, etcd: EtcdAuthView): ClientUsersPlan {
  const problems = new Map<number, string>();
  const problem = (relationId: number, text: string): void => {
    if (!problems.has(relationId)) problems.set(relationId, text);
  };
  const ours = new Set(Object.values(managed));
  const claimed = new Set<string>();
  const keep: ClientUser[] = [];
  const valid: { request: ClientRequest; commonName: string; leaf: string }[] = [];
  for (const { request, leaf } of requests) {
    if (request.prefix === undefined || leaf === undefined || (!leaf.ok && leaf.problem !== 'ca')) problem(request.relationId, CLIENT_STATUS.missing);
    else if (!leaf.ok) problem(request.relationId, CLIENT_STATUS.caCertificate);
    else valid.push({ request, commonName: leaf.commonName, leaf: leaf.leaf });
  }
  // Requests that already hold their CN keep it; the others then claim names in key order.
  const incumbent = (v: (typeof valid)[number]): boolean => managed[v.request.key] === v.commonName;
  const order = [...valid].sort((a, b) => Number(incumbent(b)) - Number(incumbent(a)) || a.request.key.localeCompare(b.request.key, 'en'));
  for (const v of order) {
    const cn = v.commonName;
    if (RESERVED.has(cn) || claimed.has(cn) || (etcd.users.includes(cn) && !ours.has(cn))) {
      problem(v.request.relationId, CLIENT_STATUS.usernameTaken);
      continue;
    }
    claimed.add(cn);
    keep.push({ key: v.request.key, relationId: v.request.relationId, commonName: cn, prefix: v.request.prefix!, leaf: v.leaf });
  }
  const remove = Object.entries(managed)
    .filter(([, cn]) => !claimed.has(cn))
    .map(([key, commonName]) => ({ key, commonName }));
  // Key order, not claim order: the same users must serialise the same way in every hook, or the
  // leader rewrites managed_users with no new content and wakes every peer.
  const nextManaged = Object.fromEntries([...keep].sort((a, b) => a.key.localeCompare(b.key, 'en')).map((u) => [u.key, u.commonName]));
  return { keep, remove, managed: nextManaged, problems };
}

/** What etcd must change for `user` to hold exactly its prefix: a grant when missing, revokes of any other. */
export function permissionChanges(user: ClientUser, etcd: EtcdAuthView): { readonly create: boolean; readonly grant: boolean; readonly revoke: readonly string[] } {
  const prefixes = etcd.rolePrefixes[user.commonName] ?? [];
  return { create: !etcd.users.includes(user.commonName), grant: !prefixes.includes(user.prefix), revoke: prefixes.filter((p) => p !== user.prefix) };
}
