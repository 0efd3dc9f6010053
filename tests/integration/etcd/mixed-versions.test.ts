import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { peerUrl } from '../../../src/etcd/config.js';
import { evaluateHealth, probeMemberHealth } from '../../../src/etcd/health.js';
import { clusterVersionAllows } from '../../../src/etcd/membership.js';
import { eventually, initialMember, prepareMember, startMember, stopMember, waitHealthy } from './etcd-process.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

let subnet: string;
let root: string;

beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-mixed-')));
afterAll(releaseEtcdPlace);

const credentials = { user: 'root', password: 'mixed-secret' };

describe('a cluster upgrading from etcd 3.4 to 3.5', () => {
  it('runs at cluster version 3.4 while a 3.4 member remains, 3.5 once all run 3.5, and then refuses 3.4', async () => {
    const ipA = `${subnet}.1`;
    const ipB = `${subnet}.2`;
    const a = prepareMember({ version: '3.4.23', root, unitNumber: 0, ip: ipA, initialCluster: [initialMember('etcd', 0, ipA)], initialClusterState: 'new' });
    startMember(a, '3.4.23');
    await waitHealthy(a);
    const client = new EtcdClient({ endpoints: [a.clientUrl, `http://${ipB}:2379`], credentials });
    await client.userAdd('root', credentials.password);
    await client.userGrantRole('root', 'root');
    await client.authEnable();
    await client.put('written-on', '3.4');

    // A 3.5.16 member joins the 3.4 cluster as a learner and is promoted.
    const { member: learner } = await client.memberAdd(peerUrl(ipB), { learner: true });
    const b = prepareMember({
      version: '3.5.16',
      root,
      unitNumber: 1,
      ip: ipB,
      initialCluster: [initialMember('etcd', 0, ipA), initialMember('etcd', 1, ipB)],
      initialClusterState: 'existing',
    });
    startMember(b, '3.5.16');
    await eventually(() => client.memberPromote(learner.id)); // refused with a learner-not-in-sync error until caught up
    await waitHealthy(b);

    const mixedA = await client.version(a.clientUrl);
    const mixedB = await client.version(b.clientUrl);
    expect(mixedA).toEqual({ server: '3.4.23', cluster: '3.4.0' });
    expect(mixedB).toEqual({ server: '3.5.16', cluster: '3.4.0' });
    expect(await client.clusterVersion()).toBe('3.4.0');
    // Both binaries may run while the cluster is at 3.4: a rollback of B to 3.4 is still possible.
    expect(clusterVersionAllows(mixedA.cluster, '3.4.23')).toBe(true);
    expect(clusterVersionAllows(mixedA.cluster, '3.5.16')).toBe(true);
    const health = evaluateHealth(await probeMemberHealth(client, b.clientUrl), { snapRevision: '2' });
    expect(health).toMatchObject({ healthy: true, version: '3.5.16' });

    // Upgrade A: every member now runs 3.5, and the cluster version follows.
    await stopMember(a);
    startMember(a, '3.5.16');
    await waitHealthy(a);
    const upgraded = await eventually(async () => {
      const v = await client.version(a.clientUrl);
      if (v.cluster !== '3.5.0') throw new Error(`cluster version still ${v.cluster}`);
      return v;
    }, 30_000);
    expect(upgraded).toEqual({ server: '3.5.16', cluster: '3.5.0' });
    expect(await client.version(b.clientUrl)).toEqual({ server: '3.5.16', cluster: '3.5.0' });
    expect(await client.get('written-on')).toBe('3.4');
    expect(clusterVersionAllows(upgraded.cluster, '3.4.23')).toBe(false);

    // And etcd agrees: a 3.4 binary on A's data now exits at start.
    await stopMember(a);
    const child = startMember(a, '3.4.23');
    const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    expect(exitCode).not.toBe(0);
    const log = readFileSync(a.logFile, 'utf8');
    // etcd 3.4.23 says: "invalid downgrade; server version is lower than determined cluster version".
    expect(log).toMatch(/invalid downgrade; server version is lower than determined cluster version/);

    // Patch versions within 3.5 move both ways: A runs 3.5.30, then 3.5.16 again.
    for (const version of ['3.5.30', '3.5.16']) {
      await stopMember(a);
      startMember(a, version);
      await waitHealthy(a);
      expect(await client.version(a.clientUrl)).toEqual({ server: version, cluster: '3.5.0' });
      expect(clusterVersionAllows('3.5.0', version)).toBe(true);
    }
    expect(await client.get('written-on')).toBe('3.4');
    await stopMember(a);
    await stopMember(b);
  });
});
