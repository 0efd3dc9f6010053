/**
 * The leader serves `etcd-client` requirers (reference charmed-etcd-relations.md
 * section 1): for each request whose certificate is a usable leaf, an etcd
 * user and role named by the certificate's CN with readwrite on the requested
 * prefix, the leaf in every unit's client trust bundle (`client_trust`, a
 * rolling restart), and the answer in the relation (endpoints, version and
 * the shared `secret-user` / `secret-tls`). Users of requests that are gone
 * or changed CN are removed first, so a failure later never leaves a stale
 * grant. Loaded only when the leader has client relations or managed users.
 */
import type { Model, Relation } from '../../lib/juju/index.js';
import { isSecretNotFoundError } from '../../lib/juju/index.js';
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import type { AppState, UnitState } from '../charm/peers.js';
import { APP_KEYS, clientTlsSettled, servesTls } from '../charm/peers.js';
import type { CharmStatus } from '../charm/status.js';
import { STATUS } from '../charm/status.js';
import type { EtcdApi } from '../etcd/api.js';
import type { AuthClient } from '../etcd/auth-admin.js';
import { addCertificateUser, addRole, deleteRole, deleteUser, grantPrefix, grantRole, revokePrefix, roleList, rolePrefixes, userList } from '../etcd/auth-admin.js';
import { CLIENT_PORT } from '../etcd/config.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { readInstalled } from '../tls/files.js';
import { normalisePem, renderBundle } from '../tls/trust-bundle.js';
import type { ClientRelation } from './client-relations.js';
import { readClientRelations } from './client-relations.js';
import type { ClientUser, EtcdAuthView } from './plan.js';
import { CLIENT_STATUS, permissionChanges, planClientUsers } from './plan.js';
import type { ClientRequest } from './requests.js';
import type { ClusterFacts, SharedSecrets } from './responses.js';
import { providerDatabag, secretLabel, tlsSecretContent, userSecretContent } from './responses.js';

/** Same keys with the same values, in any order. */
const sameEntries = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export const CLIENT_WAIT = {
  refresh: 'Client relations wait for the refresh to finish',
  etcd: 'Client relations wait for etcd to answer',
  caRotation: 'Rotating client CA...',
} as const;

/** A requirer's databag that is not a request in either protocol version. */
export const malformedRequest = (app: string): string => `Client relation: malformed request data from ${app}`;

export interface ClientsContext {
  readonly scope: CharmHook;
  readonly relation: Relation;
  readonly self: SelfMember;
  readonly own: UnitState;
  readonly app: AppState;
  readonly peers: readonly UnitState[];
  readonly refreshInProgress: boolean;
}

const canAdminister = (client: EtcdApi): client is EtcdApi & AuthClient => typeof (client as Partial<AuthClient>).request === 'function';

export interface ServedClients {
  /** The statuses to show (blocked ones also go to the app status). */
  readonly statuses: readonly CharmStatus[];
  /** This hook changed `client_trust`: Juju wakes the other units, not this one, so the caller takes its own restart turn. */
  readonly trustChanged: boolean;
}

/** Serves every client relation. */
export async function serveClients(ctx: ClientsContext, client: EtcdApi, relations: readonly Relation[]): Promise<ServedClients> {
  const { scope } = ctx;
  const clients = await readClientRelations(scope.model, scope.log, relations);
  const only = (status: CharmStatus): ServedClients => ({ statuses: [status], trustChanged: false });
  if (ctx.refreshInProgress) return only({ name: 'waiting', message: CLIENT_WAIT.refresh });
  const gate = tlsGate(ctx, clients.length > 0);
  if (gate !== undefined) return only(gate);
  if (!canAdminister(client)) throw new TypeError('this etcd client cannot manage users');
  try {
    return await serve(ctx, client, clients);
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    scope.log.warn(`serving client relations failed: ${error.message}`);
    return only({ name: 'waiting', message: CLIENT_WAIT.etcd });
  }
}

/** Canonical's rule: client relations need client TLS on every member, with no CA rotation running. */
function tlsGate(ctx: ClientsContext, anyRelation: boolean): CharmStatus | undefined {
  if (clientTlsSettled(ctx.own, ctx.peers)) return undefined;
  const records = [ctx.own, ...ctx.peers.filter((p) => p.started)].map((u) => u.tls.client);
  if (records.some((r) => r.state === 'to-tls' || r.state === 'to-no-tls')) return { name: 'waiting', message: STATUS.tlsNotReady };
  if (records.some((r) => r.rotation !== 'no-rotation') && records.every((r) => r.state === 'tls')) return { name: 'waiting', message: CLIENT_WAIT.caRotation };
  // No TLS: relations wait blocked (managed users stay until TLS is back or their relation goes).
  return anyRelation ? { name: 'blocked', message: CLIENT_STATUS.tlsDisabled } : undefined;
}

async function serve(ctx: ClientsContext, client: EtcdApi & AuthClient, clients: readonly ClientRelation[]): Promise<ServedClients> {
  const { scope, app } = ctx;
  const model = scope.model;
  const { view, roles } = await authView(client, [...Object.values(app.managedUsers), ...clients.flatMap((c) => c.requests.flatMap((r) => (r.leaf?.ok === true ? [r.leaf.commonName] : [])))]);
  const plan = planClientUsers(
    clients.flatMap((c) => c.requests),
    app.managedUsers,
    view,
  );

  for (const gone of plan.remove) {
    scope.log.info(`etcd-client: removing user and role ${gone.commonName} (request ${gone.key})`);
    await deleteRole(client, gone.commonName);
    await deleteUser(client, gone.commonName);
  }
  for (const user of plan.keep) await ensureUser(client, user, view, roles);

  // Compared as content: a stored value in another key order says the same and is left alone.
  if (!sameEntries(app.managedUsers, plan.managed)) {
    ctx.relation.localAppData.set(APP_KEYS.managedUsers, Object.keys(plan.managed).length === 0 ? undefined : JSON.stringify(plan.managed));
  }
  const trust = [...plan.keep].sort((a, b) => a.key.localeCompare(b.key, 'en')).map((u) => normalisePem(u.leaf));
  const trustChanged = JSON.stringify(app.clientTrust.map(normalisePem)) !== JSON.stringify(trust);
  if (trustChanged) {
    scope.log.info(`etcd-client: the client trust bundle now holds ${trust.length} client certificate(s); units restart in turn`);
    ctx.relation.localAppData.set(APP_KEYS.clientTrust, trust.length === 0 ? undefined : JSON.stringify(trust));
  }

  const facts = await clusterFacts(ctx, client);
  const statuses: CharmStatus[] = [];
  for (const c of clients) {
    if (c.malformed !== undefined) statuses.push({ name: 'blocked', message: malformedRequest(c.remoteApp) });
    const problem = plan.problems.get(c.relation.id);
    if (problem !== undefined) statuses.push({ name: 'blocked', message: problem });
    const answered: { request: ClientRequest; secrets: SharedSecrets }[] = [];
    for (const user of plan.keep.filter((u) => u.relationId === c.relation.id)) {
      const request = c.requests.find((r) => r.request.key === user.key)!.request;
      answered.push({ request, secrets: await shareSecrets(model, c.relation, request, user, facts) });
    }
    await writeExactly(c.relation, providerDatabag(answered, facts));
  }
  // A request whose CN changed keeps its key, and its secrets (updated above).
  for (const gone of plan.remove) if (!(gone.key in plan.managed)) await removeSharedSecrets(model, gone.key);
  return { statuses, trustChanged };
}

async function authView(client: AuthClient, names: readonly string[]): Promise<{ readonly view: EtcdAuthView; readonly roles: readonly string[] }> {
  const [users, roles] = await Promise.all([userList(client), roleList(client)]);
  const wanted = [...new Set(names)].filter((n) => roles.includes(n));
  const prefixes = await Promise.all(wanted.map(async (role) => [role, await rolePrefixes(client, role)] as const));
  return { view: { users, rolePrefixes: Object.fromEntries(prefixes) }, roles };
}

/** User and role `user.commonName` with readwrite on exactly its prefix; each call is safe to repeat after a killed hook. */
async function ensureUser(client: AuthClient, user: ClientUser, view: EtcdAuthView, roles: readonly string[]): Promise<void> {
  const cn = user.commonName;
  const change = permissionChanges(user, view);
  const roleMissing = !roles.includes(cn);
  if (change.create) await addCertificateUser(client, cn);
  if (change.create || roleMissing) await addRole(client, cn);
  if (change.create || roleMissing || change.grant) await grantRole(client, cn, cn);
  if (change.grant) await grantPrefix(client, cn, user.prefix);
  for (const prefix of change.revoke) await revokePrefix(client, cn, prefix);
}

/** What every answer carries: the members serving client TLS, the server version, the CA of the units' client certificates. */
async function clusterFacts(ctx: ClientsContext, client: EtcdApi): Promise<ClusterFacts & { readonly ca: string }> {
  const started = [
    ...(ctx.own.started && ctx.self.clientTls ? [{ n: ctx.scope.model.unitNumber, ip: ctx.self.ip }] : []),
    ...ctx.peers.filter((p) => p.started && p.ip !== undefined && servesTls(p.tls.client)).map((p) => ({ n: p.unitNumber, ip: p.ip! })),
  ].sort((a, b) => a.n - b.n);
  const version = (await client.version(ctx.self.clientUrl)).server;
  const installed = await readInstalled(ctx.scope.effects.root, 'client');
  return { endpoints: started.map((u) => `${u.ip}:${CLIENT_PORT}`), version, ca: renderBundle(installed?.cas ?? []) };
}

/** The two app-owned secrets a request's answer names, created and granted once, a new revision only when content changes. */
async function shareSecrets(model: Model, relation: Relation, request: ClientRequest, user: ClientUser, facts: ClusterFacts & { readonly ca: string }): Promise<SharedSecrets> {
  const userId = await ensureSecret(model, relation, secretLabel(request, 'user'), userSecretContent(user.commonName, facts));
  const tlsId = await ensureSecret(model, relation, secretLabel(request, 'tls'), tlsSecretContent(request, facts.ca));
  return { user: userId, tls: tlsId };
}

async function ensureSecret(model: Model, relation: Relation, label: string, content: Record<string, string>): Promise<string> {
  let id: string;
  try {
    id = (await model.secrets.info({ label })).id;
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
    const created = await model.secrets.add(content, { owner: 'application', label });
    await model.secrets.grant(created, relation.idString);
    return created;
  }
  const current = await model.secrets.get({ id });
  if (JSON.stringify(sorted(current)) !== JSON.stringify(sorted(content))) await model.secrets.set(id, { content });
  return id;
}

const sorted = (record: Readonly<Record<string, string>>): [string, string][] => Object.entries(record).sort(([a], [b]) => a.localeCompare(b, 'en'));

/** Secrets shared for request `key` (`<rel>` or `<rel>-<request id>`), removed once their request is gone. */
async function removeSharedSecrets(model: Model, key: string): Promise<void> {
  const [relationId, requestId] = key.split(/-(.*)/s, 2);
  const base = requestId === undefined || requestId === '' ? `etcd-client.${relationId}` : `etcd-client.${relationId}.${requestId}`;
  for (const group of ['user', 'tls']) {
    try {
      const { id } = await model.secrets.info({ label: `${base}.${group}.secret` });
      await model.secrets.remove(id);
    } catch (error) {
      if (!isSecretNotFoundError(error)) throw error;
    }
  }
}

/** Makes our app bag on `relation` exactly `wanted` (stale keys dropped; unchanged keys not rewritten, so the requirer is not woken). */
async function writeExactly(relation: Relation, wanted: Readonly<Record<string, string>>): Promise<void> {
  const bag = relation.localAppData;
  const current = await bag.read();
  for (const key of Object.keys(current)) if (!(key in wanted)) bag.set(key, undefined);
  for (const [key, value] of Object.entries(wanted)) if (current[key] !== value) bag.set(key, value);
}
