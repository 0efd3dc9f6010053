/**
 * Secret revision expiry, as Juju's secretexpire worker does it
 * (internal/worker/secretexpire): when a revision's expire time passes, the
 * owner runs `secret-expired` (a unit-owned secret on that unit, an
 * app-owned one on the leader) with the revision in JUJU_SECRET_REVISION;
 * the charm is expected to remove that revision, and until it does the hook
 * is queued again every `ExpireRetryDelay` (5 minutes).
 */
import type { SecretModel, SecretRevision } from '../model.js';
import { queueHooks } from './queue.js';
import type { CoreModel, CoreUnit } from './types.js';

/** core/secrets ExpireRetryDelay. */
export const EXPIRE_RETRY_MS = 5 * 60_000;

const dueAt = (revision: SecretRevision): number | undefined => {
  if (revision.expire === undefined) return undefined;
  return revision.expiryQueuedAt === undefined ? Date.parse(revision.expire) : revision.expiryQueuedAt + EXPIRE_RETRY_MS;
};

/** The unit that runs the owner's hooks, if it is alive. */
function ownerUnit(model: CoreModel, secret: SecretModel): CoreUnit | undefined {
  const { owner } = secret;
  if (owner.kind === 'unit') {
    const unit = model.units[owner.name];
    return unit && !unit.dying ? unit : undefined;
  }
  if (owner.kind === 'application') return Object.values(model.units).find((u) => u.app === owner.name && u.juju.leader && !u.dying);
  return undefined; // user secrets have no charm owner
}

/** When the next `secret-expired` is due, if any revision has an expiry. */
export function nextExpiryAt(model: CoreModel): number | undefined {
  let next: number | undefined;
  for (const secret of model.secrets) {
    if (secret.owner.kind === 'model') continue;
    for (const revision of secret.revisions) {
      const at = dueAt(revision);
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
  }
  return next;
}

/** Queues `secret-expired` on the owner for every revision now due. */
export function queueExpired(model: CoreModel): void {
  for (const secret of model.secrets) {
    const unit = ownerUnit(model, secret);
    if (!unit) continue;
    for (const revision of secret.revisions) {
      const at = dueAt(revision);
      if (at === undefined || at > model.now) continue;
      revision.expiryQueuedAt = model.now;
      queueHooks(model, unit.name, [
        { kind: 'hook', name: 'secret-expired', secretId: secret.id, secretRevision: revision.revision, ...(secret.label === undefined ? {} : { secretLabel: secret.label }) },
      ]);
    }
  }
}
