/**
 * TLS on a running charmed-etcd, as an operator turns it on and off with
 * `juju integrate` / `juju remove-relation` against a certificates provider
 * (the test charm playing self-signed-certificates): peer TLS, then client
 * TLS, the operator's own private key (a bad one refused), the health
 * action over mutual TLS, peer TLS alone off and on again, then both off
 * again, one unit at a time. After each step etcd itself
 * (`etcdctl member list` on a unit) shows the schemes, every unit is active,
 * and every key written before is still there.
 *
 * `certificate-extra-sans=127.0.0.1`: in the simulator every unit's address
 * is a loopback one, and a connection between two of them leaves from
 * 127.0.0.1, which etcd checks against the dialing member's certificate
 * (peer client-cert-auth); on real machines the unit address is the source.
 */
import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestCharm } from '../../charms/build.js';
import { unitRoot } from '../../sim/home.js';
import { useSimModel } from '../../sim/testing.js';
import type { StatusJson } from '../../sim/status.js';
import { runAction } from '../support/steps.js';
import { APP, PROVIDER, etcdctl, expectSchemes, keys, ok, put } from './tls-cluster.js';

const units = (status: StatusJson): string[] => Object.keys(status.applications[APP]!.units).sort();
const model = useSimModel({ units: 3, deployArgs: ['--config', 'certificate-extra-sans=127.0.0.1'] });

describe('TLS switched on and off on a running cluster', () => {
  it('turns peer TLS on, then client TLS, peer alone off and on, then both off, one unit at a time, keeping every key', async () => {
    const sim = model();
    await sim.wait();
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-provider-'));
    await ok(sim.sim('deploy', await buildTestCharm(PROVIDER, path.join(dir, PROVIDER)), PROVIDER));
    await sim.wait();
    await expectSchemes(sim, 'http', 'http');
    await put(sim, 'tls-test/0-plain', false);

    await ok(sim.sim('integrate', `${APP}:peer-certificates`, `${PROVIDER}:certificates`));
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'http');
    await put(sim, 'tls-test/1-peer', false);

    await ok(sim.sim('integrate', `${APP}:client-certificates`, `${PROVIDER}:certificates`));
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'https');
    await put(sim, 'tls-test/2-both', true);
    // Client certificates are required: the CA alone does not get a client in.
    const anonymous = await etcdctl(sim, `${APP}/0`, ['get', 'tls-test/0-plain'], { tls: true, certificate: false });
    expect(anonymous.exitCode).not.toBe(0);
    // Plain http is gone from the client port.
    expect((await etcdctl(sim, `${APP}/0`, ['get', 'tls-test/0-plain'], { tls: false })).exitCode).not.toBe(0);

    // The operator's own peer key (Canonical's tls-peer-private-key): a bad one blocks and changes nothing; a good one replaces each unit's.
    const keyFile = (unit: string) => path.join(unitRoot(sim.home, unit), 'var/snap/charmed-etcd/current/tls/peer.key');
    const keysBefore = units(await sim.status()).map((u) => readFileSync(keyFile(u), 'utf8'));
    const bad = (await ok(sim.sim('add-secret', 'bad-peer-key', 'private-key=not-a-key'))).trim();
    await ok(sim.sim('grant-secret', 'bad-peer-key', APP));
    await ok(sim.sim('config', '--app', APP, `tls-peer-private-key=${bad}`));
    await sim.wait(600);
    for (const [unit, u] of Object.entries((await sim.status()).applications[APP]!.units)) {
      expect({ unit, status: u['workload-status'], message: u.message }).toEqual({ unit, status: 'blocked', message: 'The private key provided is not valid. Please provide a valid private key' });
    }
    expect(units(await sim.status()).map((u) => readFileSync(keyFile(u), 'utf8'))).toEqual(keysBefore);
    const operatorKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const good = (await ok(sim.sim('add-secret', 'peer-key', `private-key=${Buffer.from(operatorKey).toString('base64')}`))).trim();
    await ok(sim.sim('grant-secret', 'peer-key', APP));
    await ok(sim.sim('config', '--app', APP, `tls-peer-private-key=${good}`));
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'https');
    const operatorPublic = createPublicKey(operatorKey).export({ type: 'spki', format: 'pem' }).toString();
    for (const unit of units(await sim.status())) {
      expect({ unit, key: createPublicKey(readFileSync(keyFile(unit), 'utf8')).export({ type: 'spki', format: 'pem' }).toString() }).toEqual({ unit, key: operatorPublic });
      const served = new X509Certificate(readFileSync(path.join(path.dirname(keyFile(unit)), 'peer.pem'), 'utf8'));
      expect({ unit, key: served.publicKey.export({ type: 'spki', format: 'pem' }).toString() }).toEqual({ unit, key: operatorPublic });
    }
    await put(sim, 'tls-test/3-operator-key', true);

    // The charm's own view over mutual TLS: the health action asks every member.
    const health = await runAction(sim, `${APP}/leader`, 'health');
    expect({ status: health.status, healthy: health.results['healthy'], summary: health.results['summary'] }).toEqual({ status: 'completed', healthy: 'true', summary: 'all 3 members healthy' });

    // Peer TLS alone off and on again while client TLS stays on.
    await ok(sim.sim('remove-relation', `${APP}:peer-certificates`, PROVIDER));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'https');
    await ok(sim.sim('integrate', `${APP}:peer-certificates`, `${PROVIDER}:certificates`));
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'https');
    await put(sim, 'tls-test/4-peer-again', true);

    await ok(sim.sim('remove-relation', `${APP}:client-certificates`, PROVIDER));
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'http');

    await ok(sim.sim('remove-relation', `${APP}:peer-certificates`, PROVIDER));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'http');
    expect(await keys(sim, false)).toEqual(['tls-test/0-plain', 'tls-test/1-peer', 'tls-test/2-both', 'tls-test/3-operator-key', 'tls-test/4-peer-again']);
  });
});
