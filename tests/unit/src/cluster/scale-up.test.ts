import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { STATUS } from '../../../../src/charm/status.js';
import { PEER_ID, World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

/** Installs unit `n` and runs its deploy hooks (no peer hooks yet). */
async function addUnit(n: number): Promise<void> {
  world.addUnit(n);
  await world.hook(n, 'install');
  await world.hook(n, 'config-changed');
  await world.hook(n, 'start');
}

describe('scale up: learners one at a time', () => {
  it('a new unit waits to join until the leader adds it as a learner, then starts with initial-cluster-state existing', async () => {
    world = new World();
    await world.deploy(1);
    await addUnit(1);
    expect(world.unit(1).unitStatus).toEqual({ name: 'maintenance', message: 'Waiting to join cluster' });
    expect(world.unit(1).bag['private_ip']).toBe('10.0.0.11');
    expect(world.cluster.list()).toHaveLength(1);

    await world.changed(0, 1);
    const learner = world.cluster.list().find((m) => m.isLearner);
    expect(learner?.peerUrls).toEqual(['http://10.0.0.11:2380']);
    expect(world.appBag['learning_member']).toBe(learner?.id);
    expect(world.appBag['cluster_members']).toBe('charmed-etcd0=http://10.0.0.10:2380,charmed-etcd1=http://10.0.0.11:2380');

    await world.changed(1, 0);
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(true);
    expect(world.unit(1).bag['state']).toBe('started');
    expect(world.unit(1).unitStatus).toEqual({ name: 'maintenance', message: 'Waiting to promote learning member' });

    await world.changed(0, 1);
    expect(world.cluster.list().every((m) => !m.isLearner)).toBe(true);
    expect(world.appBag['learning_member']).toBeUndefined();
  });

  it('the leader adds only one learner per hook, and the next only after the first is promoted', async () => {
    world = new World();
    await world.deploy(1);
    await addUnit(1);
    await addUnit(2);
    await world.changed(0, 1);
    expect(world.cluster.calls.filter((c) => c.op === 'memberAdd')).toHaveLength(1);
    await world.changed(0, 2);
    expect(world.cluster.calls.filter((c) => c.op === 'memberAdd')).toHaveLength(1);
    expect(world.unit(2).unitStatus.message).toBe('Waiting to join cluster');
    await world.settle();
    expect(world.cluster.list().map((m) => [m.name, m.isLearner])).toEqual([
      ['charmed-etcd0', false],
      ['charmed-etcd1', false],
      ['charmed-etcd2', false],
    ]);
    for (const n of [0, 1, 2]) expect(world.unit(n).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('promotes a learner only once it has caught up with the leader', async () => {
    world = new World();
    await world.deploy(1);
    world.cluster.learnerLag = 5000;
    await addUnit(1);
    await world.changed(0, 1);
    await world.changed(1, 0);
    const out = await world.changed(0, 1);
    expect(out.exitCode).toBe(0);
    expect(world.cluster.calls.filter((c) => c.op === 'memberPromote')).toEqual([]);
    expect(out.state.unitStatus).toEqual({ name: 'maintenance', message: 'Waiting to promote learning member' });

    const learner = world.cluster.memberByName('charmed-etcd1')!;
    learner.appliedIndex = world.cluster.index;
    await world.changed(0, 1);
    expect(world.cluster.calls.filter((c) => c.op === 'memberPromote')).toHaveLength(1);
    expect(learner.isLearner).toBe(false);
  });

  it('deploys 3 units into a 3-voter cluster where every unit publishes a health record', async () => {
    world = new World();
    await world.deploy(3);
    expect(world.cluster.list().filter((m) => !m.isLearner)).toHaveLength(3);
    for (const n of [0, 1, 2]) {
      const record = JSON.parse(world.unit(n).bag['health'] ?? '{}') as Record<string, unknown>;
      expect(record).toMatchObject({ healthy: true, version: '3.5.16', snap_revision: '2', is_learner: false, problems: [] });
    }
  });

  /** Unit 1 added with `member/` data already on its storage, and `marker` (if any) beside it. */
  async function unitWithData(marker: object | undefined) {
    world = new World();
    await world.deploy(1);
    const u = world.addUnit(1);
    const paths = unitPaths(u.root);
    mkdirSync(paths.memberDir, { recursive: true });
    writeFileSync(`${paths.memberDir}/old-wal`, 'stale');
    if (marker !== undefined) writeFileSync(paths.memberMarker, JSON.stringify(marker));
    await world.hook(1, 'install');
    await world.hook(1, 'start');
    await world.changed(0, 1);
    await world.changed(1, 0);
    return paths;
  }

  it("data of this unit's own interrupted first start (its marker) is wiped, and the unit joins", async () => {
    const paths = await unitWithData({ unit: 'charmed-etcd/1', 'peer-relation-id': PEER_ID });
    expect(existsSync(`${paths.memberDir}/old-wal`)).toBe(false);
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(true);
    expect(JSON.parse(readFileSync(paths.memberMarker, 'utf8'))).toEqual({ unit: 'charmed-etcd/1', 'peer-relation-id': PEER_ID });
  });

  it.each([
    ['no marker (data from before this charm, or copied in)', undefined],
    ['another unit of this application (storage reattached)', { unit: 'charmed-etcd/5', 'peer-relation-id': PEER_ID }],
    ['the same unit name in an earlier application (redeployed with --attach-storage)', { unit: 'charmed-etcd/1', 'peer-relation-id': PEER_ID + 100 }],
  ])('data of another member is never deleted: blocked, naming the storage and what to do: %s', async (_, marker) => {
    const paths = await unitWithData(marker);
    expect(readFileSync(`${paths.memberDir}/old-wal`, 'utf8')).toBe('stale');
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(false);
    expect(world.unit(1).unitStatus).toEqual({ name: 'blocked', message: STATUS.foreignData });
    expect(STATUS.foreignData).toMatch(/^data storage holds etcd data of another member; move it away or attach empty storage/);
  });
});
