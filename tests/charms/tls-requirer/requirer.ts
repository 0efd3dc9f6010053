/**
 * The requirer side of tls-certificates with charmed-etcd's own code
 * (src/tls): one key per unit in a unit secret, one CSR in the unit bag, the
 * provider's answer checked. It lets the simulator tests exercise the
 * protocol against the provider test charm before and beside charmed-etcd.
 */
import { parseJujuContext } from '../../../lib/juju/context.js';
import type { CharmMain } from '../../../lib/juju/host.js';
import { Model } from '../../../lib/juju/model.js';
import type { OfferCheck } from '../../../src/tls/offer.js';
import { certificateRequestFor, parseExtraSans } from '../../../src/tls/request.js';
import { requestCertificate } from '../../../src/tls/unit-certificate.js';
import { parseCertificate } from '../../../src/tls/x509.js';

const ENDPOINT = 'certificates';

async function converge(model: Model): Promise<OfferCheck | 'no relation' | undefined> {
  const relation = await model.relation(ENDPOINT);
  if (relation === undefined) return 'no relation';
  const config = await model.rawConfig();
  const extra = parseExtraSans(String(config['extra-sans'] ?? ''), model.unitNumber);
  if (!extra.ok) return { ok: false, reason: extra.reason };
  const ip = await model.ingressAddress(ENDPOINT);
  const wanted = certificateRequestFor('client', { unitName: model.unitName, unitNumber: model.unitNumber, modelUuid: model.context.modelUuid, ip, hostname: `host-${model.unitNumber}` }, extra.sans);
  const answer = await requestCertificate({ secrets: model.secrets, relation, unitNumber: model.unitNumber, operatorKey: undefined, wanted, now: new Date() });
  if (answer.kind === 'waiting') return undefined;
  if (answer.kind === 'offered') return { ok: true, offered: answer.offered };
  return { ok: false, reason: answer.reason };
}

export const tlsRequirerCharm: CharmMain = async (host) => {
  const stderr = host.stderr ?? process.stderr;
  try {
    const model = new Model(parseJujuContext(host.env), host.tools);
    const offer = await converge(model);
    if (model.context.event.kind === 'action') {
      model.action?.setResults({ answer: JSON.stringify(offer ?? null) });
    } else if (offer === 'no relation') {
      model.unitStatus.set({ name: 'waiting', message: 'no certificates relation' });
    } else if (offer === undefined) {
      model.unitStatus.set({ name: 'waiting', message: 'waiting for a certificate' });
    } else if (!offer.ok) {
      model.unitStatus.set({ name: 'blocked', message: offer.reason });
    } else {
      const issuer = /CN=([^,\n]+)/.exec(parseCertificate(offer.offered.ca).subject)?.[1] ?? '?';
      model.unitStatus.set({ name: 'active', message: `certificate from CN=${issuer}` });
    }
    await model.flush();
    return 0;
  } catch (error) {
    stderr.write(`tls-requirer: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
};
