/**
 * TLS on a running charmed-etcd, as an operator turns it on and off with
 * `juju integrate` / `juju remove-relation` against a certificates provider
 * (the test charm playing self-signed-certificates): peer TLS, then client
 * TLS, then both off again, one unit at a time. After each step etcd itself
 * (`etcdctl member list` on a unit) shows the schemes, every unit is active,
 * and every key written before is still there.
 *
 * `certificate-extra-sans=127.0.0.1`: in the simulator every unit's address
 * is a loopback one, and a connection between two of them leaves from
 * 127.0.0.1, which etcd checks against the dialing member's certificate
 * (peer client-cert-auth); on real machines the unit address is the source.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestCharm } from '../../charms/build.js';
import { useSimModel } from '../../sim/testing.js';
import { APP, PROVIDER, etcdctl, expectSchemes, keys, ok, put } from './tls-cluster.js';

const model = useSimModel({ units: 3, deployArgs: ['--config', 'certificate-extra-sans=127.0.0.1'] });

describe('TLS switched on and off on a running cluster', () => {
  it('turns peer TLS on, then client TLS, then both off, one unit at a time, keeping every key', async () => {
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

    await ok(sim.sim('remove-relation', `${APP}:client-certificates`, PROVIDER));
    await sim.wait(600);
    await expectSchemes(sim, 'https', 'http');

    await ok(sim.sim('remove-relation', `${APP}:peer-certificates`, PROVIDER));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'http');
    expect(await keys(sim, false)).toEqual(['tls-test/0-plain', 'tls-test/1-peer', 'tls-test/2-both']);
  });
});
