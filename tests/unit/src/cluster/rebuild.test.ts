/**
 * rebuild-cluster on the harness: refused while etcd has a leader (unless
 * forced), and the stopping phase: a non-leader stops etcd for good, drops
 * its data and says so; the leader stops its own and waits for every other
 * unit before it restarts alone.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

describe('rebuild-cluster', () => {
  it('is refused while the cluster has a leader, with Canonical\'s text, and changes nothing', async () => {
    world = new World();
    await world.deploy(3);
    const before = { ...world.appBag };
    const out = await world.action(0, 'rebuild-cluster');
    expect(out.actionResult).toMatchObject({ status: 'failed', message: 'Cluster has not failed. Use `force` to rebuild anyway.' });
    expect(world.appBag).toEqual(before);
    expect((await world.action(1, 'rebuild-cluster', { force: true })).actionResult).toMatchObject({ status: 'failed', message: 'Action must be performed on the leader unit.' });
  });

  it('forced: every unit stops; the others drop their data; the leader waits for all before restarting alone', async () => {
    world = new World();
    await world.deploy(3);
    const out = await world.action(0, 'rebuild-cluster', { force: true });
    expect(out.actionResult).toMatchObject({ status: 'completed', results: { result: 'cluster rebuild in progress' } });
    const id = world.appBag['rebuild_cluster'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(world.appBag['rebuild_phase']).toBe('stopping');

    const memberDir = unitPaths(world.unit(1).root).memberDir;
    expect(existsSync(memberDir)).toBe(true);
    const stopped = await world.changed(1, 0);
    expect(stopped.exitCode).toBe(0);
    expect(world.unit(1).unitStatus).toEqual({ name: 'blocked', message: 'Rebuilding with new cluster configuration...' });
    expect(world.unit(1).bag['rebuild_stopped']).toBe(id);
    expect(world.unit(1).bag['state']).toBeUndefined();
    expect(existsSync(memberDir)).toBe(false);
    expect(await world.unit(1).snap.isActive('etcd')).toBe(false);

    // Unit 2 has not stopped yet: the leader stops its own etcd and waits.
    await world.changed(0, 1);
    expect(await world.unit(0).snap.isActive('etcd')).toBe(false);
    expect(world.appBag['rebuild_phase']).toBe('stopping');
    expect(world.appStatus).toEqual({ name: 'blocked', message: 'Rebuilding with new cluster configuration...' });
  });

  it('while it runs, a second rebuild and a backup are refused with the same text, changing nothing', async () => {
    world = new World();
    await world.deploy(3);
    world.otherRelations = [
      world.unit(0).ctx.relation({
        endpoint: 's3-credentials',
        id: 21,
        remoteApp: 's3-integrator',
        remoteAppData: { bucket: 'etcd-backups', endpoint: 'http://10.1.1.1:7070', 'access-key': 'test-access-key', 'secret-key': 'test-secret-key' },
      }),
    ];
    await world.action(0, 'rebuild-cluster', { force: true });
    const during = { ...world.appBag };
    for (const [name, params] of [['rebuild-cluster', { force: true }], ['create-backup', {}]] as const) {
      const out = await world.action(0, name, params);
      expect(out.actionResult).toMatchObject({ status: 'failed', message: 'Rebuild in progress, cannot perform action.' });
    }
    expect(world.appBag).toEqual(during);
  });
});
