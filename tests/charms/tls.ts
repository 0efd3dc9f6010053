/**
 * A tls-certificates provider for tests, behaving as self-signed-certificates
 * does (reference charmed-etcd-relations.md 2.1): the leader keeps one CA in
 * an app secret, signs every CSR the requirer units publish, and answers in
 * its app databag with `certificates` = [{ca, chain: [certificate, ca],
 * certificate, certificate_signing_request}]. A new `ca-common-name` makes a
 * new CA and re-issues everything. The databag is written here by hand from
 * the interface's description, not with the charm's own schemas, so a mistake
 * in those is not mirrored on both sides.
 */
import { z } from 'zod';
import type { CharmMain } from '../../lib/juju/host.js';
import { testCharmMain } from './main.js';
import { isSecretNotFoundError } from '../../lib/juju/index.js';
import type { Model } from '../../lib/juju/model.js';
import type { Relation } from '../../lib/juju/model/relation.js';
import { createTestCa, loadTestCa, type TestCa } from '../support/test-ca.js';

export const ENDPOINT = 'certificates';
const CA_LABEL = 'ca';

// SSC's units for `certificate-validity` (its `validity-unit` option).
const UNIT_MS = { weeks: 7 * 86_400_000, days: 86_400_000, hours: 3_600_000, minutes: 60_000, seconds: 1_000 } as const;
const Config = z.object({
  'ca-common-name': z.string().min(1),
  'certificate-validity': z.number().int().positive(),
  'validity-unit': z.enum(['weeks', 'days', 'hours', 'minutes', 'seconds']),
});
const Issued = z.object({ ca: z.string(), chain: z.array(z.string()).optional(), certificate: z.string(), certificate_signing_request: z.string() }).loose();
const Requested = z.object({ certificate_signing_request: z.string(), ca: z.boolean().nullable().optional() }).loose();

/** The leader's CA for `commonName`: the one in the secret, or a new one stored there. */
async function currentCa(model: Model, commonName: string): Promise<TestCa> {
  try {
    const content = await model.secrets.get({ label: CA_LABEL, refresh: true });
    if (content['common-name'] === commonName && content['certificate'] && content['private-key']) return loadTestCa(content['certificate'], content['private-key']);
    const ca = await createTestCa(commonName);
    const info = await model.secrets.info({ label: CA_LABEL });
    await model.secrets.set(info.id, { content: { 'common-name': commonName, certificate: ca.certificatePem, 'private-key': ca.privateKeyPem } });
    return ca;
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
    const ca = await createTestCa(commonName);
    await model.secrets.add({ 'common-name': commonName, certificate: ca.certificatePem, 'private-key': ca.privateKeyPem }, { label: CA_LABEL });
    return ca;
  }
}

const parseList = <T>(raw: string | undefined, schema: z.ZodType<T>): T[] => {
  if (raw === undefined || raw === '') return [];
  try {
    const parsed = z.array(schema).safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
};

/** Answers every CSR of `relation`'s units: keeps what this CA already issued for a CSR, signs the rest, drops the unasked. */
async function answer(relation: Relation, ca: TestCa, validityMs: number): Promise<number> {
  const csrs: string[] = [];
  for (const unit of await relation.units()) {
    for (const r of parseList(await relation.unitData(unit).get('certificate_signing_requests'), Requested)) csrs.push(r.certificate_signing_request.trim());
  }
  const before = parseList(await relation.localAppData.get('certificates'), Issued);
  const certificates = [];
  for (const csr of [...new Set(csrs)]) {
    const kept = before.find((c) => c.certificate_signing_request.trim() === csr && c.ca.trim() === ca.certificatePem.trim());
    if (kept) certificates.push(kept);
    else {
      const issued = await ca.issue(csr, { validityMs });
      certificates.push({ ca: issued.ca, chain: [...issued.chain], certificate: issued.certificate, certificate_signing_request: csr });
    }
  }
  relation.localAppData.set('certificates', JSON.stringify(certificates));
  return certificates.length;
}

async function route(model: Model): Promise<void> {
  const event = model.context.event;
  const relations = await model.relations(ENDPOINT);
  const leader = await model.isLeader();
  if (event.kind === 'action') {
    const issued = await Promise.all(relations.map(async (r) => parseList(await r.localAppData.get('certificates'), Issued)));
    model.action?.setResults({ certificates: JSON.stringify(issued.flat()) });
    return;
  }
  if (!leader) {
    model.unitStatus.set({ name: 'active', message: '' });
    return;
  }
  const config = await model.config(Config);
  const ca = await currentCa(model, config['ca-common-name']);
  let count = 0;
  for (const relation of relations) count += await answer(relation, ca, config['certificate-validity'] * UNIT_MS[config['validity-unit']]);
  model.unitStatus.set({ name: 'active', message: `${count} certificate(s) issued by CN=${config['ca-common-name']}` });
}

export const tlsProviderCharm: CharmMain = testCharmMain('tls-provider', route);
