import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdServerError } from '../../../src/etcd/errors/server-error.js';
import { walEntriesUnreplayableIn37 } from '../../../src/etcd/wal-read.js';
import { walReplayRefusal } from '../../../src/refresh/compat.js';
import { charmCluster, clusterClient } from './etcd-cluster.js';
import { eventually, failedStart, rawVersion, restartAs, startMember, stopMember, waitClusterVersion, waitHealthy, type RunningMember } from './etcd-process.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * etcd's own rolling downgrade (3.6 -> 3.5, 3.7 -> 3.6), measured on the real
 * binaries the way the charm drives it: `downgrade validate`, `downgrade
 * enable` once, wait for the cluster version to drop and each member's
 * storage version to follow, then replace members one at a time, highest
 * first, each member's config re-rendered for the etcd it is about to run.
 *
 * What etcd's code says (go.etcd.io/etcd/server/v3 v3.6.16 and v3.7.3, the
 * same in both): etcdserver/version/version.go DowngradeValidate accepts only
 * the cluster version minus one minor and no downgrade already enabled
 * (errors.go: "etcdserver: invalid downgrade target version", "etcdserver:
 * cluster has a downgrade job in progress"); the leader's monitor
 * (version/monitor.go, every 4 s) then sets the cluster version to the target,
 * each member migrates its storage version to the cluster version ("The server
 * is ready to downgrade"), and the downgrade is cancelled on its own once every
 * member runs the target ("the cluster has been downgraded"). v3_server.go
 * downgradeCancel only logs "no inflight downgrade job". The JSON gateway
 * serves it as POST /v3/maintenance/downgrade (api/v3 etcdserverpb/gw,
 * 3.6 and 3.7); the auth wrapper lets only root call it (v3rpc/maintenance.go).
 * Guides: etcd.io/docs/v3.6/downgrades/downgrade_3_6, .../v3.7/downgrades/downgrade_3_7.
 */

let subnet: string;
let root: string;

beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-downgrade-')));
afterAll(releaseEtcdPlace);

const credentials = { user: 'root', password: 'downgrade-secret' };

const server = async (m: RunningMember): Promise<[string, string]> => {
  const v = await rawVersion(m);
  return [v.etcdserver, v.etcdcluster];
};

/** etcd's refusal text for a downgrade request, or 'accepted'. */
async function downgradeAnswer(client: EtcdClient, action: 'VALIDATE' | 'ENABLE' | 'CANCEL', version = ''): Promise<string> {
  try {
    return `accepted ${await client.downgrade(action, version)}`;
  } catch (error) {
    if (error instanceof EtcdServerError) return error.serverMessage;
    throw error;
  }
}

/** Waits until `member` reports storage version `storage` (etcd migrates it after the cluster version moved). */
const waitStorage = (client: EtcdClient, m: RunningMember, storage: string) =>
  eventually(async () => {
    const s = await client.status(m.clientUrl);
    if (s.storageVersion !== storage) throw new Error(`storage version ${s.storageVersion}, want ${storage}`);
    return s;
  }, 60_000);

/** Waits until `m` (a 3.6+ member) reports no downgrade enabled. */
const downgradeEnds = (client: EtcdClient, m: RunningMember) =>
  eventually(async () => {
    const s = await client.status(m.clientUrl);
    if (s.downgradeTarget !== undefined) throw new Error(`downgrade still enabled to ${s.downgradeTarget}`);
  }, 60_000);

/** Checks every member holds every key written, asking each member alone. */
async function everyMemberHolds(members: readonly RunningMember[], keys: ReadonlyMap<string, string>): Promise<void> {
  for (const m of members) {
    const one = clusterClient([m], credentials);
    for (const [k, v] of keys) expect(await one.get(k)).toBe(v);
  }
}

describe('3.6.13 -> 3.5.30 through etcd downgrade, 3 members', () => {
  it('lowers the cluster version, lets 3.5 replace members one at a time, cancels midway, and keeps every write', async () => {
    const ips = [1, 2, 3].map((n) => `${subnet}.${n}`);
    const { members, client } = await charmCluster({ version: '3.6.13', root: path.join(root, 'd36'), ips, credentials });
    const [a, b, c] = members as [RunningMember, RunningMember, RunningMember];
    const written = new Map<string, string>();
    const write = async (k: string, v: string) => {
      await client.put(k, v);
      written.set(k, v);
    };
    await write('before', '3.6.13');
    expect(await Promise.all(members.map(server))).toEqual(Array(3).fill(['3.6.13', '3.6.0']));

    // Without a downgrade, 3.5.30 exits at start on a 3.6 member's data.
    const refused = await failedStart(c, '3.5.30');
    expect(refused.last?.msg).toBe('invalid downgrade; server version is lower than determined cluster version');
    startMember(c, '3.6.13');
    await waitHealthy(c);

    // validate: only one minor down; the cluster version is the answer.
    expect(await downgradeAnswer(client, 'VALIDATE', '3.4')).toBe('etcdserver: invalid downgrade target version');
    expect(await downgradeAnswer(client, 'VALIDATE', '3.7')).toBe('etcdserver: invalid downgrade target version');
    expect(await downgradeAnswer(client, 'VALIDATE', '3.5')).toBe('accepted 3.6');
    // Only root may: an unauthenticated client is refused.
    expect(await downgradeAnswer(clusterClient(members), 'VALIDATE', '3.5')).toMatch(/user name is empty|permission denied/);
    // Nothing to cancel yet: etcd answers with the cluster version and changes nothing.
    expect(await downgradeAnswer(client, 'CANCEL')).toBe('accepted 3.6');

    expect(await downgradeAnswer(client, 'ENABLE', '3.5')).toBe('accepted 3.6');
    expect(await downgradeAnswer(client, 'ENABLE', '3.5')).toBe('etcdserver: cluster has a downgrade job in progress');
    expect(await downgradeAnswer(client, 'VALIDATE', '3.5')).toBe('etcdserver: cluster has a downgrade job in progress');
    await waitClusterVersion(members, '3.5.0');
    for (const m of members) {
      const s = await waitStorage(client, m, '3.5.0');
      expect(s.downgradeTarget).toBe('3.5.0');
    }
    await write('enabled', 'cluster 3.5');

    // Highest first: C runs 3.5.30 now (config rendered for 3.5: enable-v2 and max-snapshots back).
    await restartAs(c, '3.5.30');
    expect(await server(c)).toEqual(['3.5.30', '3.5.0']);
    await write('c-on', '3.5.30');

    // Cancel midway (a rollback): the cluster version stays at its lowest member's 3.5 ...
    expect(await downgradeAnswer(client, 'CANCEL')).toBe('accepted 3.5');
    expect((await client.status(a.clientUrl)).downgradeTarget).toBeUndefined();
    expect(await server(a)).toEqual(['3.6.13', '3.5.0']);
    // ... and goes back up to 3.6 once C runs 3.6 again.
    await restartAs(c, '3.6.13');
    await waitClusterVersion(members, '3.6.0');
    for (const m of members) await waitStorage(client, m, '3.6.0');
    await write('rolled-back', '3.6.13');

    // The whole downgrade, member by member, C, B, A.
    expect(await downgradeAnswer(client, 'ENABLE', '3.5')).toBe('accepted 3.6');
    await waitClusterVersion(members, '3.5.0');
    for (const m of [c, b, a]) {
      await waitStorage(client, m, '3.5.0');
      await restartAs(m, '3.5.30');
      await write(`${m.name}-on`, '3.5.30');
    }
    expect(await Promise.all(members.map(server))).toEqual(Array(3).fill(['3.5.30', '3.5.0']));
    await everyMemberHolds(members, written);

    // The 3.5.30 leader ends the downgrade on its own once every member runs 3.5 (within a few seconds) ...
    await eventually(async () => {
      const answer = await downgradeAnswer(client, 'VALIDATE', '3.4');
      if (answer === 'etcdserver: cluster has a downgrade job in progress') throw new Error(answer);
    }, 60_000);
    expect(await downgradeAnswer(client, 'CANCEL')).toBe('etcdserver: no inflight downgrade job');
    // ... and would validate one to 3.4 (its server has the API), though etcd's 3.5 -> 3.4 guide says a
    // rolling downgrade with auth on is not supported (3.5 changed auth's WAL entries): the charm refuses it.
    // (3.5 answers the cluster version as 3.5.0; 3.6 and 3.7 as major.minor.)
    expect(await downgradeAnswer(client, 'VALIDATE', '3.4')).toBe('accepted 3.5.0');
    // The downgraded cluster upgrades again as any 3.5 cluster does (3.5.30 >= 3.5.26).
    for (const m of [c, b, a]) await restartAs(m, '3.6.13');
    await waitClusterVersion(members, '3.6.0');
    await downgradeEnds(client, c);
    await everyMemberHolds(members, written);

    // But 3.7.3 cannot run here yet: since the snapshot 3.6 forced when the cluster version went down,
    // the members' WALs hold the attributes each 3.5 member published at start as raw v2 requests,
    // which 3.7 (its v2 apply code removed) panics on, as it does on a 3.5 member's data.
    await stopMember(c);
    const published = await walEntriesUnreplayableIn37(path.join(c.dataDir, 'member'));
    expect(published?.length).toBeGreaterThanOrEqual(3);
    expect(walReplayRefusal('3.6.13', '3.7.3', published)).toMatch(/^Cannot refresh to etcd 3\.7\.3 yet: this member's WAL holds \d+ etcd 3\.5 entries/);
    const to37 = await failedStart(c, '3.7.3');
    expect(to37.code).toBe(2);
    expect(to37.last?.msg).toBe('execute job failed');
    expect(to37.last?.error).toMatch(/^unmarshal should never fail/);
    // A 3.6 restart alone does not clear it (no 3.5 cluster-version entry to replay, so no forced
    // snapshot); a snapshot does: here one start with snapshot-count 1, then the charm's 10000 again.
    await restartAs(c, '3.6.13');
    await stopMember(c);
    expect(await walEntriesUnreplayableIn37(path.join(c.dataDir, 'member'))).toEqual(published);
    c.input = { ...c.input, snapshotCount: 1 };
    await restartAs(c, '3.6.13');
    await stopMember(c);
    c.input = { ...c.input, snapshotCount: 10000 };
    const after = await walEntriesUnreplayableIn37(path.join(c.dataDir, 'member'));
    expect(after).toEqual([]);
    expect(walReplayRefusal('3.6.13', '3.7.3', after)).toBeUndefined();
    await restartAs(c, '3.7.3');
    expect(await server(c)).toEqual(['3.7.3', '3.6.0']);
    await everyMemberHolds(members, written);
    for (const m of members) await stopMember(m);
  });
});

describe('3.7.3 -> 3.6.16 through etcd downgrade, 3 members', () => {
  it('lowers the cluster and storage versions, then 3.6.16 starts on each member in turn', async () => {
    const ips = [11, 12, 13].map((n) => `${subnet}.${n}`);
    const { members, client } = await charmCluster({ version: '3.7.3', root: path.join(root, 'd37'), ips, credentials });
    const [a, b, c] = members as [RunningMember, RunningMember, RunningMember];
    const written = new Map<string, string>([['before', '3.7.3']]);
    await client.put('before', '3.7.3');
    for (const m of members) await waitStorage(client, m, '3.7.0');

    // Without a downgrade, 3.6.16 refuses a 3.7 member's data.
    const refused = await failedStart(c, '3.6.16');
    expect(refused.last).toEqual({ msg: 'discovery failed', error: 'version "3.7.0" is not supported' });
    startMember(c, '3.7.3');
    await waitHealthy(c);

    expect(await downgradeAnswer(client, 'VALIDATE', '3.5')).toBe('etcdserver: invalid downgrade target version');
    expect(await downgradeAnswer(client, 'VALIDATE', '3.6')).toBe('accepted 3.7');
    expect(await downgradeAnswer(client, 'ENABLE', '3.6')).toBe('accepted 3.7');
    await waitClusterVersion(members, '3.6.0');
    for (const m of [c, b, a]) {
      await waitStorage(client, m, '3.6.0');
      await restartAs(m, '3.6.16');
      await client.put(`${m.name}-on`, '3.6.16');
      written.set(`${m.name}-on`, '3.6.16');
    }
    expect(await Promise.all(members.map(server))).toEqual(Array(3).fill(['3.6.16', '3.6.0']));
    // The last 3.6 member in, etcd ends the downgrade on its own.
    await downgradeEnds(client, a);
    await everyMemberHolds(members, written);
    for (const m of members) await stopMember(m);
  });
});
