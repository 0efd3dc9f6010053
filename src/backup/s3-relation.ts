/**
 * The `s3-credentials` relation (interface `s3`) as this unit sees it in one
 * hook: the provider's parameters, read with {@link readS3Params}, and the
 * request the requirer side makes (the leader writes it).
 */
import { isSecretNotFoundError } from '../../lib/juju/index.js';
import type { Model, Relation } from '../../lib/juju/index.js';
import type { ProviderSecret, S3ParamsRead } from './s3-params.js';
import { readS3Params } from './s3-params.js';

export const S3_ENDPOINT = 's3-credentials';

/**
 * What the requirer writes: data-platform-libs' v0 S3Requirer asks for the
 * bucket `relation-<id>` (s3-integrator ignores it and names its own), and the
 * v1 shape adds `requested-secrets`, so a v1 provider puts the keys in a
 * secret. A v0 provider ignores the extra keys, so both are written.
 */
export const requirerRequest = (relationId: number): Readonly<Record<string, string>> => ({
  bucket: `relation-${relationId}`,
  'requested-secrets': JSON.stringify(['access-key', 'secret-key']),
  'lib-version': '1.0',
});

export interface S3Relation {
  readonly relation: Relation;
  readonly read: S3ParamsRead;
}

/** The hook is this relation's `-broken`: Juju still lists it, but it is gone. */
const isBroken = (model: Model, relation: Relation): boolean => {
  const event = model.context.event;
  return event.kind === 'hook' && event.name === `${S3_ENDPOINT}-relation-broken` && event.relation?.idString === relation.idString;
};

/** The live `s3-credentials` relation and what its provider says, or undefined when there is none. */
export async function readS3Relation(model: Model): Promise<S3Relation | undefined> {
  const relation = await model.relation(S3_ENDPOINT);
  if (relation === undefined || isBroken(model, relation)) return undefined;
  const bag = await (await relation.remoteAppData()).read();
  let secret: ProviderSecret | undefined;
  const ref = bag['secret-extra']?.trim();
  if (ref !== undefined && ref !== '') {
    try {
      secret = { ok: true, content: await model.secrets.get({ id: ref, refresh: true }) };
    } catch (error) {
      if (!isSecretNotFoundError(error)) throw error;
      secret = { ok: false, reason: 'secret not found or not granted' };
    }
  }
  return { relation, read: readS3Params(bag, secret) };
}

/** The leader asks for its bucket (written only when it differs: a write wakes the provider). */
export async function writeRequest(relation: Relation): Promise<void> {
  const bag = relation.localAppData;
  const current = await bag.read();
  for (const [key, value] of Object.entries(requirerRequest(relation.id))) if (current[key] !== value) bag.set(key, value);
}
