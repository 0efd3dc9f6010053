/**
 * Client TLS alone on a running 3-unit cluster (peers stay on http), then
 * off again, as etcd itself lists the URLs; and a `certificate-extra-sans`
 * that is neither an IP nor a host name, which blocks naming it and restarts
 * nothing; `client-certificate-domain` refused as an IP, then taken as the
 * certificates' CN, with no restart. Every key written before is still there. See tls-switch.test.ts
 * for why the simulator needs `certificate-extra-sans=127.0.0.1`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestCharm } from '../../charms/build.js';
import { useSimModel } from '../../sim/testing.js';
import { parseCertificate } from '../../../src/tls/x509.js';
import { APP, PROVIDER, expectSchemes, keys, ok, put, tlsFiles } from './tls-cluster.js';

const model = useSimModel({ units: 3, deployArgs: ['--config', 'certificate-extra-sans=127.0.0.1'] });

describe('client TLS without peer TLS', () => {
  it('turns client TLS on and off on its own, keeping every key; a bad extra SAN blocks and restarts nothing', async () => {
    const sim = model();
    await sim.wait();
    const dir = mkdtempSync(path.join(tmpdir(), 'tls-client-only-'));
    await ok(sim.sim('deploy', await buildTestCharm(PROVIDER, path.join(dir, PROVIDER)), PROVIDER));
    await sim.wait();
    await put(sim, 'tls-test/0-plain', false);

    await ok(sim.sim('integrate', `${APP}:client-certificates`, `${PROVIDER}:certificates`));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'https');
    await put(sim, 'tls-test/1-client', true);

    const restartsBefore = sim.debugLog().filter((l) => /restarting /.test(l.message)).length;
    await ok(sim.sim('config', '--app', APP, 'certificate-extra-sans=127.0.0.1,not a name!'));
    await sim.wait(600);
    for (const [unit, u] of Object.entries((await sim.status()).applications[APP]!.units)) {
      expect({ unit, status: u['workload-status'], message: u.message }).toEqual({
        unit,
        status: 'blocked',
        message: "Invalid value for config option 'certificate-extra-sans': neither an IP address nor a host name: not a name!",
      });
    }
    expect(sim.debugLog().filter((l) => /restarting /.test(l.message)).length).toBe(restartsBefore);
    await ok(sim.sim('config', '--app', APP, 'certificate-extra-sans=127.0.0.1'));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'https');

    // client-certificate-domain: an IP is refused the same way; a domain gets new certificates naming it, with no restart.
    await ok(sim.sim('config', '--app', APP, 'client-certificate-domain=192.168.2.200'));
    await sim.wait(600);
    for (const [unit, u] of Object.entries((await sim.status()).applications[APP]!.units)) {
      expect({ unit, status: u['workload-status'], message: u.message }).toEqual({
        unit,
        status: 'blocked',
        message: "Invalid value for config option 'client-certificate-domain': an IP address is not a domain: 192.168.2.200",
      });
    }
    await ok(sim.sim('config', '--app', APP, 'client-certificate-domain=etcd.example.com'));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'https');
    for (const unit of Object.keys((await sim.status()).applications[APP]!.units)) {
      const subject = parseCertificate(readFileSync(tlsFiles(sim, unit).cert, 'utf8')).subject;
      expect({ unit, subject: /CN=([^,\n]+)/.exec(subject)?.[1] }).toEqual({ unit, subject: 'etcd.example.com' });
    }
    expect(sim.debugLog().filter((l) => /restarting /.test(l.message)).length).toBe(restartsBefore);
    await put(sim, 'tls-test/2-domain', true);

    await ok(sim.sim('remove-relation', `${APP}:client-certificates`, PROVIDER));
    await sim.wait(600);
    await expectSchemes(sim, 'http', 'http');
    expect(await keys(sim, false)).toEqual(['tls-test/0-plain', 'tls-test/1-client', 'tls-test/2-domain']);
  });
});
