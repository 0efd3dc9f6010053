/**
 * The IP change of tests/integration/faults/ip-change.test.ts with peer and
 * client TLS on: the unit first asks for certificates naming its new address
 * (and the old one, which its member runs at until it moves), shows
 * Canonical's `Refreshing TLS certificates because of updated IP address`,
 * moves once they are installed, and then takes certificates naming the new
 * address only. A client writes over https throughout.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ADDRESS_STATUS } from '../../../src/cluster/address-change.js';
import { parseCertificate } from '../../../src/tls/x509.js';
import { useSimModel } from '../../sim/testing.js';
import { rootPassword } from '../support/model-state.js';
import { allActive, settle } from '../support/steps.js';
import { clientFor, startWriter, waitForWrites } from './etcd-writer.js';
import { APP, deployWithTls, expectSchemes, ok, tlsFiles, writerFiles } from './tls-cluster.js';

const model = useSimModel({ units: 0 });
const UNIT = `${APP}/1`;

const sansOf = (file: string): readonly string[] => [...parseCertificate(readFileSync(file, 'utf8')).sansIp].sort();

describe('an IP change with TLS on, under load', () => {
  it('gets certificates for the new address first, moves over https, and loses no acknowledged write', async () => {
    const sim = model();
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-ip-'));
    await deployWithTls(sim, dir, 3);
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'https');

    const before = await sim.status();
    const units = Object.keys(before.applications[APP]!.units);
    const addresses = Object.values(before.applications[APP]!.units).map((u) => u.address);
    const old = before.units[UNIT]!.address;
    const fresh = `${old.split('.').slice(0, 3).join('.')}.201`;
    expect(sansOf(tlsFiles(sim, UNIT).cert)).toEqual(['127.0.0.1', old].sort());
    const target = { addresses, password: rootPassword(sim), tls: writerFiles(sim, units[0]!) };
    const writer = startWriter(target, 'ip-change/');
    await waitForWrites(writer, 20);

    const seen: string[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const u = (await sim.status()).units[UNIT];
        const line = `${u?.['workload-status']}  ${u?.message}`;
        if (seen.at(-1) !== line) seen.push(line);
        await sleep(200);
      }
    })();
    const started = Date.now();
    await ok(sim.sim('set-address', UNIT, fresh));
    // Settled means moved and on certificates that name the new address alone.
    await settle(sim, (s) => allActive(s) && s.units[UNIT]?.address === fresh && !sansOf(tlsFiles(sim, UNIT).cert).includes(old), 600_000);
    const movedInMs = Date.now() - started;
    watching = false;
    await watch;
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
