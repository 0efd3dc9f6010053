/**
 * An s3 provider for tests, standing in for s3-integrator: its leader
 * publishes the S3 parameters of its config in the app databag of every
 * `s3-credentials` relation, in the interface's v0 shape (keys in plain text)
 * or v1 shape (keys in an app secret granted to the relation, its URI in
 * `secret-extra`; charm-relation-interfaces `interfaces/s3/v1`). Written from
 * the interface's description, not with the charm's own parser.
 */
import { z } from 'zod';
import type { CharmMain } from '../../lib/juju/host.js';
import { testCharmMain } from './main.js';
import { isSecretNotFoundError } from '../../lib/juju/index.js';
import type { Model } from '../../lib/juju/model.js';
import type { Relation } from '../../lib/juju/model/relation.js';

export const ENDPOINT = 's3-credentials';
const SECRET_LABEL = 'credentials';

const Config = z.object({
  shape: z.enum(['v0', 'v1']),
  endpoint: z.string(),
  bucket: z.string(),
  path: z.string(),
  region: z.string(),
  'access-key': z.string(),
  'secret-key': z.string(),
  'tls-ca-chain': z.string(),
});
type Config = z.infer<typeof Config>;

/** The app secret holding the keys, created or updated to `keys`; returns its URI. */
async function keysSecret(model: Model, keys: Record<string, string>): Promise<string> {
  try {
    const content = await model.secrets.get({ label: SECRET_LABEL, refresh: true });
    const info = await model.secrets.info({ label: SECRET_LABEL });
    if (content['access-key'] !== keys['access-key'] || content['secret-key'] !== keys['secret-key']) await model.secrets.set(info.id, { content: keys });
    return info.id;
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
    return model.secrets.add(keys, { label: SECRET_LABEL });
  }
}

async function publish(model: Model, relation: Relation, config: Config): Promise<void> {
  const plain: Record<string, string | undefined> = {
    endpoint: config.endpoint || undefined,
    bucket: config.bucket || undefined,
    path: config.path || undefined,
    region: config.region || undefined,
    'tls-ca-chain': config['tls-ca-chain'] || undefined,
  };
  const keys = { 'access-key': config['access-key'], 'secret-key': config['secret-key'] };
  if (config.shape === 'v0') {
    relation.localAppData.update({ ...plain, ...keys, 'secret-extra': undefined, 'lib-version': undefined });
    return;
  }
  const uri = await keysSecret(model, keys);
  await model.secrets.grant(uri, relation.idString);
  relation.localAppData.update({ ...plain, 'access-key': undefined, 'secret-key': undefined, 'secret-extra': uri, 'lib-version': '1.0' });
}

async function route(model: Model): Promise<void> {
  const event = model.context.event;
  const relations = await model.relations(ENDPOINT);
  if (event.kind === 'action') {
    const published = await Promise.all(relations.map(async (r) => ({ relation: r.idString, requirer: await (await r.remoteAppData()).read(), provider: await r.localAppData.read() })));
    model.action?.setResults({ published: JSON.stringify(published) });
    return;
  }
  if (!(await model.isLeader())) {
    model.unitStatus.set({ name: 'active', message: '' });
    return;
  }
  const config = await model.config(Config);
  for (const relation of relations) await publish(model, relation, config);
  model.unitStatus.set({ name: 'active', message: `serving ${relations.length} relation(s) (${config.shape})` });
}

export const s3ProviderCharm: CharmMain = testCharmMain('s3-provider', route);
