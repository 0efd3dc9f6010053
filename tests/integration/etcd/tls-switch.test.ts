import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdClient } from '../../../src/etcd/client.js';
import { clientUrl, peerUrl } from '../../../src/etcd/config.js';
import { tlsFetch } from '../../../src/etcd/tls-fetch.js';
import { etcdBinDir, pinnedEtcd } from '../../support/etcd-binaries.js';
import { createTestCa, type TestCa } from '../../support/test-ca.js';
import { charmCluster, clusterClient } from './etcd-cluster.js';
import { eventually, stopMember, startMember, waitHealthy, type RunningMember } from './etcd-process.js';
import { clientFetch, issueMaterial, tlsConfig, type KindMaterial } from './tls-material.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * TLS on real etcd, the way the charm runs it (Canonical's steps, reference
 * charmed-etcd-relations.md 2.3-2.5): certificates from each member's own key
 * and CSR, both sides requiring client certificates, and on a running cluster
 * peer TLS switched one member at a time, highest first: raft leadership
 * moved off the member, its https peer URL announced with `member update`,
 * then the restart with the new config. Then client TLS, then both off in
 * reverse. A client writes throughout; every acknowledged write must remain.
 */

const version = pinnedEtcd();
const credentials = { user: 'root', password: 'tls-secret' };
let subnet: string;
let root: string;
let ca: TestCa;

beforeAll(async () => {
  ({ subnet, root } = claimEtcdPlace('etcd-tls-'));
  ca = await createTestCa('etcd');
});

afterAll(releaseEtcdPlace);

const etcdctl = promisify(execFile);

/** Writes `w/<n>` until stopped, remembering each acknowledged key; a client is swapped in as members change scheme. */
function startWriter(initial: EtcdClient) {
  let client = initial;
  let stop = false;
  const acknowledged: string[] = [];
  let failures = 0;
  const done = (async () => {
    for (let n = 0; !stop; n++) {
      try {
        await client.put(`w/${n}`, String(n));
        acknowledged.push(`w/${n}`);
      } catch {
        failures++;
      }
    }
  })();
  return {
    use: (next: EtcdClient) => (client = next),
    count: () => acknowledged.length,
    async stop() {
      stop = true;
      await done;
      return { acknowledged, failures };
    },
  };
}

describe(`etcd ${version} with TLS`, () => {
  it('starts a new cluster with peer and client TLS from its first member, and refuses clients without a trusted certificate', async () => {
    const ips = [1, 2, 3].map((n) => `${subnet}.${n}`);
    const material = new Map<number, { peer: KindMaterial; client: KindMaterial }>();
    for (const [n, ip] of ips.entries()) {
      const dir = path.join(root, 'new', `etcd${n}`);
      mkdirSync(dir, { recursive: true });
      material.set(n, { peer: await issueMaterial(ca, 'peer', dir, n, ip), client: await issueMaterial(ca, 'client', dir, n, ip) });
    }
    const tls = (n: number) => ({ config: tlsConfig(material.get(n)!.peer, material.get(n)!.client), fetch: clientFetch(material.get(n)!.client) });
    const { members, client } = await charmCluster({ version, root: path.join(root, 'new'), ips, credentials, tls });
    await client.put('over', 'tls');
    const list = await client.memberList();
    expect(list.map((m) => m.peerUrls).sort()).toEqual(ips.map((ip) => [peerUrl(ip, true)]));
    expect(list.map((m) => m.clientUrls).sort()).toEqual(ips.map((ip) => [clientUrl(ip, true)]));

    // No client certificate, or one from another CA: the TLS handshake fails before any etcd request.
    const other = await createTestCa('intruder');
    const strangerDir = path.join(root, 'stranger');
    mkdirSync(strangerDir, { recursive: true });
    const stranger = await issueMaterial(other, 'client', strangerDir, 9, `${subnet}.9`);
    const url = `${members[0]!.clientUrl}/health`;
    const init = { method: 'GET', signal: AbortSignal.timeout(5000) } as const;
    await expect(tlsFetch({ ca: material.get(0)!.client.ca, cert: stranger.certificate, key: stranger.key })(url, init)).rejects.toThrow();
    await expect(fetch(url, init)).rejects.toThrow();
    // The JSON gateway with the unit's own certificate: etcd refuses /v3/ requests from a certificate with a
    // Common Name once auth is on (embed/serve.go). This is why the charm speaks gRPC over client TLS.
    const own0 = material.get(0)!.client;
    const viaGateway = await tlsFetch({ ca: own0.ca, cert: own0.certificate, key: own0.key })(`${members[0]!.clientUrl}/v3/kv/range`, { method: 'POST', body: '{"key":"b3Zlcg=="}', signal: AbortSignal.timeout(5000) });
    expect(viaGateway.status).toBe(400);
    expect(await viaGateway.text()).toMatch(/^CommonName of client sending a request against gateway will be ignored and not used as expected/);

    // The real etcdctl with the unit's certificate, as `charmed-etcd.etcdctl` runs for an operator.
    const own = material.get(2)!.client;
    const { stdout } = await etcdctl(path.join(etcdBinDir(version), 'etcdctl'), ['get', 'over', '--print-value-only', `--endpoints=${members[2]!.clientUrl}`, `--cacert=${own.files.trustedCaFile}`, `--cert=${own.files.certFile}`, `--key=${own.files.keyFile}`], {
      env: { ...process.env, ETCDCTL_USER: `${credentials.user}:${credentials.password}` },
    });
    expect(stdout.trim()).toBe('tls');
    await Promise.all(members.map(stopMember));
  });

  it('switches peer TLS and then client TLS on, one member at a time, and both off again, with no acknowledged write lost', async () => {
    const ips = [4, 5, 6].map((n) => `${subnet}.${n}`);
    const base = path.join(root, 'switch');
    const { members } = await charmCluster({ version, root: base, ips, credentials });
    const material = await Promise.all(members.map(async (m, n) => ({ peer: await issueMaterial(ca, 'peer', path.dirname(m.configFile), n, m.ip), client: await issueMaterial(ca, 'client', path.dirname(m.configFile), n, m.ip) })));
    const writer = startWriter(clusterClient(members, credentials));
    const highestFirst = [...members].reverse();
    const idOf = async (m: RunningMember): Promise<string> => (await clusterClient(members, credentials).memberList()).find((x) => x.name === m.name)!.id;

    /** One member's switch under the charm's protocol; `peer` and `client` say what it runs with afterwards. */
    const switchMember = async (m: RunningMember, peer: boolean, client: boolean): Promise<void> => {
      const n = members.indexOf(m);
      const admin = clusterClient(members, credentials);
      const id = await idOf(m);
      const others = members.filter((x) => x !== m);
      const status = await admin.status(m.clientUrl);
      if (status.leaderId === id) await admin.moveLeader(await idOf(others[0]!));
      const wasPeerTls = m.input.tls?.peer !== undefined;
      if (wasPeerTls !== peer) await admin.memberUpdate(id, [peerUrl(m.ip, peer)]);
      await stopMember(m);
      m.input = {
        ...m.input,
        tls: tlsConfig(peer ? material[n]!.peer : undefined, client ? material[n]!.client : undefined),
        initialCluster: m.input.initialCluster.map((e) => (e.name === m.name ? { ...e, peerUrl: peerUrl(m.ip, peer) } : e)),
      };
      m.clientUrl = clientUrl(m.ip, client);
      m.fetch = clientFetch(material[n]!.client);
      startMember(m, version);
      await waitHealthy(m);
      writer.use(clusterClient(members, credentials));
      // The cluster keeps taking writes before the next member goes.
      const before = writer.count();
      await eventually(async () => {
        if (writer.count() <= before) throw new Error('no write acknowledged since the restart');
      }, 60_000);
    };
    const urls = async () => {
      const list = await clusterClient(members, credentials).memberList();
      return members.map((m) => { const x = list.find((e) => e.name === m.name)!; return [x.peerUrls[0], x.clientUrls[0]]; });
    };

    for (const m of highestFirst) await switchMember(m, true, false);
    expect(await urls()).toEqual(ips.map((ip) => [peerUrl(ip, true), clientUrl(ip)]));
    for (const m of highestFirst) await switchMember(m, true, true);
    expect(await urls()).toEqual(ips.map((ip) => [peerUrl(ip, true), clientUrl(ip, true)]));
    // Off: client first, then peer (the reverse of on).
    for (const m of highestFirst) await switchMember(m, true, false);
    for (const m of highestFirst) await switchMember(m, false, false);
    expect(await urls()).toEqual(ips.map((ip) => [peerUrl(ip), clientUrl(ip)]));

    const { acknowledged } = await writer.stop();
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = new Set((await clusterClient(members, credentials).range('w/')).map((kv) => kv.key));
    expect(acknowledged.filter((k) => !stored.has(k))).toEqual([]);
    for (const m of members) expect((await clusterClient([m], credentials).status(m.clientUrl)).leaderId).toBeDefined();
  });
});
