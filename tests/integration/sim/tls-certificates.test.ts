/**
 * tls-certificates between two test charms in the simulator: the provider
 * (tests/charms/tls.ts, as self-signed-certificates behaves) and a requirer
 * built on charmed-etcd's own TLS code (src/tls). Each requirer unit gets a
 * certificate for its own key and address; a new CA re-issues them all.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../src/tls/x509.js';
import { buildTestCharm } from '../../charms/build.js';
import { useSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';

const model = useSimModel({ units: 0 });
const PROV = 'tls-provider';
const REQ = 'tls-requirer';

async function ok(pending: Promise<{ exitCode: number; stderr: string; stdout: string }>): Promise<string> {
  const r = await pending;
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

const messages = async (m: SimModel, app: string): Promise<string[]> =>
  Object.values((await m.status()).applications[app]?.units ?? {}).map((u) => `${u['workload-status']}: ${u.message}`);

async function certificateOf(m: SimModel, unit: string): Promise<{ ok: boolean; offered?: { certificate: string; ca: string }; reason?: string }> {
  const out = await ok(m.sim('run', unit, 'certificate', '--format', 'json'));
  return JSON.parse((JSON.parse(out) as { results: { answer: string } }).results.answer);
}

describe('tls-certificates between a provider and a requirer', () => {
  it('issues each requirer unit a certificate for its own key and address, and re-issues all from a new CA', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-charms-'));
    await ok(model().sim('deploy', await buildTestCharm(PROV, path.join(dir, PROV)), PROV));
    await ok(model().sim('deploy', await buildTestCharm(REQ, path.join(dir, REQ)), REQ, '-n', '2'));
    await model().wait();
    expect(await messages(model(), REQ)).toEqual(['waiting: no certificates relation', 'waiting: no certificates relation']);

    await ok(model().sim('integrate', REQ, `${PROV}:certificates`));
    await model().wait();
    expect(await messages(model(), REQ)).toEqual(['active: certificate from CN=self-signed-certificates-operator', 'active: certificate from CN=self-signed-certificates-operator']);
    const status = await model().status();
    for (const [unit, info] of Object.entries(status.applications[REQ]!.units)) {
      const answer = await certificateOf(model(), unit);
      expect(answer.ok).toBe(true);
      const cert = parseCertificate(answer.offered!.certificate);
      expect(cert.commonName).toBe(`${unit.replace("/", "")}-${status.model.uuid}`);
      expect(cert.sansIp).toContain(info.address);
      expect(cert.sansDns).toContain(unit);
    }
    const first = await certificateOf(model(), `${REQ}/0`);

    await ok(model().sim('config', '--app', PROV, 'ca-common-name=rotated-ca'));
    await model().wait();
    expect(await messages(model(), REQ)).toEqual(['active: certificate from CN=rotated-ca', 'active: certificate from CN=rotated-ca']);
    const second = await certificateOf(model(), `${REQ}/0`);
    expect(second.offered!.ca).not.toBe(first.offered!.ca);
    // The same key: a new CA re-signs the same CSR.
    expect(parseCertificate(second.offered!.certificate).publicKey).toBe(parseCertificate(first.offered!.certificate).publicKey);

    await ok(model().sim('remove-relation', REQ, PROV));
    await model().wait();
    expect(await messages(model(), REQ)).toEqual(['waiting: no certificates relation', 'waiting: no certificates relation']);
  });
});
