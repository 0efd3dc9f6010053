import { describe, expect, test } from 'vitest';
import { decide } from '../../../../lib/refresh/decide.js';
import {
  action,
  clusterSnapshot,
  hook,
  NEW,
  OLD,
  refreshRequests,
  decideUntilQuiet,
  versionsOf,
  type UnitSpec,
} from './support/fixtures.js';

const GATE = 'next_unit_allowed_to_refresh_if_this_units_snap_revision_and_databag_are_up_to_date';

describe('rollback', () => {
  test('the highest unit detects the rollback and refreshes with no checks', () => {
    // Back on the original code (OLD): unit 2 still runs the new snap.
    const units: UnitSpec[] = [{ n: 2, snap: NEW.snap }, { n: 1, snap: OLD.snap }, { n: 0, snap: OLD.snap }];
    const result = decideUntilQuiet(clusterSnapshot({ self: 2, code: OLD, units, event: hook('upgrade-charm') }));
    expect(result.requests.map((r) => r.kind)).toEqual(['refresh-snap', 'check-health-for-gate']);
    expect(refreshRequests(result)[0]).toMatchObject({ revision: OLD.snap });
    expect(result.decision.log[0]?.message).toMatch(/^Rollback detected. Automatic refresh checks skipped. Refresh started/);
    expect(result.decision.unitBag['refresh_started_if_this_units_databag_is_up_to_date']).toBe('true');
  });

  test('units still on the original snap are skipped; a downed unit goes first so only one workload is down', () => {
    // Forward refresh: unit 3 refreshed and healthy, unit 2 refreshed and unhealthy; then rollback to OLD.
    const units: UnitSpec[] = [
      { n: 3, snap: NEW.snap, started: true },
      { n: 2, snap: NEW.snap, gate: false, started: true },
      { n: 1, snap: OLD.snap, started: true },
      { n: 0, snap: OLD.snap, started: true },
    ];
    const highest = decideUntilQuiet(clusterSnapshot({ self: 3, code: OLD, units, pause: 'none' }));
    expect(refreshRequests(highest)).toHaveLength(0);
    const downed = decideUntilQuiet(clusterSnapshot({ self: 2, code: OLD, units, pause: 'none' }));
    expect(refreshRequests(downed)).toHaveLength(1);
    const untouched = decideUntilQuiet(clusterSnapshot({ self: 1, code: OLD, units, pause: 'none' }));
    expect(refreshRequests(untouched)).toHaveLength(0);
  });
});

describe('peer data', () => {
  test.each([
    ['not JSON', { installed_snap_revision: '{' }],
    ['wrong types', { installed_snap_revision: '13', [GATE]: '"yes"', last_refresh_to_up_to_date_charm_code_version: '[]' }],
    ['an object as revision', { installed_snap_revision: '{"a":1}' }],
  ])('a malformed bag from another unit (%s) is logged and the refresh waits, ahead of it or behind', (_name, raw) => {
    const units: UnitSpec[] = [
      { n: 2, snap: OLD.snap, started: true },
      { n: 1, snap: null, raw },
      { n: 0, snap: OLD.snap, started: true },
    ];
    for (const self of [0, 2]) {
      const snapshot = clusterSnapshot({ self, units, pause: 'none' });
      const result = decideUntilQuiet(snapshot);
      expect(refreshRequests(result)).toHaveLength(0);
      expect(result.decision.log.some((l) => l.level === 'warning' && l.message.includes('charmed-etcd/1'))).toBe(true);
    }
  });

  test('the own databag is rebuilt from local state and the snap, whatever it holds', () => {
    const units: UnitSpec[] = [{ n: 1, snap: null, raw: { installed_snap_revision: 'garbage', [GATE]: '1' } }, { n: 0, snap: NEW.snap }];
    const decision = decideUntilQuiet(clusterSnapshot({ self: 1, units, installed: NEW.snap, original: NEW })).decision;
    expect(decision.unitBag['installed_snap_revision']).toBe('"13"');
    expect(decision.unitBag[GATE]).toBe('true');
  });
});

test('a missing architecture pin is a blocked status, not a crash', () => {
  const snapshot = clusterSnapshot({ self: 0, units: [{ n: 0, snap: NEW.snap }], event: action('resume-refresh') });
  const decision = decide({
    ...snapshot,
    charm: { ...snapshot.charm, versions: { ok: false, error: "Snap revision missing for architecture 'riscv64' in refresh_versions.toml" } },
  });
  expect(decision.outcome).toBe('charm-versions-invalid');
  expect(decision.unitStatusHigh).toEqual({
    name: 'blocked',
    message: "Snap revision missing for architecture 'riscv64' in refresh_versions.toml",
  });
  expect(decision.action?.status).toBe('failed');
  expect(decision.unitBag).toEqual({});
  expect(decision.request).toBeUndefined();
});

describe('scale-up', () => {
  const existing: UnitSpec[] = [
    { n: 2, snap: NEW.snap, started: true },
    { n: 1, snap: OLD.snap, started: true },
    { n: 0, snap: OLD.snap, started: true },
  ];
  const newUnit = (planned: number) => {
    const snapshot = clusterSnapshot({ self: 3, units: [{ n: 3, snap: null, raw: {} }, ...existing], installed: null, peerInitialized: false, plannedUnits: planned });
    // A brand-new unit has one history entry only.
    const history = JSON.parse(snapshot.local.history!) as Record<string, unknown>;
    history['second_to_last_refresh_to_up_to_date_charm_code_version'] = null;
    return { ...snapshot, local: { ...snapshot.local, history: JSON.stringify(history), refreshStarted: false } };
  };

  test('the peer relation is not ready until every planned unit joined: install nothing', () => {
    const result = decideUntilQuiet(newUnit(5));
    expect(result.decision.outcome).toBe('peer-relation-not-ready');
    expect(result.requests).toEqual([]);
  });

  test('then it installs the new pinned snap and presumes "started" without persisting it', () => {
    const result = decideUntilQuiet(newUnit(4));
    expect(result.decision.files).toContainEqual({ op: 'write', name: 'machines_peer_relation_initialized', content: '' });
    expect(result.requests[0]).toEqual({ kind: 'refresh-snap', snapName: 'charmed-etcd', revision: NEW.snap, install: true });
    expect(result.decision.log.map((l) => l.message)).toContain(
      'Presumed from unit 2 that refresh has started to etcd 3.5.30 (snap revision 13) and charm revision 150 (3.5/1.3.0)',
    );
    expect(result.decision.files.some((f) => f.name === 'machines_refresh_started')).toBe(false);
    expect(result.decision.unitBag['refresh_started_if_this_units_databag_is_up_to_date']).toBe('false');
    expect(result.decision.unitBag['installed_snap_revision']).toBe('"13"');
  });

  test('under `first` the pause point shifts: the new highest unit pushes old units to index >= 2', () => {
    const units: UnitSpec[] = [{ n: 3, snap: NEW.snap, started: false }, ...existing];
    expect(refreshRequests(decideUntilQuiet(clusterSnapshot({ self: 1, units, pause: 'first' })))).toHaveLength(1);
  });
});

describe('teardown', () => {
  test('the unit\'s own departure sets the marker; refresh actions then fail', () => {
    const snapshot = clusterSnapshot({
      self: 1,
      units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: NEW.snap }],
      event: hook('refresh-v-three-relation-departed', 'charmed-etcd/1'),
    });
    const decision = decide(snapshot);
    expect(decision.outcome).toBe('unit-tearing-down');
    expect(decision.files).toEqual([
      { op: 'write', name: 'machines_unit_tearing_down', content: '' },
      { op: 'write', name: 'machines_unit_tearing_down_logged', content: '' },
    ]);
    expect(decision.log).toEqual([{ level: 'info', message: 'Unit tearing down' }]);
    const local = { ...snapshot.local, tearingDown: true, tearingDownLogged: true };
    for (const name of ['pre-refresh-check', 'force-refresh-start', 'resume-refresh']) {
      const later = decide({ ...snapshot, local, event: action(name) });
      expect(later.action).toEqual({ status: 'failed', message: 'Unit tearing down', results: {}, log: [] });
      expect(later.log).toEqual([]);
    }
  });

  test('another unit departing is not a teardown', () => {
    const snapshot = clusterSnapshot({
      self: 1,
      units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: NEW.snap }],
      original: NEW,
      event: hook('refresh-v-three-relation-departed', 'charmed-etcd/0'),
    });
    expect(decide(snapshot).outcome).toBeUndefined();
  });
});

describe('original versions and completion', () => {
  test('the leader writes original versions only when no refresh is in progress', () => {
    const idle = decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: NEW.snap }], original: 'missing' }));
    expect(idle.decision.appBag).toEqual({
      original_workload_version: '"3.5.30"',
      original_workload_container_version: '"13"',
      original_installed_workload_container_matched_pinned_container: 'true',
      original_charm_version: '"3.5/1.3.0"',
      original_charm_revision: '"ch:amd64/noble/charmed-etcd-150"',
    });
    const busy = decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: OLD.snap }] }));
    expect(busy.decision.appBag).toEqual({});
  });

  test('unchanged original versions are not rewritten', () => {
    const result = decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: NEW.snap }], original: NEW }));
    expect(result.decision.appBag).toEqual({});
  });

  test('the last unit to refresh completes the refresh: triggers the others, the leader records new originals', () => {
    const units: UnitSpec[] = [{ n: 2, snap: NEW.snap, started: true }, { n: 1, snap: NEW.snap, started: true }, { n: 0, snap: OLD.snap, started: true }];
    const result = decideUntilQuiet(clusterSnapshot({ self: 0, leader: true, units }));
    expect(refreshRequests(result)).toHaveLength(1);
    expect(result.decision.refreshCompletedThisEvent).toBe(true);
    expect(result.decision.inProgress).toBe(false);
    expect(result.decision.unitBag['_unused_last_completed_refresh']).toBeDefined();
    expect(result.decision.appBag['original_charm_revision']).toBe('"ch:amd64/noble/charmed-etcd-150"');
    // Multi-unit: the charm still hears "in progress" in this event, so the gate needs a health check.
    expect(result.requests.map((r) => r.kind)).toContain('check-health-for-gate');
    expect(result.decision.appStatus).toBeUndefined();
  });
});

describe('health gate', () => {
  test('a revision change resets the gate; during a refresh it is set only after a passing health check', () => {
    const units: UnitSpec[] = [{ n: 1, snap: OLD.snap, gate: true }, { n: 0, snap: OLD.snap }];
    const failing = decideUntilQuiet(clusterSnapshot({ self: 1, units, installed: NEW.snap }), { health: () => ({ healthy: false, reason: 'etcd not running' }) });
    expect(failing.decision.unitBag[GATE]).toBe('false');
    expect(failing.decision.gate).toBe(false);
    expect(failing.decision.healthCheckFailure).toBe('etcd not running');
    const passing = decideUntilQuiet(clusterSnapshot({ self: 1, units, installed: NEW.snap }));
    expect(passing.requests.map((r) => r.kind)).toContain('check-health-for-gate');
    expect(passing.decision.unitBag[GATE]).toBeUndefined();
    expect(passing.decision.gate).toBe(true);
  });

  test('with no refresh in progress the gate still waits for a passing health check', () => {
    const units: UnitSpec[] = [{ n: 1, snap: NEW.snap, gate: false }, { n: 0, snap: NEW.snap }];
    const unhealthy = decideUntilQuiet(clusterSnapshot({ self: 1, units, original: NEW }), { health: () => ({ healthy: false, reason: 'down' }) });
    expect(unhealthy.requests).toEqual([{ kind: 'check-health-for-gate' }]);
    expect(unhealthy.decision.unitBag[GATE]).toBeUndefined();
    const healthy = decideUntilQuiet(clusterSnapshot({ self: 1, units, original: NEW }));
    expect(healthy.decision.unitBag[GATE]).toBe('true');
  });

  test('a unit left unhealthy by the last refresh blocks the next refresh', () => {
    const units: UnitSpec[] = [{ n: 2, snap: OLD.snap }, { n: 1, snap: OLD.snap }, { n: 0, snap: OLD.snap, gate: false }];
    const result = decideUntilQuiet(clusterSnapshot({ self: 2, units, pause: 'none', event: hook('upgrade-charm') }));
    expect(refreshRequests(result)).toHaveLength(0);
  });
});

describe('learning "refresh started"', () => {
  test('from a unit whose databag is current: persisted locally and in the databag', () => {
    const units: UnitSpec[] = [{ n: 2, snap: NEW.snap, started: true }, { n: 1, snap: OLD.snap }, { n: 0, snap: OLD.snap }];
    const result = decideUntilQuiet(clusterSnapshot({ self: 0, units, pause: 'none' }));
    expect(result.decision.files).toContainEqual({ op: 'write', name: 'machines_refresh_started', content: '' });
    expect(result.decision.log[0]?.message).toBe(
      'Learned from unit 2 that refresh has started to etcd 3.5.30 (snap revision 13) and charm revision 150 (3.5/1.3.0)',
    );
  });

  test('not from a unit whose databag predates this charm code', () => {
    const units: UnitSpec[] = [{ n: 2, snap: NEW.snap, started: true, codeTime: 500 }, { n: 1, snap: OLD.snap }];
    const result = decideUntilQuiet(clusterSnapshot({ self: 1, units }));
    expect(result.decision.files.some((f) => f.name === 'machines_refresh_started')).toBe(false);
  });
});

test('the snapshot versions come through to the decision for the initial install', () => {
  const decision = decide(clusterSnapshot({ self: 0, units: [{ n: 0, snap: NEW.snap }], original: NEW }));
  expect(decision.pinned).toEqual({ snapName: 'charmed-etcd', snapRevision: versionsOf(NEW).versions.snapRevision, workload: NEW.workload });
  expect(decision.applicationVersion).toBe('3.5.30');
});
