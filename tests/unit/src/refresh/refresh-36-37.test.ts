/**
 * The wired charm through the etcd 3.5 -> 3.6 -> 3.7 refreshes on the
 * harness: which refreshes start, the config each unit renders for the etcd
 * its snap runs, the cluster-version guard on going back a minor, and minor
 * downgrades through etcd's downgrade protocol. The etcd facts behind them are
 * measured in tests/integration/etcd/upgrade-36-37.test.ts and downgrade.test.ts.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { walEntriesUnreplayableIn37 } from '../../../../src/etcd/wal-read.js';
import { plantWalFrom35 } from '../support/wal-frames.js';
import type { CharmBuild } from '../support/world.js';
import { BUILDS, World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const revisions = () => [...world.units.values()].sort((a, b) => a.n - b.n).map((u) => u.snap.revision());
const versions = () => ['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2'].map((name) => world.cluster.memberByName(name)?.version);
const configOf = (n: number) => yaml.load(readFileSync(unitPaths(world.unit(n).root).configFile, 'utf8')) as Record<string, unknown>;
/** The version-dependent keys of unit `n`'s etcd.conf.yml. */
const dialectOf = (n: number) => {
  const c = configOf(n);
  return { enableV2: 'enable-v2' in c, maxSnapshots: 'max-snapshots' in c, rotation: c['enable-log-rotation'] === true };
};
const FOR_35 = { enableV2: true, maxSnapshots: true, rotation: true };
const FOR_36 = { enableV2: false, maxSnapshots: false, rotation: true };

async function deployed(build: CharmBuild, pause?: string): Promise<World> {
  world = new World({ build });
  if (pause !== undefined) world.config = { 'pause-after-unit-refresh': pause };
  await world.deploy(3);
  return world;
}

describe('3.5 -> 3.6', () => {
  it('3.5.30 -> 3.6.13 completes; each unit renders its config for the etcd its snap runs; the cluster version becomes 3.6', async () => {
    await deployed(BUILDS.etcd3530);
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_35, FOR_35, FOR_35]);
    await world.refreshCharm(BUILDS.etcd3613, [2, 1, 0]);
    await world.settle();
    // Paused after unit 2: units 0 and 1 run the 3.6 charm code on the 3.5.30 snap, and render for 3.5.30.
    expect(revisions()).toEqual(['3', '3', '5']);
    expect(versions()).toEqual(['3.5.30', '3.5.30', '3.6.13']);
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_35, FOR_35, FOR_36]);
    expect(world.cluster.clusterVersion).toBe('3.5');
    expect(world.appStatus.message).toMatch(/^Refreshing\. Check units >=2 are healthy & run `resume-refresh` on unit 1/);

    const resumed = await world.action(1, 'resume-refresh');
    expect(resumed.actionResult?.status).toBe('completed');
    await world.settle();
    expect(versions()).toEqual(['3.6.13', '3.6.13', '3.6.13']);
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_36, FOR_36, FOR_36]);
    expect(world.cluster.clusterVersion).toBe('3.6');
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('rolls back to 3.5.30 while the cluster version is still 3.5, and the rolled-back unit renders for 3.5 again', async () => {
    await deployed(BUILDS.etcd3530);
    await world.refreshCharm(BUILDS.etcd3613, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.5.30', '3.5.30', '3.6.13']);
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.5.30', '3.5.30', '3.5.30']);
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_35, FOR_35, FOR_35]);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('once every member runs 3.6, the 3.5.30 charm downgrades through etcd: enabled once, members replaced highest first, config for 3.5', async () => {
    await deployed(BUILDS.etcd3530, 'none');
    await world.refreshCharm(BUILDS.etcd3613, [2, 1, 0]);
    await world.settle();
    expect(world.cluster.clusterVersion).toBe('3.6');
    world.cluster.calls.length = 0;
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.5.30', '3.5.30', '3.5.30']);
    expect(revisions()).toEqual(['3', '3', '3']);
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_35, FOR_35, FOR_35]);
    expect(world.cluster.clusterVersion).toBe('3.5');
    // Validated and enabled once, by the first unit; etcd ended it once every member ran 3.5.
    expect(world.cluster.calls.filter((c) => c.op === 'downgrade').map((c) => c.args)).toEqual([
      ['VALIDATE', '3.5'],
      ['VALIDATE', '3.5'],
      ['ENABLE', '3.5'],
    ]);
    expect(world.cluster.downgradeTarget).toBeUndefined();
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('a downgrade rolled back half-way: the rollback cancels it and the cluster version returns to 3.6', async () => {
    await deployed(BUILDS.etcd3613);
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.13', '3.6.13', '3.5.30']);
    expect(world.cluster.clusterVersion).toBe('3.5');
    expect(world.cluster.downgradeTarget).toBe('3.5');
    expect(world.appStatus.message).toMatch(/^Refreshing\. Check units >=2 are healthy & run `resume-refresh` on unit 1/);

    await world.refreshCharm(BUILDS.etcd3613, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.13', '3.6.13', '3.6.13']);
    expect(world.cluster.calls.filter((c) => c.op === 'downgrade').map((c) => c.args[0])).toContain('CANCEL');
    expect(world.cluster.downgradeTarget).toBeUndefined();
    expect(world.cluster.clusterVersion).toBe('3.6');
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_36, FOR_36, FOR_36]);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('a snap refresh that fails after this unit enabled the downgrade cancels it: the cluster version returns to 3.6', async () => {
    await deployed(BUILDS.etcd3613);
    const highest = world.unit(2);
    highest.snap.refresh = async () => {
      throw new Error('error: cannot refresh "charmed-etcd": store unreachable');
    };
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.13', '3.6.13', '3.6.13']);
    const ops = world.cluster.calls.filter((c) => c.op === 'downgrade').map((c) => c.args[0]);
    expect(ops.indexOf('CANCEL')).toBeGreaterThan(ops.indexOf('ENABLE'));
    expect(world.cluster.downgradeTarget).toBeUndefined();
    expect(world.cluster.clusterVersion).toBe('3.6');
  });

  it('3.5 -> 3.4 stays refused (etcd: no rolling downgrade from 3.5 with auth on), before any member stops even when forced', async () => {
    await deployed(BUILDS.etcd3530);
    expect(world.cluster.clusterVersion).toBe('3.5');
    await world.refreshCharm(BUILDS.etcd3423);
    await world.settle();
    expect(world.appStatus).toEqual({ name: 'blocked', message: 'Refresh incompatible. Rollback with `juju refresh --revision 11`' });
    const stopsBefore = world.unit(2).snap.calls.filter((c) => c.startsWith('stop')).length;
    await world.action(2, 'force-refresh-start', { 'check-compatibility': false });
    await world.hook(2, 'update-status');
    expect(world.unit(2).unitStatus).toEqual({ name: 'blocked', message: 'Cannot refresh to etcd 3.4.23: cluster version is 3.5.0, etcd would not start' });
    expect(world.unit(2).snap.calls.filter((c) => c.startsWith('stop')).length).toBe(stopsBefore);
    expect(world.cluster.calls.some((c) => c.op === 'downgrade' && c.args[0] === 'ENABLE')).toBe(false);
    expect(revisions()).toEqual(['3', '3', '3']);
  });

  it('from 3.5.16 is incompatible: etcd below 3.5.26 must first refresh to a later 3.5 patch', async () => {
    await deployed(BUILDS.etcd3516);
    await world.refreshCharm(BUILDS.etcd3613);
    await world.settle();
    expect(world.appStatus).toEqual({ name: 'blocked', message: 'Refresh incompatible. Rollback with `juju refresh --revision 10`' });
    expect(revisions()).toEqual(['2', '2', '2']);
  });
});

describe('patches within 3.6', () => {
  it('3.6.13 -> 3.6.16 completes, and a rollback mid-way returns to 3.6.13', async () => {
    await deployed(BUILDS.etcd3613);
    await world.refreshCharm(BUILDS.etcd3616, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.13', '3.6.13', '3.6.16']);
    await world.refreshCharm(BUILDS.etcd3613, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.13', '3.6.13', '3.6.13']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });

    await world.refreshCharm(BUILDS.etcd3616, [2, 1, 0]);
    await world.settle();
    await world.action(1, 'resume-refresh');
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
    expect(world.cluster.clusterVersion).toBe('3.6');
    expect([0, 1, 2].map(dialectOf)).toEqual([FOR_36, FOR_36, FOR_36]);
  });
});

describe('3.6 -> 3.7', () => {
  it('3.6.16 -> 3.7.3 completes; going back to 3.6.16 works while the cluster is 3.6, and through etcd downgrade once it is 3.7', async () => {
    await deployed(BUILDS.etcd3616);
    await world.refreshCharm(BUILDS.etcd373, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.7.3']);
    expect(world.cluster.clusterVersion).toBe('3.6');
    await world.refreshCharm(BUILDS.etcd3616, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);

    world.config = { 'pause-after-unit-refresh': 'none' };
    await world.refreshCharm(BUILDS.etcd373, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.7.3', '3.7.3', '3.7.3']);
    expect(world.cluster.clusterVersion).toBe('3.7');
    expect(world.appStatus).toEqual({ name: 'active', message: '' });

    // Once the cluster is 3.7, going back to 3.6.16 is etcd's downgrade.
    await world.refreshCharm(BUILDS.etcd3616, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
    expect(world.cluster.clusterVersion).toBe('3.6');
    expect(world.cluster.downgradeTarget).toBeUndefined();
    expect(world.appStatus).toEqual({ name: 'active', message: '' });

    // Skipping a minor on the way down (3.6 -> 3.4, forced past the compatibility check) is refused before anything stops.
    await world.refreshCharm(BUILDS.etcd3423);
    await world.action(2, 'force-refresh-start', { 'check-compatibility': false });
    await world.hook(2, 'update-status');
    expect(world.unit(2).unitStatus).toEqual({ name: 'blocked', message: 'Cannot refresh to etcd 3.4.23: this unit runs etcd 3.6.16; etcd changes one minor at a time' });
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
  });

  it('mid-refresh 3.6 -> 3.7, a refresh to 3.5 is refused on the unit on 3.7 before anything stops; the rollback to 3.6 completes', async () => {
    await deployed(BUILDS.etcd3616);
    await world.refreshCharm(BUILDS.etcd373, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.7.3']);
    const stopsBefore = world.unit(2).snap.calls.filter((c) => c.startsWith('stop')).length;
    // Judged from the original 3.6.16, 3.5.30 is a supported downgrade; unit 2 would skip 3.6.
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(world.unit(2).unitStatus).toEqual({ name: 'blocked', message: 'Cannot refresh to etcd 3.5.30: this unit runs etcd 3.7.3; etcd changes one minor at a time' });
    expect(world.unit(2).snap.calls.filter((c) => c.startsWith('stop')).length).toBe(stopsBefore);
    expect(world.cluster.calls.some((c) => c.op === 'downgrade' && c.args[0] === 'ENABLE')).toBe(false);
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.7.3']);

    await world.refreshCharm(BUILDS.etcd3616, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });
});

describe('3.6 -> 3.7 with etcd 3.5 entries in the WAL', () => {
  const unreplayable = (n: number) => walEntriesUnreplayableIn37(unitPaths(world.unit(n).root).memberDir);
  const snapshotCountOf = (n: number) => configOf(n)['snapshot-count'];

  it('each unit first restarts etcd 3.6 with snapshot-count 1 until a snapshot follows them, then refreshes to 3.7.3 with the usual config', async () => {
    await deployed(BUILDS.etcd3616, 'none');
    for (const n of [0, 1, 2]) plantWalFrom35(unitPaths(world.unit(n).root).memberDir);
    expect(await unreplayable(2)).toEqual([2, 3]);
    const restartsBefore = world.unit(2).snap.calls.filter((c) => c.startsWith('restart')).length;
    await world.refreshCharm(BUILDS.etcd373, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.7.3', '3.7.3', '3.7.3']);
    expect(world.cluster.clusterVersion).toBe('3.7');
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
    for (const n of [0, 1, 2]) {
      expect(await unreplayable(n)).toEqual([]);
      expect(snapshotCountOf(n)).toBe(10000);
    }
    // One restart for the snapshot, then the snap refresh.
    expect(world.unit(2).snap.calls.filter((c) => c.startsWith('restart')).length).toBe(restartsBefore + 1);
    expect(world.unit(2).snap.calls.slice(-5)).toEqual([
      'restart charmed-etcd.etcd',
      'stop --disable charmed-etcd.etcd',
      'refresh charmed-etcd --revision 7',
      'refresh --hold charmed-etcd',
      'start --enable charmed-etcd.etcd',
    ]);
  });

  it('a snap refresh that fails after the snapshot leaves etcd 3.6 on the usual config; the retry refreshes without another snapshot restart', async () => {
    await deployed(BUILDS.etcd3616);
    plantWalFrom35(unitPaths(world.unit(2).root).memberDir);
    world.unit(2).snap.failRefresh = true;
    await world.refreshCharm(BUILDS.etcd373, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
    expect(world.cluster.memberByName('charmed-etcd2')?.running).toBe(true);
    expect(snapshotCountOf(2)).toBe(10000);
    expect(await unreplayable(2)).toEqual([]);
    const restarts = world.unit(2).snap.calls.filter((c) => c.startsWith('restart')).length;

    world.unit(2).snap.failRefresh = false;
    await world.hook(2, 'update-status');
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.7.3']);
    expect(world.unit(2).snap.calls.filter((c) => c.startsWith('restart')).length).toBe(restarts);
  });

  it('when 3.6 takes no snapshot, the unit refuses with the usual config, etcd 3.6 runs, and later hooks do not restart it again', async () => {
    await deployed(BUILDS.etcd3616);
    plantWalFrom35(unitPaths(world.unit(2).root).memberDir);
    world.unit(2).snap.neverSnapshots = true;
    await world.refreshCharm(BUILDS.etcd373, [2, 1, 0]);
    await world.settle();
    expect(world.unit(2).unitStatus).toEqual({
      name: 'blocked',
      message: "Cannot refresh to etcd 3.7.3 yet: a 3.6 snapshot left 2 etcd 3.5 entries in the WAL, which 3.7 cannot replay",
    });
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
    expect(snapshotCountOf(2)).toBe(10000);
    expect(world.cluster.memberByName('charmed-etcd2')?.running).toBe(true);
    const restarts = () => world.unit(2).snap.calls.filter((c) => c.startsWith('restart') || c.startsWith('stop')).length;
    const before = restarts();
    await world.hook(2, 'update-status');
    expect(restarts()).toBe(before);
    expect(world.unit(2).unitStatus.message).toMatch(/^Cannot refresh to etcd 3\.7\.3 yet: a 3\.6 snapshot left 2 /);

    // The rollback to 3.6.16 leaves everything as it was.
    await world.refreshCharm(BUILDS.etcd3616, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.6.16', '3.6.16', '3.6.16']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });
});

describe('a downgrade no unit carries out', () => {
  it('the downgraded unit is removed before the rollback reaches it: the leader cancels the downgrade and the cluster version returns to 3.6', async () => {
    await deployed(BUILDS.etcd3613);
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(revisions()).toEqual(['5', '5', '3']);
    expect(world.cluster.downgradeTarget).toBe('3.5');
    // The rollback reaches units 1 and 0 (already on 3.6.13); unit 2, the only one on 3.5, is removed before its turn.
    await world.refreshCharm(BUILDS.etcd3613, [1, 0]);
    expect(world.cluster.downgradeTarget).toBe('3.5');
    await world.removeUnit(2);
    await world.settle();
    await world.hook(0, 'update-status');
    expect(revisions()).toEqual(['5', '5']);
    expect(world.cluster.calls.filter((c) => c.op === 'downgrade').map((c) => c.args[0])).toEqual(['VALIDATE', 'VALIDATE', 'ENABLE', 'CANCEL']);
    expect(world.cluster.downgradeTarget).toBeUndefined();
    expect(world.cluster.clusterVersion).toBe('3.6');
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('a downgrade under way is not cancelled: the refresh to 3.5 is in progress', async () => {
    await deployed(BUILDS.etcd3613);
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    await world.hook(0, 'update-status');
    expect(world.cluster.downgradeTarget).toBe('3.5');
    expect(world.cluster.calls.some((c) => c.op === 'downgrade' && c.args[0] === 'CANCEL')).toBe(false);
  });
});
