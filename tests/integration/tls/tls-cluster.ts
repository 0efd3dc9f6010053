/** What the TLS tests ask of a charmed-etcd model: etcdctl on a unit with or without its client certificate, the schemes etcd lists, keys. */
import path from 'node:path';
import { expect } from 'vitest';
import { buildTestCharm } from '../../charms/build.js';
import { unitRoot } from '../../sim/home.js';
import type { CliResult, SimModel } from '../../sim/testing.js';
import { buildCharmInto } from '../../sim/testing.js';
import { rootPassword } from '../support/model-state.js';
import { parseMemberList, simExec } from '../support/unit-exec.js';

export const APP = 'charmed-etcd';
export const PROVIDER = 'tls-provider';

export async function ok(pending: Promise<CliResult>): Promise<string> {
  const r = await pending;
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

/**
 * charmed-etcd with both certificates relations in place before its `units`
 * units, so each starts with TLS from its first hook (pause none,
 * `certificate-extra-sans=127.0.0.1`). Resolves with the built charm's directory.
 */
export async function deployWithTls(sim: SimModel, dir: string, units: number, providerConfig: readonly string[] = []): Promise<string> {
  const charm = await buildCharmInto(path.join(dir, 'charm'));
  const revision = (await ok(sim.sim('publish', charm))).trim();
  await ok(sim.sim('deploy', '--revision', revision, APP, '-n', '0', '--config', 'certificate-extra-sans=127.0.0.1', '--config', 'pause-after-unit-refresh=none'));
  await ok(sim.sim('deploy', await buildTestCharm(PROVIDER, path.join(dir, PROVIDER)), PROVIDER, ...providerConfig.flatMap((c) => ['--config', c])));
  await ok(sim.sim('integrate', `${APP}:peer-certificates`, `${PROVIDER}:certificates`));
  await ok(sim.sim('integrate', `${APP}:client-certificates`, `${PROVIDER}:certificates`));
  for (let i = 0; i < units; i++) await ok(sim.sim('add-unit', APP));
  return charm;
}

/** The unit's own client certificate files, as an operator on the machine passes them to etcdctl. */
export const tlsFiles = (sim: SimModel, unit: string) => {
  const dir = path.join(unitRoot(sim.home, unit), 'var/snap/charmed-etcd/current/tls');
  return { cacert: path.join(dir, 'client_ca.pem'), cert: path.join(dir, 'client.pem'), key: path.join(dir, 'client.key') };
};

/** The same files as the charm's client takes them (src/etcd/config.ts TlsFiles). */
export function writerFiles(sim: SimModel, unit: string) {
  const f = tlsFiles(sim, unit);
  return { certFile: f.cert, keyFile: f.key, trustedCaFile: f.cacert };
}

/** `charmed-etcd.etcdctl` on `unit` as root, with the unit's client certificate when `tls`. */
export async function etcdctl(sim: SimModel, unit: string, args: readonly string[], options: { readonly tls: boolean; readonly certificate?: boolean }): Promise<CliResult> {
  const status = await sim.status();
  const scheme = options.tls ? 'https' : 'http';
  const endpoints = Object.values(status.applications[APP]!.units).map((u) => `${scheme}://${u.address}:2379`).join(',');
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

/** etcd's own `member list` shows every unit with these schemes, and (unless `message` says otherwise) every unit is active. */
export async function expectSchemes(sim: SimModel, peer: 'http' | 'https', client: 'http' | 'https', unitStatus = { status: 'active', message: '' }): Promise<void> {
  const status = await sim.status();
  const expected = Object.entries(status.applications[APP]!.units)
    .map(([unit, u]) => ({ name: unit.replace('/', ''), peer: `${peer}://${u.address}:2380`, client: `${client}://${u.address}:2379` }))
    .sort((a, b) => a.name.localeCompare(b.name));
  expect(await members(sim, client === 'https')).toEqual(expected);
  for (const [unit, u] of Object.entries(status.applications[APP]!.units)) {
    expect({ unit, status: u['workload-status'], message: u.message }).toEqual({ unit, ...unitStatus });
  }
}

export async function put(sim: SimModel, key: string, clientTls: boolean): Promise<void> {
  await ok(etcdctl(sim, `${APP}/1`, ['put', key, `value-of-${key}`], { tls: clientTls }));
}

export async function keys(sim: SimModel, clientTls: boolean): Promise<string[]> {
  const out = await ok(etcdctl(sim, `${APP}/2`, ['get', 'tls-test/', '--prefix', '--keys-only'], { tls: clientTls }));
  return out.split('\n').filter((l) => l !== '').sort();
}

