/**
 * TLS over a cluster's life: a cluster deployed with both certificates
 * relations in place starts with TLS from its first member and never
 * restarts to switch; then the charm is refreshed to a new etcd patch,
 * paused after its first unit, and meanwhile the provider's CA changes (as a
 * new `ca-common-name` makes self-signed-certificates do): the rotation waits
 * for the refresh, with a status saying so, and once the refresh completes
 * the charm rotates the CA in three rolling phases; a client writes without
 * pause throughout. At the end every unit serves a
 * certificate from the new CA, trusts only the new CA, runs the new etcd, and
 * every acknowledged write is in etcd.
 * Then, on the same model, a unit's address changes with peer and client TLS
 * on: the unit first asks for certificates naming its new address (and the
 * old one, which its member runs at until it moves), shows Canonical's
 * `Refreshing TLS certificates because of updated IP address`, moves once
 * they are installed, and then takes certificates naming the new address
 * only, while a client writes over https.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDRESS_STATUS } from '../../../src/cluster/address-change.js';
import { splitPemBlocks } from '../../../src/tls/pem.js';
import { parseCertificate } from '../../../src/tls/x509.js';
import { useSimModel } from '../../sim/testing.js';
import { rootPassword } from '../support/model-state.js';
import { allActive, allOn, runAction, settle, watchStatuses } from '../support/steps.js';
import { clientFor, startWriter, waitForWrites } from './etcd-writer.js';
import { APP, PROVIDER, deployWithTls, expectSchemes, ok, tlsFiles, writerFiles } from './tls-cluster.js';

const model = useSimModel({ units: 0 });

const sansOf = (file: string): readonly string[] => [...parseCertificate(readFileSync(file, 'utf8')).sansIp].sort();
const issuerOf = (pem: string): string => /CN=([^,\n]+)/.exec(parseCertificate(pem).issuer)?.[1] ?? '?';
const TLS_WAITS = 'TLS change waits for the refresh to finish';

/** Every unit serves a certificate from the rotated CA and trusts only it (the rotation's last phase is done). */
function rotated(sim: ReturnType<typeof model>, units: readonly string[]): boolean {
  return units.every((unit) => {
    const files = tlsFiles(sim, unit);
    const trusted = splitPemBlocks(readFileSync(files.cacert, 'utf8')).map((pem) => issuerOf(pem));
    return issuerOf(readFileSync(files.cert, 'utf8')) === 'rotated-ca' && trusted.join() === 'rotated-ca';
  });
}

describe('TLS from the first member, and a CA rotation waiting on a refresh, under load', () => {
  it('starts a new cluster with TLS without a restart, holds a CA rotation during a refresh, then rotates, with no acknowledged write lost', async () => {
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

    // A refresh with TLS on, paused after its first unit; the provider's CA changes meanwhile. The rotation
    // waits (as other config does) while the refresh runs, then goes on once it completes.
    await ok(sim.sim('config', '--app', APP, 'pause-after-unit-refresh=first'));
    const next = (await ok(sim.sim('publish', charm, '--workload', '3.6.16', '--charm-version', '3.6/1.0.1'))).trim();
    const pre = await runAction(sim, `${APP}/leader`, 'pre-refresh-check');
    expect({ status: pre.status, message: pre.message, results: pre.results }).toMatchObject({ status: 'completed' });
    await ok(sim.sim('refresh', APP, '--revision', next));
    const paused = await settle(sim, (s) => s.application.message.includes('resume-refresh'), 600_000);
    await ok(sim.sim('config', '--app', PROVIDER, 'ca-common-name=rotated-ca'));
    const waiting = await settle(sim, (s) => Object.values(s.units).some((u) => u.message === TLS_WAITS), 600_000);
    for (const unit of units) {
      const trusted = splitPemBlocks(readFileSync(tlsFiles(sim, unit).cacert, 'utf8')).map((pem) => issuerOf(pem));
      expect({ unit, trusted }).toEqual({ unit, trusted: ['self-signed-certificates-operator'] });
    }
    expect(waiting.application.message).toBe(paused.application.message);
    console.log(`lifecycle: rotation waits: ${JSON.stringify(Object.fromEntries(Object.entries(waiting.units).map(([u, st]) => [u, st.message])))}`);
    const resumeOn = /run `resume-refresh` on unit (\d+)\./.exec(paused.application.message)?.[1];
    const resumed = await runAction(sim, `${APP}/${resumeOn}`, 'resume-refresh');
    expect(resumed.status).toBe('completed');
    const refreshed = await settle(sim, (st) => allOn('3.6.16')(st) && allActive(st) && rotated(sim, units), 900_000);
    expect(refreshed.application.message).toBe('');
    await waitForWrites(writer, writer.count() + 20);
    const report = await writer.stop();
    console.log(`refresh with a CA rotation waiting on it, under load: ${report.acknowledged.length} writes acknowledged, ${report.failures} failed attempts, longest gap ${report.longestGapMs} ms`);

    await expectSchemes(sim, 'https', 'https');
    for (const unit of units) {
      const files = tlsFiles(sim, unit);
      expect({ unit, issuer: issuerOf(readFileSync(files.cert, 'utf8')) }).toEqual({ unit, issuer: 'rotated-ca' });
      const trusted = splitPemBlocks(readFileSync(files.cacert, 'utf8')).map((pem) => parseCertificate(pem).subject);
      expect({ unit, trusted: trusted.map((s) => /CN=([^,\n]+)/.exec(s)?.[1]) }).toEqual({ unit, trusted: ['rotated-ca'] });
    }
    const stored = new Set((await clientFor({ ...target, tls: writerFiles(sim, units[1]!) }).range('rotation/')).map((kv) => kv.key));
    expect(report.acknowledged.filter((k) => !stored.has(k))).toEqual([]);
  }, 900_000);

  it('then follows an IP change over https: certificates for the new address first, and no acknowledged write lost', async () => {
    const sim = model();
    const UNIT = `${APP}/1`;
    const before = await sim.status();
    const units = Object.keys(before.applications[APP]!.units);
    const addresses = Object.values(before.applications[APP]!.units).map((u) => u.address);
    const old = before.units[UNIT]!.address;
    const fresh = `${old.split('.').slice(0, 3).join('.')}.201`;
    expect(sansOf(tlsFiles(sim, UNIT).cert)).toEqual(['127.0.0.1', old].sort());
    const target = { addresses, password: rootPassword(sim), tls: writerFiles(sim, units[0]!) };
    const writer = startWriter(target, 'ip-change/');
    await waitForWrites(writer, 20);

    const watch = watchStatuses(sim, UNIT);
    const started = Date.now();
    await ok(sim.sim('set-address', UNIT, fresh));
    // Settled means moved and on certificates that name the new address alone.
    await settle(sim, (s) => allActive(s) && s.units[UNIT]?.address === fresh && !sansOf(tlsFiles(sim, UNIT).cert).includes(old), 600_000);
    const movedInMs = Date.now() - started;
    const seen = await watch.stop();
    console.log(`tls ip change ${old} -> ${fresh}: settled in ${movedInMs} ms; ${UNIT} showed ${JSON.stringify(seen)}`);
    expect(seen).toContain(`maintenance  ${ADDRESS_STATUS.refreshingCertificates}`);

    await expectSchemes(sim, 'https', 'https');
    for (const kind of ['peer', 'client'] as const) {
      const file = path.join(path.dirname(tlsFiles(sim, UNIT).cert), `${kind}.pem`);
      expect({ kind, sans: sansOf(file) }).toEqual({ kind, sans: ['127.0.0.1', fresh].sort() });
    }

    await waitForWrites(writer, writer.count() + 20);
    const report = await writer.stop();
    console.log(`tls ip change writer: ${report.acknowledged.length} writes acknowledged, ${report.failures} failed attempts, longest gap ${report.longestGapMs} ms`);
    const now = Object.values((await sim.status()).applications[APP]!.units).map((u) => u.address);
    for (const address of now) {
      // Each member on its own holds every acknowledged write.
      const stored = new Set((await clientFor({ ...target, addresses: [address], tls: writerFiles(sim, units[0]!) }).range('ip-change/')).map((kv) => kv.key));
      expect({ address, missing: report.acknowledged.filter((k) => !stored.has(k)) }).toEqual({ address, missing: [] });
    }
    expect(report.longestGapMs).toBeLessThan(15_000);
  }, 900_000);
});
