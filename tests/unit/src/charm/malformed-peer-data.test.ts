import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../support/world.js';

/**
 * Peer data another unit (or a broken leader) wrote wrong: the charm says
 * which key of whose databag is wrong and never acts on it: no member
 * removed, no cluster bootstrapped over a running one.
 */
let world: World;
afterEach(() => world?.cleanup());

const memberNames = (w: World): string[] => w.cluster.list().map((m) => m.name).sort();

describe('malformed peer data', () => {
  it('an unreadable private_ip never makes the leader remove that unit\'s voting member; the app status names it', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(2).bag['private_ip'] = 'not-an-address';
    // update-status is where the leader removes members no unit claims.
    const out = await world.hook(0, 'update-status');
    expect(out.exitCode).toBe(0);
    expect(memberNames(world)).toEqual(['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2']);
    expect(world.cluster.calls.filter((c) => c.op === 'memberRemove')).toEqual([]);
    expect(out.state.appStatus).toEqual({ name: 'blocked', message: 'malformed peer data from charmed-etcd/2: private_ip' });
    expect(out.logs.some((l) => l.message.includes('charmed-etcd/2 published malformed private_ip in etcd-peers'))).toBe(true);

    // Unit 2's own next hook republishes its address; the status clears.
    await world.hook(2, 'update-status');
    const healed = await world.hook(0, 'update-status');
    expect(healed.state.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('a malformed cluster_state never bootstraps a new cluster: the leader, a member, restores it to "existing"', async () => {
    world = new World();
    await world.deploy(3);
    const before = world.appBag['cluster_members'];
    world.appBag['cluster_state'] = 'bogus';
    const out = await world.hook(0, 'update-status');
    expect(out.exitCode).toBe(0);
    expect(world.appBag['cluster_state']).toBe('existing');
    expect(world.appBag['cluster_members']).toBe(before);
    expect(memberNames(world)).toEqual(['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2']);
    expect(out.logs.some((l) => /cluster_state in the peer app databag is malformed/.test(l.message))).toBe(true);
    expect(out.logs.some((l) => /bootstrapping/i.test(l.message))).toBe(false);
  });

  it('a malformed cluster_state blocks a non-leader with the key named, and it does nothing else', async () => {
    world = new World();
    await world.deploy(2);
    world.appBag['cluster_state'] = 'bogus';
    const callsBefore = world.unit(1).snap.calls.length;
    const out = await world.hook(1, 'update-status');
    expect(out.exitCode).toBe(0);
    expect(out.state.unitStatus).toEqual({ name: 'blocked', message: 'malformed peer data from application: cluster_state' });
    expect(world.unit(1).snap.calls.slice(callsBefore).filter((c) => !c.startsWith('services'))).toEqual([]);
  });
});
