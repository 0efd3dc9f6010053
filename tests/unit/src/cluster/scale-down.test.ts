import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const names = () => world.cluster.list().map((m) => m.name).sort();

describe('scale down', () => {
  it('removing the raft leader\'s unit moves leadership away first, then removes its member', async () => {
    world = new World();
    await world.deploy(3);
    const leaderMember = world.cluster.memberByName('charmed-etcd1')!;
    world.cluster.leaderId = leaderMember.id;
    const out = await world.removeUnit(1);
    expect(out.exitCode).toBe(0);
    const ops = world.cluster.calls.map((c) => c.op).filter((op) => op === 'moveLeader' || op === 'memberRemove');
    expect(ops).toEqual(['moveLeader', 'memberRemove']);
    expect(world.cluster.calls.find((c) => c.op === 'memberRemove')?.args).toEqual([leaderMember.id]);
    expect(names()).toEqual(['charmed-etcd0', 'charmed-etcd2']);
    expect(world.cluster.leaderId).not.toBe(leaderMember.id);
    await world.settle();
    expect(world.appBag['cluster_members']).toBe('charmed-etcd0=http://10.0.0.10:2380,charmed-etcd2=http://10.0.0.12:2380');
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('fails the hook rather than lose quorum, and removes nothing', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(2).snap.kill();
    const out = await world.removeUnit(1);
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toMatch(/UnsafeRemovalError: cannot remove charmed-etcd1: the remaining members would not have quorum/);
    expect(world.cluster.calls.filter((c) => c.op === 'memberRemove')).toEqual([]);
    expect(names()).toEqual(['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2']);
  });

  it('retries member remove with back-off when etcd refuses for a while', async () => {
    world = new World();
    await world.deploy(2);
    const client = world.cluster.client;
    let refusals = 2;
    world.cluster.client = (connect) => {
      const api = client.call(world.cluster, connect);
      return {
        ...api,
        memberRemove: async (id: string) => {
          if (refusals-- > 0) {
            const { EtcdServerError } = await import('../../../../src/etcd/errors/server-error.js');
            throw new EtcdServerError('etcdserver: request timed out', { endpoint: 'x', grpcCode: 14, httpStatus: 503, operation: 'member remove' });
          }
          return api.memberRemove(id);
        },
      };
    };
    const before = world.clock;
    const out = await world.removeUnit(1);
    expect(out.exitCode).toBe(0);
    expect(names()).toEqual(['charmed-etcd0']);
    expect(world.clock - before).toBeGreaterThanOrEqual(1000 + 2000);
  });

  it('scales to zero and back: the last unit clears the cluster state and a new unit bootstraps afresh', async () => {
    world = new World();
    await world.deploy(2);
    expect((await world.removeUnit(1)).exitCode).toBe(0);
    expect((await world.removeUnit(0)).exitCode).toBe(0);
    expect(world.appBag['cluster_state']).toBeUndefined();
    expect(world.appBag['cluster_members']).toBeUndefined();
    expect([...world.cluster.members.values()].every((m) => !m.running)).toBe(true);

    world.cluster.members.clear();
    world.leader = 2;
    world.addUnit(2);
    await world.hook(2, 'install');
    await world.hook(2, 'leader-elected');
    expect(world.appBag['cluster_state']).toBe('existing');
    expect(world.appBag['cluster_members']).toBe('charmed-etcd2=http://10.0.0.12:2380');
    expect(world.unit(2).unitStatus).toEqual({ name: 'active', message: '' });
  });

  it('the leader removes a member whose unit vanished (remove-unit --force) on update-status, and drops it from cluster_members', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(2).snap.kill();
    world.forget(2);
    await world.hook(0, 'update-status');
    expect(names()).toEqual(['charmed-etcd0', 'charmed-etcd1']);
    expect(world.appBag['cluster_members']).toBe('charmed-etcd0=http://10.0.0.10:2380,charmed-etcd1=http://10.0.0.11:2380');
  });

  it('a departed hook that fails after removing the member: its retry records the removal, so later teardown hooks need no peer', async () => {
    world = new World();
    await world.deploy(3);
    const unit = world.unit(1);
    const stop = unit.snap.stop.bind(unit.snap);
    let failures = 1;
    unit.snap.stop = async (...args: Parameters<typeof stop>) => {
      if (failures-- > 0) throw new Error('error: cannot perform the following tasks: stop charmed-etcd.etcd (timed out)');
      return stop(...args);
    };
    const first = await world.removeUnit(1);
    expect(first.exitCode).toBe(1);
    // The member is gone, but Juju discarded the hook's databag writes: the unit still says it started.
    expect(names()).toEqual(['charmed-etcd0', 'charmed-etcd2']);
    expect(unit.bag['state']).toBe('started');

    const retry = await world.removeUnit(1);
    expect(retry.exitCode, retry.stderr).toBe(0);
    expect(unit.bag['state']).toBeUndefined();
    expect(names()).toEqual(['charmed-etcd0', 'charmed-etcd2']);
  });
});
