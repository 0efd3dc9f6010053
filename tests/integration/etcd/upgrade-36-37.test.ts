import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterVersionAllows } from '../../../src/etcd/version.js';
import { clusterVersionRefusal, isEtcdWorkloadCompatible } from '../../../src/refresh/compat.js';
import { addLearner, charmCluster, joinAsLearner } from './etcd-cluster.js';
import { eventually, failedStart, initialMember, prepareMember, rawVersion, restartAs, startMember, stopMember, waitClusterVersion, waitHealthy, type RunningMember } from './etcd-process.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * The cluster-version rules of etcd 3.5 -> 3.6 -> 3.7, measured on the real
 * binaries the way the charm refreshes: one member at a time, highest unit
 * first, each member's config re-rendered for the etcd it is about to run.
 * src/etcd/version.ts (clusterVersionAllows) and src/refresh/compat.ts encode
 * what these tests see; if etcd changes, these fail.
 *
 * Background (etcd's own words): 3.6 reads membership from the v3 store where
 * 3.5 trusted the v2 store, and 3.5.1-3.5.19 recorded a learner's promotion in
 * the v2 store only (etcd.io/blog/2025/upgrade_from_3.5_to_3.6_issue; more in
 * ..._followup and zombie_members_upgrade: fixed by 3.5.20, 3.5.24, 3.5.26);
 * "etcd v3.6 will not run on v3.7+ data dir" (CHANGELOG-3.6); 3.7 removed the
 * v2 request and apply code (CHANGELOG-3.7, etcd-io/etcd#21263).
 */

let subnet: string;
let root: string;

beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-upgrade-')));
afterAll(releaseEtcdPlace);

const credentials = { user: 'root', password: 'upgrade-secret' };

const server = async (m: RunningMember): Promise<[string, string]> => {
  const v = await rawVersion(m);
  return [v.etcdserver, v.etcdcluster];
};

describe('a 3-member cluster refreshed 3.5.30 -> 3.6.13 -> 3.6.16 -> 3.7.3 one member at a time', () => {
  it('runs at the lowest minor, lets a member go back only while the cluster version is that minor, and refuses older binaries after', async () => {
    const ips = [1, 2, 3].map((n) => `${subnet}.${n}`);
    const { members, client } = await charmCluster({ version: '3.5.30', root: path.join(root, 'path'), ips, credentials });
    const [a, b, c] = members as [RunningMember, RunningMember, RunningMember];
    await client.put('written-on', '3.5.30');
    expect(await Promise.all(members.map(server))).toEqual([
      ['3.5.30', '3.5.0'],
      ['3.5.30', '3.5.0'],
      ['3.5.30', '3.5.0'],
    ]);

    // --- 3.5 -> 3.6 ---
    await restartAs(c, '3.6.13');
    // The 3.6 member reports its storage version too; the cluster stays at 3.5.
    expect(await rawVersion(c)).toEqual({ etcdserver: '3.6.13', etcdcluster: '3.5.0', storage: '3.5.0' });
    expect(await server(a)).toEqual(['3.5.30', '3.5.0']);
    expect(clusterVersionAllows('3.5.0', '3.6.13')).toBe(true);

    // Skipping a minor: 3.7.3 on a 3.5 member's data panics replaying its log, and harms nothing.
    const skipped = await failedStart(b, '3.7.3');
    expect(skipped.code).toBe(2); // a Go panic
    // (protobuf-go puts a random space, sometimes U+00A0, after "proto:" so that nobody matches its text exactly.)
    expect(skipped.last?.msg).toBe('execute job failed');
    expect(skipped.last?.error).toMatch(/^unmarshal should never fail \(proto:\s+cannot parse invalid wire-format data\)$/);
    expect(clusterVersionAllows('3.5.0', '3.7.3')).toBe(false);
    startMember(b, '3.5.30');
    await waitHealthy(b);

    // Rollback of the 3.6 member while the cluster version is still 3.5: it works.
    await restartAs(c, '3.5.30');
    expect(await server(c)).toEqual(['3.5.30', '3.5.0']);
    expect(clusterVersionAllows('3.5.0', '3.5.30')).toBe(true);
    expect(clusterVersionRefusal('3.5.30', '3.5.0')).toBeUndefined();

    // On again: C, B, then A. The cluster version follows the last member.
    await restartAs(c, '3.6.13');
    await restartAs(b, '3.6.13');
    expect(await Promise.all(members.map(server))).toEqual([
      ['3.5.30', '3.5.0'],
      ['3.6.13', '3.5.0'],
      ['3.6.13', '3.5.0'],
    ]);
    await restartAs(a, '3.6.13');
    const at36 = await waitClusterVersion(members, '3.6.0');
    expect(at36.map((v) => v.etcdserver)).toEqual(['3.6.13', '3.6.13', '3.6.13']);
    expect(await client.get('written-on')).toBe('3.5.30');

    // Now 3.5.30 exits at start on a member's data ...
    const back = await failedStart(a, '3.5.30');
    expect(back.code).toBe(1);
    expect(back.last?.msg).toBe('invalid downgrade; server version is lower than determined cluster version');
    expect(back.errors.at(-1)).toMatchObject({ 'current-server-version': '3.5.30', 'determined-cluster-version': '3.6' });
    expect(clusterVersionAllows('3.6.0', '3.5.30')).toBe(false);
    expect(clusterVersionRefusal('3.5.30', '3.6.0')).toBe('Cannot refresh to etcd 3.5.30: cluster version is 3.6.0, etcd would not start');
    // ... having done it no harm: 3.6.13 runs on it again.
    startMember(a, '3.6.13');
    await waitHealthy(a);
    expect(await server(a)).toEqual(['3.6.13', '3.6.0']);

    // ... and a new 3.5.30 member cannot join a 3.6 cluster.
    const d = prepareMember({
      version: '3.5.30',
      root: path.join(root, 'path'),
      unitNumber: 3,
      ip: `${subnet}.4`,
      initialCluster: [...ips, `${subnet}.4`].map((ip, n) => initialMember('etcd', n, ip)),
      initialClusterState: 'existing',
    });
    const learnerId = await addLearner(client, d);
    const joined35 = await failedStart(d, '3.5.30');
    expect(joined35.code).toBe(1);
    expect(joined35.last).toEqual({ msg: 'discovery failed', error: 'incompatible with current running cluster' });
    await client.memberRemove(learnerId);

    // --- patches within 3.6, both ways ---
    for (const version of ['3.6.16', '3.6.13', '3.6.16']) {
      await restartAs(a, version);
      expect(await server(a)).toEqual([version, '3.6.0']);
      expect(clusterVersionAllows('3.6.0', version)).toBe(true);
    }
    await restartAs(c, '3.6.16');
    await restartAs(b, '3.6.16');
    expect(await Promise.all(members.map(server))).toEqual([
      ['3.6.16', '3.6.0'],
      ['3.6.16', '3.6.0'],
      ['3.6.16', '3.6.0'],
    ]);

    // --- 3.6 -> 3.7 ---
    await restartAs(c, '3.7.3');
    expect(await server(c)).toEqual(['3.7.3', '3.6.0']);
    expect(clusterVersionAllows('3.6.0', '3.7.3')).toBe(true);
    // Rollback of the 3.7 member while the cluster version is still 3.6: it works.
    await restartAs(c, '3.6.16');
    expect(await server(c)).toEqual(['3.6.16', '3.6.0']);
    await restartAs(c, '3.7.3');
    await restartAs(b, '3.7.3');
    expect(await server(a)).toEqual(['3.6.16', '3.6.0']);
    await restartAs(a, '3.7.3');
    await waitClusterVersion(members, '3.7.0');
    expect(await client.get('written-on')).toBe('3.5.30');

    // Once a member's storage has moved to 3.7, 3.6.16 refuses its data at start.
    const storage37 = await eventually(async () => {
      const v = await rawVersion(a);
      if (v.storage !== '3.7.0') throw new Error(`storage version still ${v.storage}`);
      return v;
    }, 60_000);
    expect(storage37).toEqual({ etcdserver: '3.7.3', etcdcluster: '3.7.0', storage: '3.7.0' });
    const back36 = await failedStart(a, '3.6.16');
    expect(back36.code).toBe(1);
    expect(back36.last).toEqual({ msg: 'discovery failed', error: 'version "3.7.0" is not supported' });
    expect(clusterVersionAllows('3.7.0', '3.6.16')).toBe(false);
    expect(clusterVersionRefusal('3.6.16', '3.7.0')).toBe('Cannot refresh to etcd 3.6.16: cluster version is 3.7.0, etcd would not start');
    startMember(a, '3.7.3');
    await waitHealthy(a);

    // ... and a new 3.6.16 member cannot join a 3.7 cluster.
    rmSync(d.dataDir, { recursive: true, force: true });
    const learner36 = await addLearner(client, d);
    const joined36 = await failedStart(d, '3.6.16');
    expect(joined36.code).toBe(1);
    expect(joined36.last).toEqual({ msg: 'discovery failed', error: 'incompatible with current running cluster' });
    await client.memberRemove(learner36);

    expect(await client.get('written-on')).toBe('3.5.30');
    expect((await client.memberList()).map((m) => [m.name, m.isLearner])).toEqual(
      expect.arrayContaining([
        ['etcd0', false],
        ['etcd1', false],
        ['etcd2', false],
      ]),
    );
    for (const m of members) await stopMember(m);
  });
});

describe('a 3.5.16 cluster grown by learners, refreshed to 3.6.13', () => {
  it('has a 3.6.13 member exit with "too many learner members" unless a later 3.5 patch ran first', async () => {
    const ips = [11, 12, 13].map((n) => `${subnet}.${n}`);
    const { members, client } = await charmCluster({ version: '3.5.16', root: path.join(root, 'learners'), ips, credentials });
    const [a, b, c] = members as [RunningMember, RunningMember, RunningMember];
    await client.put('k', 'v');

    // 3.5.16 recorded both promotions in its v2 store only; 3.6 reads membership from the v3 store.
    const direct = await failedStart(c, '3.6.13');
    expect(direct.code).toBe(1);
    expect(direct.last).toEqual({ msg: 'discovery failed', error: 'membership: too many learner members in cluster' });
    expect(isEtcdWorkloadCompatible('3.5.16', '3.6.13', { oldTrack: '3.5', newTrack: '3.6' }).compatible).toBe(false);
    startMember(c, '3.5.16');
    await waitHealthy(c);

    // A patch refresh to 3.5.30 (etcd >= 3.5.26 repairs the v3 store's membership) makes the upgrade work.
    for (const m of [c, b, a]) await restartAs(m, '3.5.30');
    await restartAs(c, '3.6.13');
    expect(await rawVersion(c)).toEqual({ etcdserver: '3.6.13', etcdcluster: '3.5.0', storage: '3.5.0' });
    expect(isEtcdWorkloadCompatible('3.5.30', '3.6.13', { oldTrack: '3.5', newTrack: '3.6' })).toEqual({ compatible: true, trackChangeAllowed: true });
    expect((await client.memberList()).filter((m) => m.isLearner)).toEqual([]);
    expect(await client.get('k')).toBe('v');
    for (const m of members) await stopMember(m);
  });
});
