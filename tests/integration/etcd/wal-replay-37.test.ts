import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walEntriesUnreplayableIn37 } from '../../../src/etcd/wal-read.js';
import { walReplayRefusal } from '../../../src/refresh/compat.js';
import { charmCluster } from './etcd-cluster.js';
import { failedStart, rawVersion, restartAs, stopMember, waitClusterVersion, type RunningMember } from './etcd-process.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * Why a plain 3.5 -> 3.6 -> 3.7 usually works and when it does not. 3.5
 * publishes a member's attributes at start and sets the cluster version as raw
 * v2 requests (server.go publish, updateClusterVersionV2); 3.7 fails to decode
 * them when it replays the WAL after its latest snapshot (etcdserver/apply/apply.go).
 * 3.6 forces a snapshot when an applied entry lowers the cluster version
 * (apply/apply.go ClusterVersionSet), which a restart replaying 3.5's
 * "/0/version 3.5.0" over a 3.6 cluster version does.
 */

let subnet: string;
let root: string;
beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-walreplay-')));
afterAll(releaseEtcdPlace);

const credentials = { user: 'root', password: 'walreplay-secret' };
const unreplayable = (m: RunningMember) => walEntriesUnreplayableIn37(path.join(m.dataDir, 'member'));

describe('a 3.5.30 member upgraded to 3.6.13', () => {
  it('panics 3.7.3 until a 3.6 restart replays 3.5 cluster-version entry and snapshots', async () => {
    const { members, client } = await charmCluster({ version: '3.5.30', root: path.join(root, 'one'), ips: [`${subnet}.1`], credentials });
    const a = members[0] as RunningMember;
    await client.put('k', '3.5.30');
    await restartAs(a, '3.6.13');
    await waitClusterVersion(members, '3.6.0');
    await stopMember(a);
    // 3.5's publish (attributes) and cluster version, both still replayed.
    const before = await unreplayable(a);
    expect(before).toHaveLength(2);
    expect(walReplayRefusal('3.6.13', '3.7.3', before)).toBe(
      "Cannot refresh to etcd 3.7.3 yet: this member's WAL holds 2 etcd 3.5 entries since its last snapshot, which 3.7 cannot replay",
    );
    const to37 = await failedStart(a, '3.7.3');
    expect(to37.code).toBe(2);
    expect(to37.last?.error).toMatch(/^unmarshal should never fail/);

    await restartAs(a, '3.6.13');
    await stopMember(a);
    const after = await unreplayable(a);
    expect(after).toEqual([]);
    expect(walReplayRefusal('3.6.13', '3.7.3', after)).toBeUndefined();
    await restartAs(a, '3.7.3');
    expect((await rawVersion(a)).etcdserver).toBe('3.7.3');
    expect(await client.get('k')).toBe('3.5.30');
    await stopMember(a);
  });
});
