/**
 * A certificate_transfer provider for tests, as charms offering
 * `send-ca-cert` do (canonical/charm-relation-interfaces
 * interfaces/certificate_transfer v0 and v1): v1 puts `certificates`, a JSON
 * list of PEMs, in the provider's app bag (leader); v0 puts `ca`,
 * `certificate` and `chain` in each unit's bag. Written by hand from the
 * interface's description, not with the charm's own reader.
 */
import { z } from 'zod';
import type { CharmMain } from '../../lib/juju/host.js';
import type { Model } from '../../lib/juju/model.js';
import { testCharmMain } from './main.js';

const ENDPOINT = 'send-ca-cert';
const Config = z.object({ certificates: z.string(), shape: z.enum(['v0', 'v1']) });

const pemBlocks = (text: string): string[] => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

async function route(model: Model): Promise<void> {
  const relations = await model.relations(ENDPOINT);
  if (model.context.event.kind === 'action') {
    const bags = await Promise.all(relations.map(async (r) => ({ id: r.id, app: await r.localAppData.read().catch(() => ({})), unit: await r.localUnitData.read(), requirer: await (await r.remoteAppData()).read() })));
    model.action?.setResults({ bags: JSON.stringify(bags) });
    return;
  }
  const config = await model.config(Config);
  const certificates = pemBlocks(Buffer.from(config.certificates, 'base64').toString('utf8')).map((p) => `${p}\n`);
  const leader = await model.isLeader();
  for (const relation of relations) {
    const v1 = config.shape === 'v1' && certificates.length > 0 ? JSON.stringify(certificates) : undefined;
    if (leader) relation.localAppData.set('certificates', v1);
    const v0 = config.shape === 'v0' && certificates.length > 0;
    relation.localUnitData.update({
      ca: v0 ? certificates[0] : undefined,
      certificate: v0 ? certificates[0] : undefined,
      chain: v0 ? JSON.stringify(certificates) : undefined,
      version: v0 ? '0' : undefined,
    });
  }
  model.unitStatus.set({ name: 'active', message: `sending ${certificates.length} certificate(s) (${config.shape}) on ${relations.length} relation(s)` });
}

export const caTransferCharm: CharmMain = testCharmMain('ca-transfer', route);
