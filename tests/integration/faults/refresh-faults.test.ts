/**
 * Faults during a refresh, part 1: the hook refreshing unit 2's snap breaks at
 * each step in turn (SIGKILLed as if the machine agent died, or a snap command
 * failing, or the hook failing before its gate commit). Each refresh must
 * converge once Juju retries the hook: every unit active on the target etcd,
 * etcd reporting a healthy cluster, and no acknowledged write lost. One model
 * serves every case, refreshing up and down in turn.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { daemonPids, until } from '../support/cluster.js';
import { armFault, createRefreshModel, etcdLogTimes, expectConverged, SNAP_REVISION, timeline, unit, withWriter } from './refresh-model.js';
import type { RefreshModel } from './refresh-model.js';

let m: RefreshModel;

beforeAll(async () => {
  m = await createRefreshModel({ units: 3, retryScale: 0.5 });
}, 420_000);

afterAll(async () => {
  await m?.destroy();
});

/** Unit 2 shows its hook error (Juju retries it after the back-off); returns that status. */
const unit2InError = () =>
  until('unit 2 to show its hook error', async () => {
    const s = await m.sim.status();
    return s.units[unit(2)]?.['workload-status'] === 'error' ? s : undefined;
  }, 30_000, 100);

/** Units 0 and 1 have not been touched: still on `revision`, etcd running. */
function expectOthersUntouched(revision: string): void {
  expect([m.snapRevision(unit(0)), m.snapRevision(unit(1))]).toEqual([revision, revision]);
  const pids = daemonPids(m.sim, [unit(0), unit(1)]);
  expect(Object.values(pids).every((p) => p !== undefined), JSON.stringify(pids)).toBe(true);
}

describe('a hook killed or failing while unit 2 refreshes its snap (pause-after-unit-refresh=none)', () => {
  let since: string;
  beforeEach(() => {
    since = new Date().toISOString();
  });
  afterEach(() => {
    console.log(timeline(m, since));
  });

  it('SIGKILL after `snap refresh` took effect, before `snap start`: the retried hook starts etcd and the refresh completes', { timeout: 360_000 }, async () => {
    const target = await m.publish('3.5.30');
    await withWriter(m, async () => {
      const fired = await armFault(m, unit(2), 'snap refresh --revision', 'after', 'kill-hook');
      await m.cli('refresh', '--revision', target);
      expect(await fired()).toMatch(/^fired: kill-hook after "snap refresh --revision" in /);
      // The agent died mid-hook: unit 2 sits on the new snap with etcd stopped, in hook error until Juju retries.
      expect(m.snapRevision(unit(2))).toBe(SNAP_REVISION['3.5.30']);
      const inError = await unit2InError();
      expect(inError.units[unit(2)]).toMatchObject({ 'agent-status': 'error', message: expect.stringMatching(/^hook failed: "/) });
      expectOthersUntouched(SNAP_REVISION['3.5.16']);
      await expectConverged(m, '3.5.30', 3);
    });
  });

  it('`snap stop` fails: etcd keeps running on the old snap, the hook fails, the retry refreshes (3.5.30 -> 3.5.16)', { timeout: 360_000 }, async () => {
    const target = await m.publish('3.5.16');
    await withWriter(m, async () => {
      const fired = await armFault(m, unit(2), 'snap stop', 'before', 'fail');
      await m.cli('refresh', '--revision', target);
      expect(await fired()).toMatch(/^fired: fail before "snap stop" in /);
      await unit2InError();
      expect(m.snapRevision(unit(2))).toBe(SNAP_REVISION['3.5.30']);
      expect(daemonPids(m.sim, [unit(2)])[unit(2)]).toBeDefined();
      expectOthersUntouched(SNAP_REVISION['3.5.30']);
      await expectConverged(m, '3.5.16', 3);
    });
  });

  it('SIGKILL after `snap start`, before the health check and the gate: the retried hook sets the gate (3.5.16 -> 3.5.30)', { timeout: 360_000 }, async () => {
    const target = await m.publish('3.5.30');
    await withWriter(m, async () => {
      const fired = await armFault(m, unit(2), 'snap start', 'after', 'kill-hook');
      await m.cli('refresh', '--revision', target);
      expect(await fired()).toMatch(/^fired: kill-hook after "snap start" in /);
      await unit2InError();
      expect(m.snapRevision(unit(2))).toBe(SNAP_REVISION['3.5.30']);
      expectOthersUntouched(SNAP_REVISION['3.5.16']);
      await expectConverged(m, '3.5.30', 3);
    });
  });

  it('the hook that would set the gate fails at its end (fail-next-hook): nothing of it is committed, the retry sets the gate (3.5.30 -> 3.5.16)', { timeout: 360_000 }, async () => {
    const target = await m.publish('3.5.16');
    await withWriter(m, async () => {
      await m.cli('fail-next-hook', unit(2), 'upgrade-charm');
      await m.cli('refresh', '--revision', target);
      const inError = await unit2InError();
      expect(inError.units[unit(2)]?.message).toBe('hook failed: "upgrade-charm"');
      // The snap refresh itself happened; its gate was never committed, so nobody followed.
      expect(m.snapRevision(unit(2))).toBe(SNAP_REVISION['3.5.16']);
      expectOthersUntouched(SNAP_REVISION['3.5.30']);
      await expectConverged(m, '3.5.16', 3);
    });
    const upgrades = m.sim.hookRecords().filter((r) => r.unit === unit(2) && r.event === 'upgrade-charm' && Date.parse(r.startedAt) >= Date.parse(since));
    expect(upgrades.map((r) => r.exitCode)).toEqual([1, 0]);
  });

  it('etcd crashes just after unit 2 refreshed: unit 1 waits until the supervisor restarted it and it is healthy (3.5.16 -> 3.5.30)', { timeout: 360_000 }, async () => {
    const target = await m.publish('3.5.30');
    const sinceMs = Date.parse(since);
    await withWriter(m, async () => {
      const fired = await armFault(m, unit(2), 'snap start', 'after', 'kill-workload');
      await m.cli('refresh', '--revision', target);
      expect(await fired()).toMatch(/^fired: kill-workload after "snap start" in /);
      const killedAt = Date.parse(m.sim.debugLog(unit(2)).findLast((l) => l.logger === 'sim.inject-fault' && l.message.startsWith('killed etcd'))?.at ?? '');
      expect(Number.isNaN(killedAt)).toBe(false);
      await expectConverged(m, '3.5.30', 3);
      // etcd's own logs: unit 2's etcd came back (restarted by the supervisor) before unit 1's stopped for its refresh.
      const unit2Ready = etcdLogTimes(m, unit(2), 'ready to serve client requests', killedAt)[0];
      const unit1Stop = etcdLogTimes(m, unit(1), 'received signal; shutting down', sinceMs)[0];
      expect(unit2Ready, 'unit 2 etcd never served again after the crash').toBeDefined();
      expect(unit1Stop, 'unit 1 etcd was never stopped for its refresh').toBeDefined();
      expect(unit1Stop!).toBeGreaterThan(unit2Ready!);
    });
  });
});
