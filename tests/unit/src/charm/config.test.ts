import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const configOf = (n: number) => readFileSync(unitPaths(world.unit(n).root).configFile, 'utf8');

describe('config options', () => {
  it.each([
    [{ 'heartbeat-interval': 5 }, 'Invalid config: heartbeat-interval must be between 10 and 5000 ms, got 5'],
    [{ 'election-timeout': 500 }, 'Invalid config: election-timeout must be at least 10 × heartbeat-interval (1000 ms), got 500'],
    [{ 'quota-backend-bytes': 'lots' }, 'Invalid config: quota-backend-bytes must be "auto" or a size in bytes such as 2147483648 or "2GiB"'],
    [{ 'auto-compaction-mode': 'hourly' }, 'Invalid config: auto-compaction-mode must be "periodic" or "revision", got "hourly"'],
    [{ 'auto-compaction-retention': '0' }, 'Invalid config: auto-compaction-retention must not be zero: that would turn compaction off'],
  ])('an invalid value %j blocks, naming the option and the rule, and restarts nothing', async (change, message) => {
    world = new World();
    await world.deploy(2);
    const before = configOf(0);
    const starts = world.cluster.starts.length;
    world.config = { ...change };
    const out = await world.hook(0, 'config-changed');
    expect(out.exitCode).toBe(0);
    expect(out.state.unitStatus).toEqual({ name: 'blocked', message });
    expect(out.state.appStatus).toEqual({ name: 'blocked', message });
    await world.hook(1, 'config-changed');
    expect(world.unit(1).unitStatus).toEqual({ name: 'blocked', message });
    expect(configOf(0)).toBe(before);
    expect(world.cluster.starts.length).toBe(starts);
    expect(world.cluster.isRunning('charmed-etcd0') && world.cluster.isRunning('charmed-etcd1')).toBe(true);
  });

  it('a valid change rolls through the units one at a time, each healthy before the next, leadership moved off a restarting leader', async () => {
    world = new World();
    await world.deploy(3);
    world.cluster.leaderId = world.cluster.memberByName('charmed-etcd0')!.id;
    const restartsOf = () => world.cluster.starts.slice(3);
    world.config = { 'heartbeat-interval': 200, 'election-timeout': 2000 };

    // Units 1 and 2 hear first but wait for unit 0.
    await world.hook(2, 'config-changed');
    await world.hook(1, 'config-changed');
    expect(restartsOf()).toEqual([]);
    expect(world.unit(1).unitStatus).toEqual({ name: 'waiting', message: 'Waiting to restart with new config after charmed-etcd0' });

    await world.hook(0, 'config-changed');
    expect(restartsOf()).toEqual(['charmed-etcd0']);
    expect(world.cluster.calls.some((c) => c.op === 'moveLeader')).toBe(true);
    expect(world.cluster.leaderId).not.toBe(world.cluster.memberByName('charmed-etcd0')!.id);
    expect(configOf(0)).toContain('heartbeat-interval: 200');
    expect(world.cluster.memberByName('charmed-etcd0')?.heartbeat).toBe(200);

    // Unit 2 still waits for unit 1; unit 1 goes once unit 0's record says it runs the new config.
    await world.changed(2, 0);
    expect(restartsOf()).toEqual(['charmed-etcd0']);
    await world.changed(1, 0);
    expect(restartsOf()).toEqual(['charmed-etcd0', 'charmed-etcd1']);
    await world.changed(2, 1);
    expect(restartsOf()).toEqual(['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2']);
    await world.settle();
    expect(restartsOf()).toHaveLength(3);
    for (const n of [0, 1, 2]) expect(world.unit(n).unitStatus).toEqual({ name: 'active', message: '' });
  });

  it('a unit does not restart while the unit ahead of it is unhealthy', async () => {
    world = new World();
    await world.deploy(3);
    world.config = { 'auto-compaction-retention': '2h' };
    world.unit(0).snap.failStart = true;
    await world.hook(0, 'config-changed');
    expect(world.unit(0).unitStatus).toEqual({ name: 'maintenance', message: 'unhealthy after restarting' });
    await world.changed(1, 0);
    expect(world.cluster.starts.filter((s) => s === 'charmed-etcd1')).toHaveLength(1);
  });

  it('config restarts wait while a refresh is in progress', async () => {
    world = new World();
    await world.deploy(1);
    world.unit(0).refresh = async () => ({ inProgress: true });
    world.config = { 'auto-compaction-retention': '2h' };
    const out = await world.hook(0, 'config-changed');
    expect(world.cluster.starts).toEqual(['charmed-etcd0']);
    expect(out.state.unitStatus).toEqual({ name: 'waiting', message: 'Config change waits for the refresh to finish' });
  });
});
