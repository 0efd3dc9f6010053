/**
 * A requirer of `etcd-client` (interface etcd_client) for tests, behaving as
 * data-platform-libs' requirers do (reference charmed-etcd-relations.md §1):
 * DPL v0 `EtcdRequires` (one prefix, flat app bag) or v1
 * `ResourceRequirerEventHandler` (`requests` list, one per CN). The leader
 * holds a CA and a client leaf per CN in app secrets and sends each leaf in a
 * secret granted to the relation. Written by hand from the spec, not with the
 * charm's src/clients, so a mistake is not mirrored on both sides.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { CharmMain } from '../../lib/juju/host.js';
import { isSecretNotFoundError } from '../../lib/juju/index.js';
import type { Model } from '../../lib/juju/model.js';
import type { Databag } from '../../lib/juju/model/databag.js';
import type { Relation } from '../../lib/juju/model/relation.js';
import { issueClientLeaf, newRequirerCa, type Pem } from './etcd-client-certs.js';
import { writeCredentials } from './etcd-client-credentials.js';
import { testCharmMain } from './main.js';

export const ENDPOINT = 'etcd-client';
const CA_LABEL = 'requirer-ca';
// DPL v0's requirer sends these (Canonical's unit tests use the same list).
const REQUESTED_SECRETS = ['username', 'password', 'tls', 'tls-ca', 'uris'];
const PROVIDED_SECRETS = ['mtls-cert'];

export const Config = z.object({
  requests: z.string(),
  'data-interfaces-version': z.union([z.literal(0), z.literal(1)]),
  'send-ca': z.boolean(),
  'certificate-generation': z.number().int().min(0),
});
export type Config = z.infer<typeof Config>;

export interface Wanted {
  readonly cn: string;
  readonly prefix: string;
}

/** What the leader holds for one CN (app secret `held.<cn>`). */
export interface Held extends Wanted, Pem {
  readonly salt: string;
  readonly requestId: string;
}

// A CN names a directory and a secret label: keep it to a safe alphabet.
const CN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `requests` config: "CN=PREFIX" entries, comma-separated. */
export function parseRequests(text: string, version: 0 | 1): { ok: true; wanted: Wanted[] } | { ok: false; reason: string } {
  const wanted: Wanted[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const cn = entry.slice(0, eq).trim();
    const prefix = entry.slice(eq + 1).trim();
    if (eq < 0 || !CN.test(cn) || prefix === '') return { ok: false, reason: `bad request entry "${entry}" (want CN=PREFIX)` };
    if (wanted.some((w) => w.cn === cn)) return { ok: false, reason: `CN ${cn} requested twice` };
    wanted.push({ cn, prefix });
  }
  if (version === 0 && wanted.length > 1) return { ok: false, reason: 'v0 supports exactly one request' };
  return { ok: true, wanted };
}

/** DPL v1: the first 16 hex of sha256("<resource>:<salt>"). */
export const requestIdOf = (resource: string, salt: string): string => createHash('sha256').update(`${resource}:${salt}`).digest('hex').slice(0, 16);

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const newSalt = (): string => Array.from(randomBytes(16), (b) => ALNUM[b % ALNUM.length]).join('');

export const heldLabel = (cn: string): string => `held.${cn}`;
export const mtlsLabel = (relationId: number, requestId?: string): string =>
  requestId === undefined ? `etcd-client.${relationId}.mtls.secret` : `etcd-client.${relationId}.${requestId}.mtls.secret`;

/** An app secret this application owns, by label; undefined when there is none. */
export async function ownSecret(model: Model, label: string): Promise<{ id: string; content: Record<string, string> } | undefined> {
  try {
    const content = await model.secrets.get({ label, refresh: true });
    return { id: (await model.secrets.info({ label })).id, content };
  } catch (error) {
    if (isSecretNotFoundError(error)) return undefined;
    throw error;
  }
}

/** The leader's CA: made once, kept for the life of the application. */
async function requirerCa(model: Model): Promise<Pem> {
  const own = await ownSecret(model, CA_LABEL);
  const certificate = own?.content['certificate'];
  const privateKey = own?.content['private-key'];
  if (certificate && privateKey) return { certificate, privateKey };
  const ca = await newRequirerCa(`${model.appName}-ca`);
  const content = { certificate: ca.certificate, 'private-key': ca.privateKey };
  if (own) await model.secrets.set(own.id, { content });
  else await model.secrets.add(content, { label: CA_LABEL });
  return ca;
}

/** The leaf held for `w.cn`, re-issued (new key, same CN and salt) only when the generation changed. */
async function heldFor(model: Model, ca: Pem, w: Wanted, generation: number): Promise<Held> {
  const label = heldLabel(w.cn);
  const own = await ownSecret(model, label);
  const c = own?.content ?? {};
  const salt = c['salt'] || newSalt();
  if (c['generation'] === String(generation) && c['certificate'] && c['private-key'] && c['salt']) {
    return { ...w, certificate: c['certificate'], privateKey: c['private-key'], salt, requestId: requestIdOf(w.prefix, salt) };
  }
  const leaf = await issueClientLeaf(ca, w.cn);
  const content = { certificate: leaf.certificate, 'private-key': leaf.privateKey, generation: String(generation), salt };
  if (own) await model.secrets.set(own.id, { content });
  else await model.secrets.add(content, { label });
  return { ...w, ...leaf, salt, requestId: requestIdOf(w.prefix, salt) };
}

/** The mtls secret at `label` holding `cert`: created and granted once, a new revision only when `cert` changed. */
async function mtlsSecret(model: Model, relation: Relation, label: string, cert: string): Promise<string> {
  const own = await ownSecret(model, label);
  if (own === undefined) {
    const id = await model.secrets.add({ 'mtls-cert': cert }, { label });
    await model.secrets.grant(id, relation.idString);
    return id;
  }
  if (own.content['mtls-cert'] !== cert) await model.secrets.set(own.id, { content: { 'mtls-cert': cert } });
  return own.id;
}

/** Stages `wanted` as the bag's whole content: stale keys go. Unchanged keys cost no relation-set. */
async function writeExactly(bag: Databag, wanted: Readonly<Record<string, string>>): Promise<void> {
  for (const key of Object.keys(await bag.read())) if (!(key in wanted)) bag.set(key, undefined);
  bag.update(wanted);
}

async function publish(model: Model, relation: Relation, config: Config, held: readonly Held[], ca: Pem): Promise<void> {
  const certOf = (h: Held): string => (config['send-ca'] ? ca.certificate : h.certificate);
  if (config['data-interfaces-version'] === 0) {
    const [h] = held;
    if (h === undefined) return writeExactly(relation.localAppData, {});
    const uri = await mtlsSecret(model, relation, mtlsLabel(relation.id), certOf(h));
    return writeExactly(relation.localAppData, {
      prefix: h.prefix,
      'secret-mtls': uri,
      'requested-secrets': JSON.stringify(REQUESTED_SECRETS),
      'provided-secrets': JSON.stringify(PROVIDED_SECRETS),
    });
  }
  const requests = [];
  for (const h of held) {
    const uri = await mtlsSecret(model, relation, mtlsLabel(relation.id, h.requestId), certOf(h));
    requests.push({ resource: h.prefix, 'request-id': h.requestId, salt: h.salt, 'secret-mtls': uri });
  }
  return writeExactly(relation.localAppData, requests.length === 0 ? {} : { version: 'v1', requests: JSON.stringify(requests) });
}

export interface Answer {
  readonly username: string;
  readonly uris: string;
  readonly tlsCa: string;
  readonly endpoints: string;
  readonly version: string;
}

const Response = z
  .object({
    'request-id': z.string().optional(),
    endpoints: z.string().optional(),
    version: z.string().optional(),
    'secret-user': z.string().optional(),
    'secret-tls': z.string().optional(),
  })
  .loose();
type Response = z.infer<typeof Response>;

/** The provider's response for each request id (v1), or for the one request (v0, key ''). */
async function responses(relation: Relation, version: 0 | 1): Promise<Map<string, Response>> {
  const bag = await (await relation.remoteAppData()).read();
  if (version === 0) return new Map([['', Response.parse(bag)]]);
  let list: unknown;
  try {
    list = JSON.parse(bag['requests'] ?? '[]');
  } catch {
    return new Map();
  }
  const parsed = z.array(Response).safeParse(list);
  return new Map((parsed.success ? parsed.data : []).filter((r) => r['request-id'] !== undefined).map((r) => [r['request-id'] ?? '', r]));
}

/** A consumed secret's latest content; undefined while it is not granted or not there. */
async function consumed(model: Model, id: string | undefined): Promise<Record<string, string> | undefined> {
  if (id === undefined || id === '') return undefined;
  try {
    return await model.secrets.get({ id, refresh: true });
  } catch {
    // Not granted yet ("permission denied") or gone: not answered, whatever the tool said.
    return undefined;
  }
}

/** The provider's answer per CN of `held` (CNs without one are left out). */
export async function answers(model: Model, relation: Relation, version: 0 | 1, held: readonly Held[]): Promise<Map<string, Answer>> {
  const byId = await responses(relation, version);
  const out = new Map<string, Answer>();
  for (const h of held) {
    const r = byId.get(version === 0 ? '' : h.requestId);
    const user = await consumed(model, r?.['secret-user']);
    const tls = await consumed(model, r?.['secret-tls']);
    const username = user?.['username'];
    const tlsCa = tls?.['tls-ca'];
    if (r === undefined || username === undefined || tlsCa === undefined) continue;
    out.set(h.cn, { username, uris: user?.['uris'] ?? '', tlsCa, endpoints: r.endpoints ?? '', version: r.version ?? '' });
  }
  return out;
}

/** What the leader holds now for the configured requests, without issuing anything (for actions). */
export async function heldNow(model: Model, wanted: readonly Wanted[]): Promise<Held[]> {
  const out: Held[] = [];
  for (const w of wanted) {
    const c = (await ownSecret(model, heldLabel(w.cn)))?.content;
    const [certificate, privateKey, salt] = [c?.['certificate'], c?.['private-key'], c?.['salt']];
    if (certificate && privateKey && salt) out.push({ ...w, certificate, privateKey, salt, requestId: requestIdOf(w.prefix, salt) });
  }
  return out;
}

async function converge(model: Model, relation: Relation | undefined): Promise<void> {
  if (!(await model.isLeader())) {
    model.unitStatus.set({ name: 'active', message: '' });
    return;
  }
  const config = await model.config(Config);
  const parsed = parseRequests(config.requests, config['data-interfaces-version']);
  if (!parsed.ok) return model.unitStatus.set({ name: 'blocked', message: parsed.reason });
  const ca = await requirerCa(model);
  const held: Held[] = [];
  for (const w of parsed.wanted) held.push(await heldFor(model, ca, w, config['certificate-generation']));
  if (relation === undefined) return model.unitStatus.set({ name: 'waiting', message: 'no etcd-client relation' });
  await publish(model, relation, config, held, ca);
  if (held.length === 0) return model.unitStatus.set({ name: 'blocked', message: 'no requests configured' });
  const n = (await answers(model, relation, config['data-interfaces-version'], held)).size;
  model.unitStatus.set(n === 0 ? { name: 'waiting', message: 'waiting for etcd' } : { name: 'active', message: `ready: ${n}/${held.length}` });
}

async function route(model: Model): Promise<void> {
  const relation = await model.relation(ENDPOINT);
  const action = model.action;
  if (model.context.event.kind !== 'action' || action === undefined) return converge(model, relation);
  if (relation === undefined) return action.fail('no etcd-client relation');
  if (action.name === 'published') {
    // App bags only: secret contents never leave the secrets.
    action.setResults({ relation: relation.idString, requirer: JSON.stringify(await relation.localAppData.read()), provider: JSON.stringify(await (await relation.remoteAppData()).read()) });
    return;
  }
  if (action.name === 'credentials') {
    const { dir } = await action.params(z.object({ dir: z.string().min(1) }).loose());
    const config = await model.config(Config);
    const parsed = parseRequests(config.requests, config['data-interfaces-version']);
    if (!parsed.ok) return action.fail(parsed.reason);
    const held = await heldNow(model, parsed.wanted);
    const got = await answers(model, relation, config['data-interfaces-version'], held);
    const out = await writeCredentials(dir, held.flatMap((h) => { const a = got.get(h.cn); return a === undefined ? [] : [{ held: h, answer: a }]; }));
    action.setResults({ credentials: JSON.stringify(out) });
    return;
  }
  action.fail(`unknown action ${action.name}`);
}

export const etcdRequirerCharm: CharmMain = testCharmMain('etcd-requirer', route);
