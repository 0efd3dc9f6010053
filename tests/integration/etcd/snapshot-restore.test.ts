/**
 * The charm's `etcdutl snapshot restore` (src/etcd/etcdutl.ts) on the real
 * etcdutl of each minor the charm runs with etcdutl (3.5, 3.6, 3.7): a
 * snapshot of a member with keys, restored as a new one-member cluster, must
 * start with the same keys, revisions bumped past 1e9, the older ones
 * compacted, and a new cluster id.
 */
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peerUrl } from '../../../src/etcd/config.js';
import { snapshotSave } from '../../../src/etcd/etcdctl.js';
import { BUMP_REVISION, snapshotRestore } from '../../../src/etcd/etcdutl.js';
import { etcdBinDir } from '../../support/etcd-binaries.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';
import { initialMember, prepareMember, startMember, stopMember, waitHealthy } from './etcd-process.js';

let subnet: string;
let root: string;
beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-restore-')));
afterAll(releaseEtcdPlace);

const etcdctl = (version: string, endpoint: string, ...args: string[]) =>
  execa(path.join(etcdBinDir(version), 'etcdctl'), ['--endpoints', endpoint, ...args], { env: { ETCDCTL_API: '3' }, reject: false });

describe.each([
  ['3.5.16', 1],
  ['3.6.13', 3],
  ['3.7.3', 5],
])('etcdutl %s snapshot restore', (version, host) => {
  it('restores the keys into a new cluster, revisions bumped and compacted', async () => {
    const ip = `${subnet}.${host}`;
    const source = prepareMember({ version, root: path.join(root, version, 'source'), unitNumber: host, ip, initialCluster: [initialMember('etcd', host, ip)], initialClusterState: 'new' });
    startMember(source, version);
    await waitHealthy(source);
    for (let i = 0; i < 5; i++) expect((await etcdctl(version, source.clientUrl, 'put', `/k${i}`, `v${i}`)).exitCode).toBe(0);
    const sourceId = JSON.parse((await etcdctl(version, source.clientUrl, 'endpoint', 'status', '-w', 'json')).stdout)[0].Status.header.cluster_id as number;
    const file = path.join(root, version, 'snapshot.db');
    await snapshotSave(file, { command: path.join(etcdBinDir(version), 'etcdctl'), endpoint: source.clientUrl });
    await stopMember(source);

    const ip2 = `${subnet}.${host + 1}`;
    const restored = prepareMember({ version, root: path.join(root, version, 'restored'), unitNumber: host + 1, ip: ip2, initialCluster: [initialMember('etcd', host + 1, ip2)], initialClusterState: 'existing' });
    await snapshotRestore(file, { dataDir: restored.dataDir, name: restored.name, peerUrl: peerUrl(ip2), initialCluster: `${restored.name}=${peerUrl(ip2)}`, token: 'restored' }, { etcdutl: path.join(etcdBinDir(version), 'etcdutl') });
    startMember(restored, version);
    await waitHealthy(restored);
    const got = JSON.parse((await etcdctl(version, restored.clientUrl, 'get', '/k', '--prefix', '-w', 'json')).stdout) as { header: { revision: number; cluster_id: number }; kvs: { key: string }[] };
    expect(got.kvs.map((kv) => Buffer.from(kv.key, 'base64').toString())).toEqual(['/k0', '/k1', '/k2', '/k3', '/k4']);
    expect(got.header.revision).toBeGreaterThan(BUMP_REVISION);
    expect(got.header.cluster_id).not.toBe(sourceId);
    const old = await etcdctl(version, restored.clientUrl, 'get', '/k0', '--rev', '3');
    expect(old.stderr).toMatch(/required revision has been compacted/);
    await stopMember(restored);
  });
});
