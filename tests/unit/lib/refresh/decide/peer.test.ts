import { describe, expect, test } from 'vitest';
import { firstJoin, initialInstall, learnStarted, peerRelation, publishRevision } from '../../../../../lib/refresh/decide/peer.js';
import { clusterSnapshot, NEW, OLD, type UnitSpec } from '../support/fixtures.js';
import { codedOf, messages, walkOf } from '../support/walk.js';

describe('peer relation', () => {
  test('absent: not ready, and a refresh action says so', () => {
    const s = clusterSnapshot({ self: 0, units: [{ n: 0, snap: NEW.snap }], event: { kind: 'action', name: 'resume-refresh', params: {} } });
    const step = peerRelation(codedOf({ ...s, peer: null }));
    expect(step.kind).toBe('done');
    expect(step.state.draft.outcome).toBe('peer-relation-not-ready');
    expect(step.state.draft.action?.status).toBe('failed');
  });

  test('the others in refresh order, a malformed bag logged, this unit from its own files', () => {
    const units: UnitSpec[] = [{ n: 0, snap: OLD.snap }, { n: 2, snap: null, raw: { installed_snap_revision: '{' } }, { n: 1, snap: NEW.snap, started: true }];
    const step = peerRelation(codedOf(clusterSnapshot({ self: 1, units, localStarted: false })));
    if (step.kind !== 'next') throw new Error('stopped');
    expect(step.state.others.map((u) => u.number)).toEqual([2, 0]);
    expect(messages(step.state)).toEqual([expect.stringMatching(/^Ignoring invalid refresh data from unit charmed-etcd\/2/)]);
    // The databag says started; the local marker is what counts for this unit.
    expect(step.state.own.started).toBe(false);
  });
});

describe('learning "refresh started"', () => {
  const others = (spec: Partial<UnitSpec>): UnitSpec[] => [{ n: 2, snap: NEW.snap, started: true, ...spec }, { n: 1, snap: OLD.snap }];
  test.each([
    ['from a current databag: persisted', others({}), 'current', true, true],
    ['not from a databag of older code', others({ codeTime: 500 }), 'stale', false, false],
    ['not from a unit that did not start', others({ started: false }), 'none', false, false],
  ] as const)('%s', (_name, units, _freshness, started, persisted) => {
    const w = learnStarted(walkOf(clusterSnapshot({ self: 1, units })));
    expect(w.started).toBe(started);
    expect(w.own.started).toBe(persisted);
    expect(w.draft.files.some((f) => f.name === 'machines_refresh_started')).toBe(persisted);
  });

  test('on a new unit (no second-to-last refresh): presumed for this event, not persisted', () => {
    const s = clusterSnapshot({ self: 1, units: others({}), localStarted: false });
    const history = JSON.parse(s.local.history!) as Record<string, unknown>;
    history['second_to_last_refresh_to_up_to_date_charm_code_version'] = null;
    const w = walkOf({ ...s, local: { ...s.local, history: JSON.stringify(history) } });
    expect(w.started).toBe(true);
    expect(w.own.started).toBe(false);
    expect(w.presumeLog).toMatch(/^Presumed from unit 2 that refresh has started/);
  });
});

describe('publishing the snap revision', () => {
  test.each([
    ['unchanged', NEW.snap, NEW.snap, true, []],
    ['changed to the pin: gate reset, version file written', OLD.snap, NEW.snap, false, ['write machines_installed_workload_version']],
    ['an unknown revision: gate reset, version file removed', OLD.snap, '99', false, ['delete machines_installed_workload_version']],
    ['removed', NEW.snap, null, false, ['delete machines_installed_workload_version']],
  ] as const)('%s', (_name, inBag, installed, gate, files) => {
    const s = clusterSnapshot({ self: 1, units: [{ n: 1, snap: inBag, gate: true }, { n: 0, snap: NEW.snap }], installed });
    const peer = peerRelation(codedOf(s));
    if (peer.kind !== 'next') throw new Error('stopped');
    const w = publishRevision(peer.state);
    expect(w.own.gate).toBe(gate);
    expect(w.own.installedSnapRevision).toBe(installed ?? undefined);
    expect(w.draft.files.map((f) => `${f.op} ${f.name}`)).toEqual(files);
  });
});

describe('first join and initial install', () => {
  const fresh = (planned: number | undefined, initialized = false) =>
    clusterSnapshot({ self: 1, units: [{ n: 1, snap: null, raw: {} }, { n: 0, snap: NEW.snap }], installed: null, peerInitialized: initialized, ...(planned === undefined ? {} : { plannedUnits: planned }) });

  test.each([
    ['every planned unit joined', 2, false, 'next'],
    ['a planned unit is missing', 3, false, 'done'],
    ['goal-state unknown', undefined, false, 'done'],
    ['already initialized', 7, true, 'next'],
  ] as const)('%s', (_name, planned, initialized, kind) => {
    const peer = peerRelation(codedOf(fresh(planned, initialized)));
    if (peer.kind !== 'next') throw new Error('stopped');
    const step = firstJoin(peer.state);
    expect(step.kind).toBe(kind);
    if (kind === 'done') expect(step.state.draft.outcome).toBe('peer-relation-not-ready');
  });

  test.each([
    ['asks to install the pin first', undefined, 'need', undefined, false],
    ['records the installed pin', { installedRevision: NEW.snap }, 'next', NEW.snap, false],
    ['a failed install is logged and flagged', { installedRevision: null, error: 'store down' }, 'next', undefined, true],
  ] as const)('%s', (_name, result, kind, revision, failed) => {
    const s = fresh(2);
    const step = initialInstall(walkOf({ ...s, effects: result === undefined ? {} : { snapRefresh: result } }));
    expect(step.kind).toBe(kind);
    if (step.kind === 'need') {
      expect(step.request).toEqual({ kind: 'refresh-snap', snapName: 'charmed-etcd', revision: NEW.snap, install: true });
      return;
    }
    expect(step.state.snapEffectUsed).toBe(true);
    expect(step.state.own.installedSnapRevision).toBe(revision);
    expect(step.state.draft.snapRefreshFailed).toBe(failed);
  });
});
