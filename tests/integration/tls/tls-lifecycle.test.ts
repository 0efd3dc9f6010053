/**
 * TLS over a cluster's life: a cluster deployed with both certificates
 * relations in place starts with TLS from its first member and never
 * restarts to switch; then the provider's CA changes (as a new
 * `ca-common-name` makes self-signed-certificates do) and the charm rotates
 * it in three rolling phases, and then the charm is refreshed to a new etcd
 * patch, while a client writes without pause. At the end every unit serves a
 * certificate from the new CA, trusts only the new CA, runs the new etcd, and
 * every acknowledged write is in etcd.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitPemBlocks } from '../../../src/tls/pem.js';
import { parseCertificate } from '../../../src/tls/x509.js';
import { useSimModel } from '../../sim/testing.js';
import { rootPassword } from '../support/model-state.js';
import { allActive, allOn, runAction, settle } from '../support/steps.js';
import { clientFor, startWriter, waitForWrites } from './etcd-writer.js';
import { APP, PROVIDER, deployWithTls, expectSchemes, ok, tlsFiles, writerFiles } from './tls-cluster.js';

const model = useSimModel({ units: 0 });

const issuerOf = (pem: string): string => /CN=([^,\n]+)/.exec(parseCertificate(pem).issuer)?.[1] ?? '?';

describe('TLS from the first member, a CA rotation and a refresh under load', () => {
  it('starts a new cluster with TLS without a restart, then rotates the CA and refreshes with no acknowledged write lost', async () => {
    const sim = model();
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-life-'));
    // The application and its relations first, then the units: each unit's first hooks already see both relations.
    const charm = await deployWithTls(sim, dir, 3);
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'https');
    const switched = sim.debugLog().filter((l) => /restarting .* to switch TLS/.test(l.message));
    expect(switched).toEqual([]);

    const status = await sim.status();
    const units = Object.keys(status.applications[APP]!.units);
    const target = { addresses: Object.values(status.applications[APP]!.units).map((u) => u.address), password: rootPassword(sim), tls: writerFiles(sim, units[0]!) };
    const writer = startWriter(target, 'rotation/');
    await waitForWrites(writer, 20);

    await ok(sim.sim('config', '--app', PROVIDER, 'ca-common-name=rotated-ca'));
    await sim.wait(900);
    await waitForWrites(writer, writer.count() + 20);

    // A refresh with TLS on: the restore point is saved over TLS, and each unit comes back on https with its files.
    const next = (await ok(sim.sim('publish', charm, '--workload', '3.6.16', '--charm-version', '3.6/1.0.1'))).trim();
    const pre = await runAction(sim, `${APP}/leader`, 'pre-refresh-check');
    expect({ status: pre.status, message: pre.message, results: pre.results }).toMatchObject({ status: 'completed' });
    await ok(sim.sim('refresh', APP, '--revision', next));
    const refreshed = await settle(sim, (st) => allOn('3.6.16')(st) && allActive(st), 600_000);
    expect(refreshed.application.message).toBe('');
    await waitForWrites(writer, writer.count() + 20);
    const report = await writer.stop();
    console.log(`CA rotation and refresh under load: ${report.acknowledged.length} writes acknowledged, ${report.failures} failed attempts, longest gap ${report.longestGapMs} ms`);

    await expectSchemes(sim, 'https', 'https');
    for (const unit of units) {
      const files = tlsFiles(sim, unit);
      expect({ unit, issuer: issuerOf(readFileSync(files.cert, 'utf8')) }).toEqual({ unit, issuer: 'rotated-ca' });
      const trusted = splitPemBlocks(readFileSync(files.cacert, 'utf8')).map((pem) => parseCertificate(pem).subject);
      expect({ unit, trusted: trusted.map((s) => /CN=([^,\n]+)/.exec(s)?.[1]) }).toEqual({ unit, trusted: ['rotated-ca'] });
    }
    const stored = new Set((await clientFor({ ...target, tls: writerFiles(sim, units[1]!) }).range('rotation/')).map((kv) => kv.key));
    expect(report.acknowledged.filter((k) => !stored.has(k))).toEqual([]);
  });
});
