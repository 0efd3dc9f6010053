/** Secrets the operator manages (`juju add-secret`, `grant-secret`, `update-secret`) and `secret-changed` for consumers. */
import { latestRevision, secretIdFor, secretUri } from '../model.js';
import type { SecretModel } from '../model.js';
import { ModelError } from './errors.js';
import { queueHooks } from './queue.js';
import type { CoreModel } from './types.js';

/**
 * `secret-changed` for every consumer tracking an older revision than `revision`
 * (contract §3.7: a consumer moves only when it calls `secret-get --refresh`).
 */
export function secretChanged(model: CoreModel, id: string, revision: number): void {
  const secret = model.secrets.find((s) => s.id === id);
  if (!secret) return;
  for (const [consumer, record] of Object.entries(secret.consumers)) {
    if (record.revision >= revision) continue;
    queueHooks(model, consumer, [{ kind: 'hook', name: 'secret-changed', secretId: id, ...(record.label === undefined ? {} : { secretLabel: record.label }) }]);
  }
}

const named = (model: CoreModel, name: string): SecretModel => {
  const secret = model.secrets.find((s) => s.owner.kind === 'model' && s.name === name);
  if (!secret) throw new ModelError(`secret ${JSON.stringify(name)} not found`);
  return secret;
};

const nextId = (model: CoreModel): string => {
  const taken = new Set(model.secrets.map((s) => s.id));
  for (;;) {
    model.counters.secret += 1;
    const id = secretIdFor(model.counters.secret);
    if (!taken.has(id)) return id;
  }
};

/** `juju add-secret NAME k=v...`: a user secret; returns its URI. */
export function addUserSecret(model: CoreModel, name: string, content: Record<string, string>, at: string): string {
  if (model.secrets.some((s) => s.owner.kind === 'model' && s.name === name)) throw new ModelError(`secret with name ${JSON.stringify(name)} already exists`);
  const id = nextId(model);
  model.secrets.push({ id, owner: { kind: 'model' }, name, revisions: [{ revision: 1, content, createdAt: at }], grants: [], consumers: {} });
  return secretUri(id);
}

/** `juju grant-secret NAME APP`. */
export function grantUserSecret(model: CoreModel, name: string, app: string): void {
  const secret = named(model, name);
  if (!model.applications[app]) throw new ModelError(`application ${JSON.stringify(app)} not found`);
  if (!secret.grants.some((g) => g.scope === 'application' && g.subject === app)) secret.grants.push({ scope: 'application', subject: app });
}

/** `juju update-secret NAME k=v...`: a new revision; consumers on older ones get `secret-changed`. */
export function updateUserSecret(model: CoreModel, name: string, content: Record<string, string>, at: string): { uri: string; revision: number } {
  const secret = named(model, name);
  const revision = latestRevision(secret).revision + 1;
  secret.revisions.push({ revision, content, createdAt: at });
  secretChanged(model, secret.id, revision);
  return { uri: secretUri(secret.id), revision };
}
