/**
 * Client applications over `etcd-client`, on real etcd: a 3-unit cluster with
 * TLS from its first member serves two requirer applications at once, one
 * speaking data_interfaces v0 (one request) and one v1 (two requests). Each
 * requirer's own etcdctl, with its own certificate and no password, writes
 * inside its prefix and is refused outside it and in the other's; etcd itself
 * lists the users and roles. Then a certificate renewal, a refresh of
 * charmed-etcd while a requirer writes (none of its acknowledged writes lost,
 * the new version published), a member added and removed (the endpoints
 * follow), a requirer sending a CA certificate (refused,
 * nothing created), and a removed relation (its users, roles and
 * certificates gone from etcd and every trust bundle).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitPemBlocks } from '../../../src/tls/pem.js';
import { buildTestCharm } from '../../charms/build.js';
import type { StatusJson } from '../../sim/status.js';
import type { SimModel } from '../../sim/testing.js';
import { useSimModel } from '../../sim/testing.js';
import { pinnedEtcd } from '../../support/etcd-binaries.js';
import { etcdctlAs, filesIn } from '../support/cert-etcdctl.js';
import { allActive, allOn, runAction, settle } from '../support/steps.js';
import { startWriter, waitForWrites } from '../tls/etcd-writer.js';
import { APP, deployWithTls, etcdctl as rootEtcdctl, ok, tlsFiles } from '../tls/tls-cluster.js';

const REQUIRER = 'etcd-requirer';
const model = useSimModel({ units: 0 });

interface Credentials {
  readonly username: string;
  readonly uris: string;
  readonly endpoints: string;
  readonly version: string;
  readonly prefix: string;
}

/** What requirer `app` holds per CN, written under `dir/<cn>/` by its `credentials` action. */
async function credentials(sim: SimModel, app: string, dir: string): Promise<Record<string, Credentials>> {
  const r = await runAction(sim, `${app}/leader`, 'credentials', `dir=${dir}`);
  expect(r.status, JSON.stringify(r)).toBe('completed');
  return JSON.parse(r.results['credentials'] ?? '{}') as Record<string, Credentials>;
}

/** Upstream etcdctl as the requirer's client `cn`: its certificate and key, the CA etcd's answer named, no user or password. */
const asClient = (dir: string, cn: string, uris: string, ...args: string[]): Promise<string> => etcdctlAs(filesIn(path.join(dir, cn)), uris, ...args);

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim()).filter((l) => l !== '').sort();
const requirerReady = (app: string, n: number) => (s: StatusJson): boolean => {
  const units = Object.values(s.applications[app]?.units ?? {});
  return units.some((u) => u.leader && u.message === `ready: ${n}/${n}`);
};
const etcdIdle = (s: StatusJson): boolean => allActive(s) && Object.values(s.applications).every((a) => Object.values(a.units).every((u) => u['agent-status'] === 'idle'));

async function etcdUsersAndRoles(sim: SimModel): Promise<{ users: string[]; roles: string[] }> {
  const users = lines(await ok(rootEtcdctl(sim, `${APP}/0`, ['user', 'list'], { tls: true })));
  const roles = lines(await ok(rootEtcdctl(sim, `${APP}/0`, ['role', 'list'], { tls: true })));
  return { users, roles };
}

describe('etcd-client: two requirers, v0 and v1, with mTLS', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'etcd-client-'));

  it('gives each client a user and role for its prefix only, as etcd itself enforces and lists', async () => {
    const sim = model();
    await deployWithTls(sim, dir, 3);
    await settle(sim, etcdIdle, 600_000);

    const requirerCharm = await buildTestCharm(REQUIRER, path.join(dir, REQUIRER));
    await ok(sim.sim('deploy', requirerCharm, 'app-a', '--config', 'data-interfaces-version=0', '--config', 'requests=client-a=/a/'));
    await ok(sim.sim('deploy', requirerCharm, 'app-b', '--config', 'data-interfaces-version=1', '--config', 'requests=client-b1=/b1/,client-b2=/b2/'));
    await ok(sim.sim('integrate', 'app-a', `${APP}:etcd-client`));
    await ok(sim.sim('integrate', 'app-b', `${APP}:etcd-client`));
    const status = await settle(sim, (s) => etcdIdle(s) && requirerReady('app-a', 1)(s) && requirerReady('app-b', 2)(s), 600_000);

    const a = await credentials(sim, 'app-a', path.join(dir, 'a'));
    const b = await credentials(sim, 'app-b', path.join(dir, 'b'));
    const addresses = Object.values(status.applications[APP]!.units).map((u) => u.address).sort();
    expect(a['client-a']).toMatchObject({ username: 'client-a', prefix: '/a/', version: pinnedEtcd() });
    expect(a['client-a']!.endpoints.split(',').sort()).toEqual(addresses.map((ip) => `${ip}:2379`));
    expect(a['client-a']!.uris.split(',').sort()).toEqual(addresses.map((ip) => `https://${ip}:2379`));
    expect(Object.keys(b).sort()).toEqual(['client-b1', 'client-b2']);

    const aUris = a['client-a']!.uris;
    const b1Uris = b['client-b1']!.uris;
    expect(await asClient(path.join(dir, 'a'), 'client-a', aUris, 'put', '/a/key', 'from-a')).toBe('OK');
    expect(await asClient(path.join(dir, 'a'), 'client-a', aUris, 'get', '/a/key', '--print-value-only')).toBe('from-a');
    expect(await asClient(path.join(dir, 'a'), 'client-a', aUris, 'put', '/outside', 'x')).toMatch(/permission denied/);
    expect(await asClient(path.join(dir, 'b'), 'client-b1', b1Uris, 'put', '/b1/key', 'from-b1')).toBe('OK');
    expect(await asClient(path.join(dir, 'a'), 'client-a', aUris, 'get', '/b1/', '--prefix')).toMatch(/permission denied/);
    expect(await asClient(path.join(dir, 'b'), 'client-b2', b['client-b2']!.uris, 'get', '/b1/key')).toMatch(/permission denied/);

    expect(await etcdUsersAndRoles(sim)).toEqual({ users: ['client-a', 'client-b1', 'client-b2', 'root'], roles: ['client-a', 'client-b1', 'client-b2'] });
  });

  it('follows a renewed certificate: the new one works, the old one is no longer trusted', async () => {
    const sim = model();
    await ok(sim.sim('config', '--app', 'app-a', 'certificate-generation=1'));
    await settle(sim, (s) => etcdIdle(s) && requirerReady('app-a', 1)(s), 600_000);
    const renewed = await credentials(sim, 'app-a', path.join(dir, 'a-renewed'));
    const uris = renewed['client-a']!.uris;
    expect(await asClient(path.join(dir, 'a-renewed'), 'client-a', uris, 'get', '/a/key', '--print-value-only')).toBe('from-a');
    expect(await asClient(path.join(dir, 'a'), 'client-a', uris, 'get', '/a/key', '--print-value-only')).toMatch(/^ERROR/);
  });

  it('keeps serving through a refresh of charmed-etcd: no acknowledged client write lost, the new version published', async () => {
    const sim = model();
    const status = await sim.status();
    const addresses = Object.values(status.applications[APP]!.units).map((u) => u.address);
    const files = path.join(dir, 'a-renewed', 'client-a');
    const writer = startWriter({ addresses, tls: { certFile: `${files}/cert.pem`, keyFile: `${files}/key.pem`, trustedCaFile: `${files}/ca.pem` } }, '/a/refresh/');
    await waitForWrites(writer, 20);
    const next = (await ok(sim.sim('publish', path.join(dir, 'charm'), '--workload', '3.6.16', '--charm-version', '3.6/1.0.1'))).trim();
    const pre = await runAction(sim, `${APP}/leader`, 'pre-refresh-check');
    expect(pre.status, JSON.stringify(pre)).toBe('completed');
    await ok(sim.sim('refresh', APP, '--revision', next));
    await settle(sim, (s) => allOn('3.6.16')(s) && etcdIdle(s), 600_000);
    await waitForWrites(writer, writer.count() + 20);
    const report = await writer.stop();
    console.log(`client writes through the refresh: ${report.acknowledged.length} acknowledged, ${report.failures} failed attempts, longest gap ${report.longestGapMs} ms`);
    const stored = new Set(lines(await asClient(path.join(dir, 'a-renewed'), 'client-a', addresses.map((ip) => `https://${ip}:2379`).join(','), 'get', '/a/refresh/', '--prefix', '--keys-only')));
    expect(report.acknowledged.filter((k) => !stored.has(k))).toEqual([]);
    await settle(sim, requirerReady('app-a', 1), 120_000);
    const after = await credentials(sim, 'app-a', path.join(dir, 'a-after'));
    expect(after['client-a']!.version).toBe('3.6.16');
  });

  it('publishes the endpoints of members as they come and go', async () => {
    const sim = model();
    const published = async (): Promise<string[]> => (await credentials(sim, 'app-a', path.join(dir, 'a-scale')))['client-a']!.endpoints.split(',').sort();
    await ok(sim.sim('add-unit', APP));
    const grown = await settle(sim, (s) => Object.keys(s.applications[APP]!.units).length === 4 && etcdIdle(s), 600_000);
    const four = Object.values(grown.applications[APP]!.units).map((u) => `${u.address}:2379`).sort();
    await settle(sim, requirerReady('app-a', 1), 120_000);
    expect(await published()).toEqual(four);
    const added = Object.keys(grown.applications[APP]!.units).sort((x, y) => Number(x.split('/')[1]) - Number(y.split('/')[1])).at(-1)!;
    await ok(sim.sim('remove-unit', added));
    const shrunk = await settle(sim, (s) => Object.keys(s.applications[APP]!.units).length === 3 && etcdIdle(s), 600_000);
    expect(await published()).toEqual(Object.values(shrunk.applications[APP]!.units).map((u) => `${u.address}:2379`).sort());
  });

  it('refuses a CA certificate in place of a client certificate, creating nothing', async () => {
    const sim = model();
    await ok(sim.sim('deploy', path.join(dir, REQUIRER), 'app-c', '--config', 'requests=client-c=/c/', '--config', 'send-ca=true'));
    await ok(sim.sim('integrate', 'app-c', `${APP}:etcd-client`));
    const text = 'Client relation: The certificate provided is a CA certificate. Please provide an end-entity certificate';
    await settle(sim, (s) => s.application.status === 'blocked' && s.application.message === text, 300_000);
    expect((await etcdUsersAndRoles(sim)).users).not.toContain('client-c');
    await ok(sim.sim('remove-relation', 'app-c', `${APP}:etcd-client`));
    await settle(sim, etcdIdle, 300_000);
  });

  it('forgets a removed requirer: users, roles and certificates gone from etcd and from every trust bundle', async () => {
    const sim = model();
    await ok(sim.sim('remove-relation', 'app-b', `${APP}:etcd-client`));
    await settle(sim, etcdIdle, 600_000);
    expect(await etcdUsersAndRoles(sim)).toEqual({ users: ['client-a', 'root'], roles: ['client-a'] });
    const status = await sim.status();
    const uris = Object.values(status.applications[APP]!.units).map((u) => `https://${u.address}:2379`).join(',');
    expect(await asClient(path.join(dir, 'b'), 'client-b1', uris, 'get', '/b1/key')).toMatch(/^ERROR/);
    expect(await asClient(path.join(dir, 'a-renewed'), 'client-a', uris, 'get', '/a/key', '--print-value-only')).toBe('from-a');
    for (const unit of Object.keys(status.applications[APP]!.units)) {
      // The provider's CA and app-a's one leaf.
      expect({ unit, certificates: splitPemBlocks(readFileSync(tlsFiles(sim, unit).cacert, 'utf8')).length }).toEqual({ unit, certificates: 2 });
    }
    // What the client wrote stays: removing a client removes its access, not its data.
    expect(lines(await ok(rootEtcdctl(sim, `${APP}/0`, ['get', '/b1/key', '--print-value-only'], { tls: true })))).toEqual(['from-b1']);
  });
});
