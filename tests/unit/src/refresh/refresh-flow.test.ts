/**
 * The wired charm refreshing a 3-unit cluster on the harness: every status
 * text and action message an operator sees, under each pause policy.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CharmBuild } from '../support/world.js';
import { BUILDS, World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const ROLLBACK_10 = 'To rollback, `juju refresh --revision 10`';
const unitStatus = (n: number) => world.unit(n).unitStatus;
const revisions = () => [...world.units.values()].sort((a, b) => a.n - b.n).map((u) => u.snap.revision());
const versions = () => ['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2'].map((name) => world.cluster.memberByName(name)?.version);

async function deployed(options: { pause?: string; build?: CharmBuild } = {}): Promise<World> {
  world = new World(options.build === undefined ? {} : { build: options.build });
  if (options.pause !== undefined) world.config = { 'pause-after-unit-refresh': options.pause };
  await world.deploy(3);
  return world;
}

describe('a 3-unit refresh 3.5.16 -> 3.5.30', () => {
  it('pre-refresh-check: the exact result, the rollback command, and a snapshot named and saved on the leader', async () => {
    await deployed();
    const out = await world.action(0, 'pre-refresh-check');
    expect(out.actionResult?.status).toBe('completed');
    const results = (out.actionResult?.results ?? {}) as Readonly<Record<string, string>>;
    expect(results['result']).toBe(
      'Charm is ready for refresh. For refresh instructions, see https://charmhub.io/charmed-etcd/docs/refresh/3.5/1.0.0\n\n' +
        'After the refresh has started, use this command to rollback:\n`juju refresh charmed-etcd --revision 10`\n\n' +
        'The refresh will pause for your manual confirmation after the first unit refreshes. To change this, set the ' +
        '`pause-after-unit-refresh` config option. Run `juju config charmed-etcd` for more information',
    );
    expect(results['snapshot']).toMatch(/\/var\/snap\/charmed-etcd\/common\/archive\/pre-refresh-20250101T\d{6}Z\.db$/);
    const snapshot = results['snapshot'] ?? '';
    expect(snapshot.startsWith(world.unit(0).root)).toBe(true);
    expect(existsSync(snapshot)).toBe(true);
  });

  it('pre-refresh-check refuses on a non-leader and while a refresh is in progress', async () => {
    await deployed();
    const notLeader = await world.action(1, 'pre-refresh-check');
    expect(notLeader.actionResult).toMatchObject({
      status: 'failed',
      message: 'Must run action on leader unit. (e.g. `juju run charmed-etcd/leader pre-refresh-check`)',
    });
    await world.refreshCharm(BUILDS.etcd3530);
    const during = await world.action(0, 'pre-refresh-check');
    expect(during.actionResult).toMatchObject({ status: 'failed', message: 'Refresh already in progress' });
  });

  it('first: unit 2 refreshes on its own, the app asks for resume-refresh on unit 1, then the rest completes', async () => {
    await deployed();
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    expect(revisions()).toEqual(['2', '2', '3']);
    expect(world.appStatus).toEqual({
      name: 'blocked',
      message: `Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. ${ROLLBACK_10}`,
    });
    expect(unitStatus(2)).toEqual({ name: 'active', message: 'etcd 3.5.30 running; Snap revision 3; Charm revision 11' });
    expect(unitStatus(1)).toEqual({ name: 'active', message: 'etcd 3.5.16 running; Snap revision 2 (outdated); Charm revision 11' });

    const wrongUnit = await world.action(0, 'resume-refresh');
    expect(wrongUnit.actionResult).toMatchObject({ status: 'failed', message: 'Must run action on unit 1' });

    const resumed = await world.action(1, 'resume-refresh');
    expect(resumed.actionResult).toMatchObject({
      status: 'completed',
      results: { result: 'Refresh resumed. Unit 1 has refreshed' },
      logs: ['Refresh resumed. Refreshing unit 1'],
    });
    await world.settle();
    expect(revisions()).toEqual(['3', '3', '3']);
    expect(versions()).toEqual(['3.5.30', '3.5.30', '3.5.30']);
    expect(world.cluster.list()).toHaveLength(3);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
    for (const n of [0, 1, 2]) expect(unitStatus(n)).toEqual({ name: 'active', message: '' });
    // The new original versions: the next rollback target is revision 11.
    expect(world.refreshAppBag['original_charm_revision']).toBe('"ch:amd64/noble/charmed-etcd-11"');
    expect(world.unit(0).workloadVersion).toBe('3.5.30');
  });

  it('all: the app asks for resume-refresh before each remaining unit', async () => {
    await deployed({ pause: 'all' });
    await world.refreshCharm(BUILDS.etcd3530);
    await world.settle();
    expect(world.appStatus.message).toBe(`Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. ${ROLLBACK_10}`);
    const one = await world.action(1, 'resume-refresh');
    expect(one.actionResult).toMatchObject({ status: 'completed', results: { result: 'Refreshed unit 1' }, logs: ['Refreshing unit 1'] });
    await world.settle();
    expect(revisions()).toEqual(['2', '3', '3']);
    expect(world.appStatus).toEqual({
      name: 'blocked',
      message: `Refreshing. Check units >=1 are healthy & run \`resume-refresh\` on unit 0. ${ROLLBACK_10}`,
    });
    expect((await world.action(0, 'resume-refresh')).actionResult?.status).toBe('completed');
    await world.settle();
    expect(revisions()).toEqual(['3', '3', '3']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('none: no confirmation; the app suggests the emergency stop while it runs; resume-refresh is not applicable', async () => {
    await deployed({ pause: 'none' });
    await world.refreshCharm(BUILDS.etcd3530, [0, 1]);
    await world.hook(2, 'upgrade-charm');
    expect(revisions()).toEqual(['2', '2', '3']);
    // Unit 1 goes next on its own, at its next event.
    await world.hook(0, 'update-status');
    expect(world.appStatus).toEqual({
      name: 'maintenance',
      message: 'Refreshing. To pause refresh, run `juju config charmed-etcd pause-after-unit-refresh=all`',
    });
    const resume = await world.action(1, 'resume-refresh');
    expect(resume.actionResult).toMatchObject({
      status: 'failed',
      message: '`pause-after-unit-refresh` config is set to `none`. This action is not applicable.',
    });
    await world.settle();
    expect(revisions()).toEqual(['3', '3', '3']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('the emergency stop: pause-after-unit-refresh=all halts a `none` refresh before the next unit', async () => {
    await deployed({ pause: 'none' });
    await world.refreshCharm(BUILDS.etcd3530, [2]);
    world.config = { 'pause-after-unit-refresh': 'all' };
    for (const n of [1, 0]) {
      await world.hook(n, 'upgrade-charm');
      await world.hook(n, 'config-changed');
    }
    await world.settle();
    expect(revisions()).toEqual(['2', '2', '3']);
    expect(world.appStatus.message).toBe(`Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. ${ROLLBACK_10}`);
  });

  it('an invalid pause-after-unit-refresh blocks the app (even with no refresh) and acts as `all`', async () => {
    await deployed({ pause: 'sometimes' });
    const status = { name: 'blocked', message: 'pause-after-unit-refresh config must be set to "all", "first", or "none"' };
    expect(world.appStatus).toEqual(status);
    const pre = await world.action(0, 'pre-refresh-check');
    expect(pre.actionResult?.results['result']).toContain('The refresh will pause for your manual confirmation after each unit refreshes');
    await world.refreshCharm(BUILDS.etcd3530);
    await world.settle();
    expect(world.appStatus).toEqual(status);
    expect(revisions()).toEqual(['2', '2', '3']);
  });
});

describe('refusals', () => {
  it('a failed pre-refresh check on the highest unit blocks it with the reason and refreshes nothing', async () => {
    await deployed();
    world.cluster.alarms = [{ memberId: world.cluster.memberByName('charmed-etcd0')!.id, alarm: 'NOSPACE' }];
    const pre = await world.action(0, 'pre-refresh-check');
    expect(pre.actionResult).toMatchObject({
      status: 'failed',
      message: 'Charm is not ready for refresh. Pre-refresh check failed: Cluster is not healthy: alarm NOSPACE raised',
    });
    await world.refreshCharm(BUILDS.etcd3530);
    await world.settle();
    expect(unitStatus(2)).toEqual({
      name: 'blocked',
      message: 'Rollback with `juju refresh`. Pre-refresh check failed: Cluster is not healthy: alarm NOSPACE raised',
    });
    expect(revisions()).toEqual(['2', '2', '2']);
    // A transient failure: once the alarm is gone, the refresh starts on its own.
    world.cluster.alarms = [];
    await world.settle();
    expect(revisions()).toEqual(['2', '2', '3']);
  });

  it('an incompatible refresh (minor downgrade) shows the rollback command and refreshes no unit', async () => {
    await deployed();
    await world.refreshCharm(BUILDS.etcd3423);
    await world.settle();
    expect(world.appStatus).toEqual({ name: 'blocked', message: 'Refresh incompatible. Rollback with `juju refresh --revision 10`' });
    expect(revisions()).toEqual(['2', '2', '2']);
    expect(world.unit(2).snap.calls.filter((c) => c.startsWith('stop'))).toEqual([]);
  });

  it('forcing a minor downgrade past the cluster version is refused before any member stops', async () => {
    await deployed();
    await world.refreshCharm(BUILDS.etcd3423);
    const forced = await world.action(2, 'force-refresh-start', { 'check-compatibility': false });
    const refusal = 'Cannot refresh to etcd 3.4.23: cluster version is 3.5.0, etcd would not start';
    expect(forced.exitCode).toBe(0);
    expect(forced.actionResult).toMatchObject({ status: 'completed', results: { result: 'Refresh started. Failed to refresh unit 2. Unit 2 will retry refresh on the next Juju event' } });
    await world.hook(2, 'update-status');
    expect(unitStatus(2)).toEqual({ name: 'blocked', message: refusal });
    expect(world.unit(2).snap.calls.filter((c) => c.startsWith('stop') || c.startsWith('refresh charmed-etcd'))).toEqual([]);
    expect(world.cluster.isRunning('charmed-etcd2')).toBe(true);
    expect(revisions()).toEqual(['2', '2', '2']);
  });

  it('a failed snap refresh keeps etcd running on the old revision, fails the hook, and is retried', async () => {
    await deployed();
    world.unit(2).snap.failRefresh = true;
    await world.refreshCharm(BUILDS.etcd3530, [2]);
    const retry = await world.hook(2, 'update-status');
    expect(retry.exitCode).toBe(1);
    expect(retry.stderr).toContain('refreshing the etcd snap failed; Juju retries this hook');
    expect(unitStatus(2)).toEqual({ name: 'maintenance', message: 'Snap refresh to revision 3 failed; retrying. See `juju debug-log`' });
    expect(world.cluster.isRunning('charmed-etcd2')).toBe(true);
    expect(revisions()).toEqual(['2', '2', '2']);
    world.unit(2).snap.failRefresh = false;
    expect((await world.hook(2, 'update-status')).exitCode).toBe(0);
    expect(revisions()).toEqual(['2', '2', '3']);
  });
});

describe('a release whose daemon fails, and rollback', () => {
  it('pauses on the first unit with what is unhealthy, refuses to resume, and the rollback restores the cluster', async () => {
    await deployed();
    await world.refreshCharm(BUILDS.broken3531, [2, 1, 0]);
    await world.settle();
    expect(revisions()).toEqual(['2', '2', '4']);
    expect(world.cluster.isRunning('charmed-etcd2')).toBe(false);
    expect(unitStatus(2).name).toBe('blocked');
    expect(unitStatus(2).message).toBe('etcd service not running');
    const resume = await world.action(1, 'resume-refresh');
    expect(resume.actionResult).toMatchObject({ status: 'failed', message: 'Unit 2 is unhealthy. Refresh will not resume.' });
    expect(revisions()).toEqual(['2', '2', '4']);

    await world.refreshCharm(BUILDS.etcd3516, [2, 1, 0]);
    await world.settle();
    expect(revisions()).toEqual(['2', '2', '2']);
    expect(versions()).toEqual(['3.5.16', '3.5.16', '3.5.16']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
    // Units that never left the original snap were not restarted by the rollback.
    expect(world.unit(0).snap.calls.filter((c) => c.startsWith('stop'))).toEqual([]);
  });

  it('a minor upgrade 3.4.23 -> 3.5.16 rolls back while the cluster version is still 3.4', async () => {
    await deployed({ build: BUILDS.etcd3423 });
    await world.refreshCharm(BUILDS.etcd3516, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.4.23', '3.4.23', '3.5.16']);
    expect(world.cluster.clusterVersion).toBe('3.4');
    await world.refreshCharm(BUILDS.etcd3423, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.4.23', '3.4.23', '3.4.23']);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('a completed minor upgrade moves the cluster version to 3.5', async () => {
    await deployed({ build: BUILDS.etcd3423, pause: 'none' });
    await world.refreshCharm(BUILDS.etcd3516, [2, 1, 0]);
    await world.settle();
    expect(versions()).toEqual(['3.5.16', '3.5.16', '3.5.16']);
    expect(world.cluster.clusterVersion).toBe('3.5');
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });
});

describe('during a refresh', () => {
  it('a config change waits, update-status does not restart etcd, a removal waits for the unhealthy unit', async () => {
    await deployed();
    await world.refreshCharm(BUILDS.broken3531, [2, 1, 0]);
    await world.settle();
    const startsBefore = world.cluster.starts.length;

    world.config = { 'election-timeout': 2000 };
    await world.hook(1, 'config-changed');
    expect(unitStatus(1)).toEqual({ name: 'waiting', message: 'Config change waits for the refresh to finish' });
    await world.hook(2, 'update-status');
    expect(world.cluster.starts.length).toBe(startsBefore);

    world.unit(1).snap.kill();
    await world.hook(1, 'update-status');
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(false);

    const removal = await world.run(0, (ctx, rel) => ctx.on.relationDeparted(rel, { remoteUnit: 1, departingUnit: 'charmed-etcd/0' }));
    expect(removal.exitCode, removal.stderr).toBe(1);
    expect(removal.state.unitStatus).toEqual({ name: 'waiting', message: 'Removal waits for unit 2 to finish refreshing' });
    expect(world.cluster.list()).toHaveLength(3);
  });
});
