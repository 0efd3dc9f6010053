import { describe, expect, test } from 'vitest';
import { decide } from '../../../../lib/refresh/decide.js';
import {
  action,
  clusterSnapshot,
  hook,
  NEW,
  OLD,
  decideUntilQuiet,
  type ClusterOptions,
  type UnitSpec,
} from './support/fixtures.js';

const DEV = { ...NEW, charm: '3.5/1.3.0.post1.dev0+abc.dirty' };
const ROLLBACK = '`juju refresh --revision 143`';

/** The leader's app status, seen from unit 0 (which is never the unit acting in these cases). */
const appStatus = (units: UnitSpec[], options: Partial<ClusterOptions> = {}) =>
  decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units, ...options })).decision.appStatus;

const four = (refreshed: number, gates: Partial<Record<number, boolean>> = {}): UnitSpec[] =>
  [3, 2, 1, 0].map((n, index) => ({
    n,
    snap: index < refreshed ? NEW.snap : OLD.snap,
    gate: gates[n] ?? true,
    started: true,
  }));

describe('app status (leader)', () => {
  test('invalid config is shown even without a refresh', () => {
    const units = [1, 0].map((n) => ({ n, snap: NEW.snap }));
    expect(appStatus(units, { pause: 'sometimes', original: NEW })).toEqual({
      name: 'blocked',
      message: 'pause-after-unit-refresh config must be set to "all", "first", or "none"',
    });
  });

  test('no status when no refresh is in progress', () => {
    expect(appStatus([1, 0].map((n) => ({ n, snap: NEW.snap })), { original: NEW })).toBeUndefined();
  });

  test('a stale databag makes the refresh state unknown', () => {
    const units = [{ n: 1, snap: NEW.snap, code: OLD, codeTime: 900 }, { n: 0, snap: NEW.snap }];
    expect(appStatus(units)).toEqual({ name: 'maintenance', message: 'Determining if a refresh is in progress' });
  });

  test('an incompatible refresh is blocked with the rollback command and explained in the log', () => {
    const decision = decideUntilQuiet(
      clusterSnapshot({ self: 0, leader: true, code: DEV, units: [2, 1, 0].map((n) => ({ n, snap: OLD.snap })) }),
    ).decision;
    expect(decision.appStatus).toEqual({ name: 'blocked', message: `Refresh incompatible. Rollback with ${ROLLBACK}` });
    expect(decision.log.map((l) => l.message)).toContain(
      'Refresh incompatible. Rollback with `juju refresh`. Continuing this refresh may cause data loss and/or downtime. ' +
        'The refresh can be forced to continue with the `force-refresh-start` action and the `check-compatibility` parameter. ' +
        'Run `juju show-action charmed-etcd force-refresh-start` for more information',
    );
    expect(decision.unitStatusHigh).toBeUndefined();
  });

  test('a single unit shows the rollback command', () => {
    const decision = decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units: [{ n: 0, snap: OLD.snap, started: true }] }), {
      refresh: () => ({ installedRevision: OLD.snap, error: 'network down' }),
    }).decision;
    expect(decision.appStatus).toEqual({ name: 'maintenance', message: `Refreshing. To rollback, ${ROLLBACK}` });
  });

  test.each([
    ['first', 1, 'blocked', `Refreshing. Check units >=3 are healthy & run \`resume-refresh\` on unit 2. To rollback, ${ROLLBACK}`],
    ['first', 2, 'maintenance', 'Refreshing. To pause refresh, run `juju config charmed-etcd pause-after-unit-refresh=all`'],
    ['all', 1, 'blocked', `Refreshing. Check units >=3 are healthy & run \`resume-refresh\` on unit 2. To rollback, ${ROLLBACK}`],
    ['all', 2, 'blocked', `Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. To rollback, ${ROLLBACK}`],
    ['none', 1, 'maintenance', 'Refreshing. To pause refresh, run `juju config charmed-etcd pause-after-unit-refresh=all`'],
  ])('pause %s with %i unit(s) refreshed: %s', (pause, refreshed, name, message) => {
    expect(appStatus(four(refreshed), { pause })).toEqual({ name, message });
  });

  test('a local original charm reads None in the rollback command', () => {
    const status = appStatus(four(1), { original: { ...OLD, local: true } });
    expect(status?.message).toBe(
      'Refreshing. Check units >=3 are healthy & run `resume-refresh` on unit 2. To rollback, `juju refresh --revision None`',
    );
  });

  describe('never names resume-refresh where it can only fail (the §1.6 quirk)', () => {
    test('before the highest unit started the refresh: says what it waits for', () => {
      const units = [3, 2, 1, 0].map((n) => ({ n, snap: OLD.snap }));
      expect(appStatus(units, { pause: 'all' })).toEqual({
        name: 'maintenance',
        message: `Refreshing. Waiting for unit 3 to start the refresh. To rollback, ${ROLLBACK}`,
      });
    });

    test('when the leader is the highest unit and its pre-refresh check failed: says so', () => {
      const decision = decideUntilQuiet(
        clusterSnapshot({ self: 2, leader: true, units: [2, 1, 0].map((n) => ({ n, snap: OLD.snap })) }),
        { prechecks: () => ({ ok: false, message: 'Backup in progress' }) },
      ).decision;
      expect(decision.appStatus).toEqual({
        name: 'blocked',
        message: `Refreshing. Pre-refresh check failed on unit 2. To rollback, ${ROLLBACK}`,
      });
    });

    test('a refreshed unit without its gate: names the unhealthy unit', () => {
      expect(appStatus(four(1, { 3: false }), { pause: 'first' })).toEqual({
        name: 'blocked',
        message: `Refreshing. Unit 3 is unhealthy. To rollback, ${ROLLBACK}`,
      });
      expect(appStatus(four(2, { 2: false }), { pause: 'none' })?.message).toBe(
        `Refreshing. Unit 2 is unhealthy. To rollback, ${ROLLBACK}`,
      );
    });

    test('the next unit has not run the new charm code yet: waits for it', () => {
      const units = four(1).map((u) => (u.n === 2 ? { ...u, code: OLD, codeTime: 1500 } : u));
      expect(appStatus(units, { pause: 'first' })).toEqual({
        name: 'maintenance',
        message: `Refreshing. Waiting for unit 2 to catch up. To rollback, ${ROLLBACK}`,
      });
    });

    test('the highest unit is next and refreshes on its own: says it is refreshing', () => {
      expect(appStatus(four(0), { pause: 'all' })).toEqual({
        name: 'maintenance',
        message: `Refreshing. Unit 3 is refreshing. To rollback, ${ROLLBACK}`,
      });
    });
  });

  test('unreadable refresh data from a peer is named, and nothing throws', () => {
    const units: UnitSpec[] = [
      { n: 2, snap: NEW.snap, started: true },
      { n: 1, snap: null, raw: { installed_snap_revision: 'not json', refresh_started_if_this_units_databag_is_up_to_date: '"yes"' } },
      { n: 0, snap: OLD.snap, started: true },
    ];
    const decision = decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units })).decision;
    expect(decision.appStatus).toEqual({ name: 'blocked', message: 'Refresh data of unit 1 is invalid. See `juju debug-log`' });
    expect(decision.log.some((l) => l.level === 'warning' && l.message.includes('charmed-etcd/1'))).toBe(true);
  });

  test('missing original versions during a refresh: blocked with the reference text', () => {
    expect(appStatus(four(1), { original: 'missing' })).toEqual({
      name: 'blocked',
      message: 'Refresh failed. Automatic recovery not possible. Original versions in app databag are missing or invalid',
    });
  });

  test('only the leader sets an app status', () => {
    expect(decideUntilQuiet(clusterSnapshot({ self: 0, units: four(1) })).decision.appStatus).toBeUndefined();
  });
});

describe('unit statuses', () => {
  const three = (refreshed: number) =>
    [2, 1, 0].map((n, index) => ({ n, snap: index < refreshed ? NEW.snap : OLD.snap, started: true }));

  test.each([
    [0, true, { name: 'active', message: 'etcd 3.5.16 running; Snap revision 12 (outdated); Charm revision 150' }],
    [0, false, { name: 'waiting', message: 'etcd 3.5.16; Snap revision 12 (outdated); Charm revision 150' }],
  ])('lower priority on an outdated unit (running: %s)', (self, running, expected) => {
    const decision = decideUntilQuiet(clusterSnapshot({ self, units: three(1), workloadRunning: running as boolean })).decision;
    expect(decision.unitStatusLow).toEqual(expected);
    expect(decision.unitStatusHigh).toBeUndefined();
  });

  test('lower priority on a refreshed unit', () => {
    expect(decideUntilQuiet(clusterSnapshot({ self: 2, units: three(1) })).decision.unitStatusLow).toEqual({
      name: 'active',
      message: 'etcd 3.5.30 running; Snap revision 13; Charm revision 150',
    });
  });

  test('a local charm shows its charm version', () => {
    const local = { ...NEW, local: true };
    const decision = decideUntilQuiet(clusterSnapshot({ self: 2, code: local, units: three(1) })).decision;
    expect(decision.unitStatusLow?.message).toBe('etcd 3.5.30 running; Snap revision 13; Charm version 3.5/1.3.0');
  });

  test('no lower-priority status without a refresh', () => {
    const units = [1, 0].map((n) => ({ n, snap: NEW.snap }));
    expect(decideUntilQuiet(clusterSnapshot({ self: 0, units, original: NEW })).decision.unitStatusLow).toBeUndefined();
  });

  test('code replaced without upgrade-charm (LP#2068500): waits, forgets "started", warns', () => {
    const snapshot = clusterSnapshot({ self: 0, units: three(1), codeUpToDate: false, localStarted: true });
    const decision = decideUntilQuiet(snapshot).decision;
    expect(decision.unitStatusLow).toEqual({
      name: 'maintenance',
      message: 'Waiting for Juju upgrade-charm or config-changed event. See `juju debug-log`',
    });
    expect(decision.files).toContainEqual({ op: 'delete', name: 'machines_refresh_started' });
    expect(decision.log.some((l) => l.level === 'warning' && l.message.includes('2068500'))).toBe(true);
    expect(decision.applicationVersion).toBeUndefined();

    const later = decideUntilQuiet({ ...snapshot, event: hook('config-changed') }).decision;
    expect(later.files.some((f) => f.op === 'write' && f.name === 'machines_last_two_refreshes_to_up_to_date_charm_code_version.json')).toBe(true);
    expect(later.applicationVersion).toBe(NEW.workload);
  });

  test('pre-refresh check failure is a higher-priority status on the highest unit; a later pass starts the refresh', () => {
    const units = [2, 1, 0].map((n) => ({ n, snap: OLD.snap }));
    const failing = decideUntilQuiet(clusterSnapshot({ self: 2, units, event: hook('upgrade-charm') }), {
      prechecks: () => ({ ok: false, message: 'Backup in progress' }),
    });
    expect(failing.decision.unitStatusHigh).toEqual({
      name: 'blocked',
      message: 'Rollback with `juju refresh`. Pre-refresh check failed: Backup in progress',
    });
    expect(failing.decision.log).toContainEqual({
      level: 'error',
      message:
        'Pre-refresh check failed: Backup in progress. Rollback with `juju refresh`. Continuing this refresh may cause data loss and/or downtime. ' +
        'The refresh can be forced to continue with the `force-refresh-start` action and the `run-pre-refresh-checks` parameter. ' +
        'Run `juju show-action charmed-etcd force-refresh-start` for more information',
    });
    expect(failing.requests.map((r) => r.kind)).toEqual(['run-pre-refresh-checks']);
    expect(failing.decision.unitBag['refresh_started_if_this_units_databag_is_up_to_date']).toBeUndefined();

    const passing = decideUntilQuiet(clusterSnapshot({ self: 2, units, event: hook('update-status') }));
    expect(passing.decision.unitStatusHigh).toBeUndefined();
    expect(passing.requests.map((r) => r.kind)).toEqual(['run-pre-refresh-checks', 'refresh-snap', 'check-health-for-gate']);
    expect(passing.decision.files).toContainEqual({ op: 'write', name: 'machines_refresh_started', content: '' });
  });

  test('action outcome is absent for other events', () => {
    expect(decide(clusterSnapshot({ self: 0, units: three(1) })).action).toBeUndefined();
    expect(decide(clusterSnapshot({ self: 0, units: three(1), event: action('status-detail') })).action).toBeUndefined();
  });
});
