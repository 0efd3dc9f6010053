import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterVersionAllows } from '../../../src/etcd/version.js';
import { addLearner, charmCluster, clusterClient, joinAsLearner } from './etcd-cluster.js';
import { failedStart, initialMember, prepareMember, rawVersion, stopMember, type RunningMember } from './etcd-process.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * Which etcd versions can join a cluster as a learner (a scale-up in the
 * middle of a refresh or a rollback adds a unit running the charm's pinned
 * etcd), measured on the real binaries. The other direction (an older
 * binary joining once the cluster version moved on) is in upgrade-36-37.test.ts.
 */

let subnet: string;
let root: string;

beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-join-')));
afterAll(releaseEtcdPlace);

const credentials = { user: 'root', password: 'join-secret' };

const joiner = (dir: string, n: number, ips: readonly string[], version: string): RunningMember =>
  prepareMember({
    version,
    root: dir,
    unitNumber: n,
    ip: ips[n]!,
    initialCluster: ips.slice(0, n + 1).map((ip, i) => initialMember('etcd', i, ip)),
    initialClusterState: 'existing',
  });

describe('joining a 3.5 cluster', () => {
  it('3.6.13 joins as a learner and is promoted, 3.5.30 joins the mixed cluster, the cluster stays at 3.5; 3.7.3 cannot join', async () => {
    const dir = path.join(root, '35');
    const ips = [1, 2, 3, 4].map((n) => `${subnet}.${n}`);
    const { members, client } = await charmCluster({ version: '3.5.30', root: dir, ips: ips.slice(0, 1), credentials });
    await client.put('k', 'v');

    const b = joiner(dir, 1, ips, '3.6.13');
    await joinAsLearner(client, b, '3.6.13');
    members.push(b);
    expect(await rawVersion(b)).toEqual({ etcdserver: '3.6.13', etcdcluster: '3.5.0', storage: '3.5.0' });
    expect(clusterVersionAllows('3.5.0', '3.6.13')).toBe(true);

    const c = joiner(dir, 2, ips, '3.5.30');
    const all = clusterClient([...members, c], credentials);
    await joinAsLearner(all, c, '3.5.30');
    members.push(c);
    expect(await rawVersion(c)).toEqual({ etcdserver: '3.5.30', etcdcluster: '3.5.0' });
    expect((await all.memberList()).filter((m) => m.isLearner)).toEqual([]);
    expect(await all.get('k')).toBe('v');

    // Skipping a minor: a 3.7.3 learner of a 3.5 cluster panics applying the log it receives
    // (3.7 dropped the v2 requests 3.5 still writes; see upgrade-36-37.test.ts for the same on a member's data).
    const d = joiner(dir, 3, ips, '3.7.3');
    const id = await addLearner(all, d);
    const skipped = await failedStart(d, '3.7.3');
    expect(skipped.code).toBe(2);
    expect(skipped.last?.msg).toBe('execute job failed');
    expect(skipped.last?.error).toMatch(/^unmarshal should never fail \(proto:\s+cannot parse invalid wire-format data\)$/);
    expect(clusterVersionAllows('3.5.0', '3.7.3')).toBe(false);
    await all.memberRemove(id);
    expect(await rawVersion(members[0]!)).toEqual({ etcdserver: '3.5.30', etcdcluster: '3.5.0' });
    for (const m of members) await stopMember(m);
  });
});

describe('joining a 3.6 cluster', () => {
  it('3.7.3 joins as a learner and is promoted; the cluster stays at 3.6', async () => {
    const dir = path.join(root, '36');
    const ips = [11, 12, 13].map((n) => `${subnet}.${n}`);
    const { members } = await charmCluster({ version: '3.6.16', root: dir, ips: ips.slice(0, 2), credentials });
    const c = joiner(dir, 2, ips, '3.7.3');
    const all = clusterClient([...members, c], credentials);
    await joinAsLearner(all, c, '3.7.3');
    members.push(c);
    expect(await rawVersion(c)).toMatchObject({ etcdserver: '3.7.3', etcdcluster: '3.6.0' });
    expect(await rawVersion(members[0]!)).toMatchObject({ etcdserver: '3.6.16', etcdcluster: '3.6.0' });
    expect((await all.memberList()).filter((m) => m.isLearner)).toEqual([]);
    for (const m of members) await stopMember(m);
  });
});
