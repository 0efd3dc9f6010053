/**
 * Certificates renewed before they end, as the tls-certificates v4 requirer
 * renews them: the provider issues certificates valid three minutes (SSC's
 * `certificate-validity` with `validity-unit=seconds`); a third of that
 * before the end, Juju runs `secret-expired` for each certificate's tracking
 * secret, the unit publishes a new CSR, and the new certificate is installed
 * with no restart (etcd reads certificate files at every handshake). Meanwhile
 * the cluster scales up and down over TLS, the units show Canonical's
 * expiring-soon status, and a client writes over mutual TLS without pause;
 * afterwards every acknowledged write is there.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../src/tls/x509.js';
import { unitRoot } from '../../sim/home.js';
import { useSimModel } from '../../sim/testing.js';
import { daemonPids, until } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { settle } from '../support/steps.js';
import { clientFor, startWriter, waitForWrites } from './etcd-writer.js';
import { APP, deployWithTls, expectSchemes, ok, writerFiles } from './tls-cluster.js';

const model = useSimModel({ units: 0 });
const EXPIRING = 'TLS peer certificates expiring soon. Please ensure new certificates are provided';
const VALIDITY_S = 180;

/** Fingerprints of the certificates a unit serves now, per side. */
function served(sim: ReturnType<typeof model>, unit: string): { peer: string; client: string } {
  const dir = path.join(unitRoot(sim.home, unit), 'var/snap/charmed-etcd/current/tls');
  const serial = (file: string) => parseCertificate(readFileSync(path.join(dir, file), 'utf8')).fingerprint256;
  return { peer: serial('peer.pem'), client: serial('client.pem') };
}

describe('certificate renewal', () => {
  it('renews every unit\'s certificates before they end, with no restart, while scaling up and down, and no acknowledged write lost', async () => {
    const sim = model();
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-renewal-'));
    await deployWithTls(sim, dir, 3, [`certificate-validity=${VALIDITY_S}`, 'validity-unit=seconds']);
    const up = await settle(sim, (s) => Object.values(s.applications[APP]?.units ?? {}).length === 3 && Object.values(s.applications[APP]!.units).every((u) => u.message === EXPIRING), 600_000);
    const units = Object.keys(up.applications[APP]!.units).sort();
    await expectSchemes(sim, 'https', 'https', { status: 'blocked', message: EXPIRING });

    const target = { addresses: Object.values(up.applications[APP]!.units).map((u) => u.address), password: rootPassword(sim), tls: writerFiles(sim, units[0]!) };
    const writer = startWriter(target, 'renewal/');
    await waitForWrites(writer, 20);
    const before = Object.fromEntries(units.map((u) => [u, served(sim, u)]));
    const pids = daemonPids(sim, units);

    // While the renewals come due, the cluster scales up and down over TLS: a new member joins with its own
    // certificates, then one of the first members leaves. Neither restarts the others.
    await ok(sim.sim('add-unit', APP));
    const four = await settle(sim, (s) => Object.values(s.applications[APP]!.units).length === 4 && Object.values(s.applications[APP]!.units).every((u) => u.message === EXPIRING), 600_000);
    await expectSchemes(sim, 'https', 'https', { status: 'blocked', message: EXPIRING });
    const joined = Object.keys(four.applications[APP]!.units).find((u) => !units.includes(u))!;
    const leaving = units[units.length - 1]!;
    await ok(sim.sim('remove-unit', leaving));
    await settle(sim, (s) => Object.keys(s.applications[APP]!.units).length === 3, 600_000);
    await expectSchemes(sim, 'https', 'https', { status: 'blocked', message: EXPIRING });
    const stay = units.filter((u) => u !== leaving);

    // Both sides of every first member get a new certificate; the renewal is due 120 s after each was issued.
    await until('every unit serving renewed certificates', () => {
      const now = Object.fromEntries(stay.map((u) => [u, served(sim, u)]));
      return stay.every((u) => now[u]!.peer !== before[u]!.peer && now[u]!.client !== before[u]!.client) ? now : undefined;
    }, 600_000, 1_000);
    expect(daemonPids(sim, stay)).toEqual(Object.fromEntries(stay.map((u) => [u, pids[u]])));
    const renewals = sim.debugLog().filter((l) => /renewing the TLS certificate whose renewal time came/.test(l.message));
    for (const unit of stay) expect({ unit, renewed: renewals.some((l) => l.unit === unit) }).toEqual({ unit, renewed: true });
    expect(served(sim, joined).peer).toBeTruthy();

    await waitForWrites(writer, writer.count() + 20);
    const report = await writer.stop();
    console.log(`renewal under load: ${report.acknowledged.length} writes acknowledged, ${report.failures} failed attempts, longest gap ${report.longestGapMs} ms`);
    await expectSchemes(sim, 'https', 'https', { status: 'blocked', message: EXPIRING });
    const stored = new Set((await clientFor({ ...target, tls: writerFiles(sim, units[1]!) }).range('renewal/')).map((kv) => kv.key));
    expect(report.acknowledged.filter((k) => !stored.has(k))).toEqual([]);
  }, 900_000);
});
