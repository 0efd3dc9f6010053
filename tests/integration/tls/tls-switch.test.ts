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
import { unitRoot } from '../../sim/home.js';
import { useSimModel } from '../../sim/testing.js';
import type { CliResult, SimModel } from '../../sim/testing.js';
import { rootPassword } from '../support/model-state.js';
import { parseMemberList, simExec } from '../support/unit-exec.js';

const APP = 'charmed-etcd';
const PROVIDER = 'tls-provider';
const model = useSimModel({ units: 3, deployArgs: ['--config', 'certificate-extra-sans=127.0.0.1'] });

async function ok(pending: Promise<CliResult>): Promise<string> {
  const r = await pending;
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/** The unit's own client certificate files, as an operator on the machine passes them to etcdctl. */
const tlsFiles = (sim: SimModel, unit: string) => {
  const dir = path.join(unitRoot(sim.home, unit), 'var/snap/charmed-etcd/current/tls');
  return { cacert: path.join(dir, 'client_ca.pem'), cert: path.join(dir, 'client.pem'), key: path.join(dir, 'client.key') };
};

/** `charmed-etcd.etcdctl` on `unit` as root, with the unit's client certificate when `tls`. */
async function etcdctl(sim: SimModel, unit: string, args: readonly string[], options: { readonly tls: boolean; readonly certificate?: boolean }): Promise<CliResult> {
  const status = await sim.status();
  const scheme = options.tls ? 'https' : 'http';
  const endpoints = Object.values(status.units).map((u) => `${scheme}://${u.address}:2379`).join(',');
  const files = tlsFiles(sim, unit);
  const certArgs = options.tls ? [`--cacert=${files.cacert}`, ...(options.certificate === false ? [] : [`--cert=${files.cert}`, `--key=${files.key}`])] : [];
  const script = 'IFS= read -r p || exit 2; ETCDCTL_USER="root:$p"; export ETCDCTL_USER; exec charmed-etcd.etcdctl "$@"';
  return simExec(sim, unit, ['sh', '-c', script, 'etcdctl', `--endpoints=${endpoints}`, '--command-timeout=20s', ...certArgs, ...args], { input: `${rootPassword(sim)}\n` });
}

async function members(sim: SimModel, clientTls: boolean): Promise<{ name: string; peer: string; client: string }[]> {
  const out = await ok(etcdctl(sim, `${APP}/0`, ['member', 'list', '-w', 'simple'], { tls: clientTls }));
  return parseMemberList(out)
    .map((m) => ({ name: m.name, peer: m.peerUrls, client: m.clientUrls }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function expectSchemes(sim: SimModel, peer: 'http' | 'https', client: 'http' | 'https'): Promise<void> {
  const status = await sim.status();
  const expected = Object.entries(status.units)
    .map(([unit, u]) => ({ name: unit.replace('/', ''), peer: `${peer}://${u.address}:2380`, client: `${client}://${u.address}:2379` }))
    .sort((a, b) => a.name.localeCompare(b.name));
  expect(await members(sim, client === 'https')).toEqual(expected);
  for (const [unit, u] of Object.entries(status.applications[APP]!.units)) {
    expect({ unit, status: u['workload-status'], message: u.message }).toEqual({ unit, status: 'active', message: '' });
  }
}

async function put(sim: SimModel, key: string, clientTls: boolean): Promise<void> {
  await ok(etcdctl(sim, `${APP}/1`, ['put', key, `value-of-${key}`], { tls: clientTls }));
}

async function keys(sim: SimModel, clientTls: boolean): Promise<string[]> {
  const out = await ok(etcdctl(sim, `${APP}/2`, ['get', 'tls-test/', '--prefix', '--keys-only'], { tls: clientTls }));
  return out.split('\n').filter((l) => l !== '').sort();
}

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
