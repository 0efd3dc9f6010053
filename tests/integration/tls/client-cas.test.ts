/**
 * `client-cas` (certificate_transfer) on real etcd: a CA from outside (say an
 * external Kubernetes client's) sent by a provider charm joins every unit's
 * client trust bundle through a rolling restart, so a client certificate it
 * signed is let in as the etcd user its CN names; removing the relation takes
 * the CA out again and the client is refused. Both shapes of the interface:
 * v1 (the provider's app bag) and v0 (its units' bags).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitPemBlocks } from '../../../src/tls/pem.js';
import { parseCertificate } from '../../../src/tls/x509.js';
import { issueClientLeaf, newRequirerCa } from '../../charms/etcd-client-certs.js';
import { buildTestCharm } from '../../charms/build.js';
import type { StatusJson } from '../../sim/status.js';
import type { SimModel } from '../../sim/testing.js';
import { useSimModel } from '../../sim/testing.js';
import { etcdctlAs } from '../support/cert-etcdctl.js';
import type { ClientFiles } from '../support/cert-etcdctl.js';
import { allActive, settle } from '../support/steps.js';
import { APP, deployWithTls, etcdctl, ok, tlsFiles } from './tls-cluster.js';

const SENDER = 'ca-transfer';
const CN = 'external-client';
const model = useSimModel({ units: 0 });

const idle = (s: StatusJson): boolean => allActive(s) && Object.values(s.applications).every((a) => Object.values(a.units).every((u) => u['agent-status'] === 'idle'));
const trusted = (sim: SimModel, unit: string): string[] =>
  splitPemBlocks(readFileSync(tlsFiles(sim, unit).cacert, 'utf8')).map((pem) => /CN=([^,\n]+)/.exec(parseCertificate(pem).subject)?.[1] ?? '?');
const urisOf = (s: StatusJson): string => Object.values(s.applications[APP]!.units).map((u) => `https://${u.address}:2379`).join(',');

async function expectEveryUnitTrusts(sim: SimModel, external: boolean): Promise<void> {
  const status = await sim.status();
  for (const unit of Object.keys(status.applications[APP]!.units)) {
    expect({ unit, external: trusted(sim, unit).includes('external-ca') }).toEqual({ unit, external });
  }
}

describe('client-cas: extra client CAs', () => {
  it('lets in a client whose certificate an extra CA signed while the relation lasts, in both shapes', async () => {
    const sim = model();
    const dir = mkdtempSync(path.join(tmpdir(), 'client-cas-'));
    await deployWithTls(sim, dir, 3);
    await settle(sim, idle, 600_000);

    // The outside client: its own CA and certificate, and an etcd user and role made by the operator.
    const ca = await newRequirerCa('external-ca');
    const leaf = await issueClientLeaf(ca, CN);
    mkdirSync(path.join(dir, 'client'));
    const files: ClientFiles = { cert: path.join(dir, 'client', 'cert.pem'), key: path.join(dir, 'client', 'key.pem'), ca: tlsFiles(sim, `${APP}/0`).cacert };
    writeFileSync(files.cert, leaf.certificate);
    writeFileSync(files.key, leaf.privateKey, { mode: 0o600 });
    for (const args of [['user', 'add', CN, '--no-password'], ['role', 'add', CN], ['role', 'grant-permission', CN, '--prefix=true', 'readwrite', '/ext/'], ['user', 'grant-role', CN, CN]]) {
      await ok(etcdctl(sim, `${APP}/0`, args, { tls: true }));
    }
    const uris = urisOf(await sim.status());
    expect(await etcdctlAs(files, uris, 'put', '/ext/before', 'x')).toMatch(/^ERROR/);

    await ok(sim.sim('deploy', await buildTestCharm(SENDER, path.join(dir, SENDER)), SENDER, '--config', `certificates=${Buffer.from(ca.certificate).toString('base64')}`));
    await ok(sim.sim('integrate', `${APP}:client-cas`, `${SENDER}:send-ca-cert`));
    await settle(sim, idle, 600_000);
    await expectEveryUnitTrusts(sim, true);
    expect(await etcdctlAs(files, uris, 'put', '/ext/key', 'from-outside')).toBe('OK');
    expect(await etcdctlAs(files, uris, 'get', '/other', '--print-value-only')).toMatch(/permission denied/);

    await ok(sim.sim('remove-relation', `${APP}:client-cas`, `${SENDER}:send-ca-cert`));
    await settle(sim, idle, 600_000);
    await expectEveryUnitTrusts(sim, false);
    expect(await etcdctlAs(files, uris, 'get', '/ext/key')).toMatch(/^ERROR/);

    await ok(sim.sim('config', '--app', SENDER, 'shape=v0'));
    await ok(sim.sim('integrate', `${APP}:client-cas`, `${SENDER}:send-ca-cert`));
    await settle(sim, idle, 600_000);
    await expectEveryUnitTrusts(sim, true);
    expect(await etcdctlAs(files, uris, 'get', '/ext/key', '--print-value-only')).toBe('from-outside');
  });
});
