import { afterEach, describe, expect, it } from 'vitest';
import { parseJujuContext } from '../../../../lib/juju/context.js';
import { createJujuLogger } from '../../../../lib/juju/log.js';
import { Model } from '../../../../lib/juju/model.js';
import { CharmHook } from '../../../../src/charm/charm-hook.js';
import type { EtcdRefreshCallbacks } from '../../../../src/refresh/callbacks.js';
import { createRefreshCallbacks } from '../../../../src/refresh/callbacks.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

/** Runs `use` inside a hook of unit `n`, with the refresh callbacks built for that hook. */
async function withCallbacks<T>(n: number, use: (callbacks: EtcdRefreshCallbacks) => Promise<T>): Promise<T> {
  const u = world.unit(n);
  let result: T | undefined;
  const out = await u.ctx.run(u.ctx.on.updateStatus(), world.state(n, world.peerRelation(n)), async (host) => {
    const model = new Model(parseJujuContext(host.env), host.tools);
    const { logger } = createJujuLogger({ tools: host.tools, stderr: { write: () => 0 } });
    result = await use(createRefreshCallbacks(new CharmHook(model, world.effects(u), logger)));
    await model.flush();
    return 0;
  });
  if (out.exitCode !== 0) throw out.error ?? new Error(out.stderr);
  return result as T;
}

describe('refresh callbacks', () => {
  it('pre-refresh checks pass on a healthy cluster and fail, in at most 64 characters, when a member is down', async () => {
    world = new World();
    await world.deploy(3);
    expect(await withCallbacks(0, (c) => c.runPreRefreshChecks())).toEqual({ ok: true });
    world.unit(2).snap.kill();
    const failed = await withCallbacks(0, (c) => c.runPreRefreshChecks());
    expect(failed).toEqual({ ok: false, message: 'Cluster is not healthy: charmed-etcd2 down' });
  });

  it('pre-refresh checks fail while a learner waits for promotion', async () => {
    world = new World();
    await world.deploy(1);
    world.addUnit(1);
    await world.hook(1, 'install');
    await world.hook(1, 'config-changed');
    await world.changed(0, 1);
    expect(await withCallbacks(0, (c) => c.runPreRefreshChecks())).toEqual({ ok: false, message: 'A learner is waiting for promotion' });
  });

  it('refreshSnap moves leadership away, stops etcd, refreshes and holds the snap, and starts etcd again', async () => {
    world = new World();
    await world.deploy(3);
    const own = world.cluster.memberByName('charmed-etcd2')!;
    world.cluster.leaderId = own.id;
    const u = world.unit(2);
    const before = u.snap.calls.length;
    await withCallbacks(2, (c) => c.refreshSnap({ snapName: 'charmed-etcd', revision: '3', install: false }));
    expect(u.snap.calls.slice(before)).toEqual([
      'stop --disable charmed-etcd.etcd',
      'refresh charmed-etcd --revision 3',
      'refresh --hold charmed-etcd',
      'start --enable charmed-etcd.etcd',
    ]);
    expect(world.cluster.calls.some((c) => c.op === 'moveLeader')).toBe(true);
    expect(world.cluster.leaderId).not.toBe(own.id);
    expect(world.cluster.isRunning('charmed-etcd2')).toBe(true);
  });

  it('refreshSnap starts etcd again even when the snap refresh fails', async () => {
    world = new World();
    await world.deploy(3);
    const u = world.unit(1);
    u.snap.refresh = async () => {
      throw new Error('error: cannot refresh "charmed-etcd": store unreachable');
    };
    await expect(withCallbacks(1, (c) => c.refreshSnap({ snapName: 'charmed-etcd', revision: '3', install: false }))).rejects.toThrow(/store unreachable/);
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(true);
  });

  it('the health gate restarts a member that does not answer, and fails with the reason when it stays down', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(1).snap.kill();
    expect(await withCallbacks(1, (c) => c.checkHealthForGate())).toEqual({ healthy: true });
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(true);
    world.unit(1).snap.kill();
    world.unit(1).snap.failStart = true;
    expect(await withCallbacks(1, (c) => c.checkHealthForGate())).toEqual({ healthy: false, reason: 'etcd not answering on this unit' });
  });

  it('reports the installed revision from the snap\'s current symlink', async () => {
    world = new World();
    await world.deploy(1);
    expect(await withCallbacks(0, (c) => c.installedSnapRevision('charmed-etcd'))).toBe('2');
    expect(await withCallbacks(0, (c) => c.isWorkloadRunning())).toBe(true);
  });
});
