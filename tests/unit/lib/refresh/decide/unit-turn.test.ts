import { describe, expect, test } from 'vitest';
import { situation, unitTurn, type Resume } from '../../../../../lib/refresh/decide/unit-turn.js';
import { action, clusterSnapshot, NEW, OLD, type UnitSpec } from '../support/fixtures.js';
import { startedOf } from '../support/walk.js';

/** Four units, the first `refreshed` of them (highest first) on the new snap. */
const four = (refreshed: number, gates: Record<number, boolean> = {}, started = true): UnitSpec[] =>
  [3, 2, 1, 0].map((n, index) => ({ n, snap: index < refreshed ? NEW.snap : OLD.snap, gate: gates[n] ?? true, started }));

describe('the situation of a unit', () => {
  test.each([
    ['no refresh', 0, [3, 2, 1, 0].map((n) => ({ n, snap: NEW.snap })), 'first', 'none', { kind: 'no-refresh', reason: 'No refresh in progress' }],
    ['another unit is next', 0, four(1), 'first', 'none', { kind: 'another-units-turn', unit: 2 }],
    ['next, refresh not started', 2, four(1, {}, false), 'first', 'none', { kind: 'not-started', highest: 3 }],
    ['next, a unit ahead is unhealthy', 1, four(2, { 3: false }), 'all', 'none', { kind: 'blocked', blocker: 3 }],
    ['next under `first` at index 1: paused', 2, four(1), 'first', 'none', { kind: 'paused' }],
    ['the same with resume-refresh: resumed', 2, four(1), 'first', 'checked', { kind: 'resumed', index: 1 }],
    ['next under `first` at index 2: its own turn', 1, four(2), 'first', 'none', { kind: 'own-turn', index: 2 }],
    ['the highest unit: its own turn', 3, four(0), 'all', 'none', { kind: 'own-turn', index: 0 }],
    ['everyone refreshed', 0, four(4), 'all', 'none', { kind: 'no-refresh', reason: 'No refresh in progress' }],
    ['resume ignoring health, outdated', 0, four(1, { 3: false }, false), 'all', 'unchecked', { kind: 'forced-by-resume' }],
    ['resume ignoring health, already refreshed', 3, four(1), 'all', 'unchecked', { kind: 'already-refreshed' }],
  ] as const)('%s', (_name, self, units, pause, resume, expected) => {
    expect(situation(startedOf(clusterSnapshot({ self, units, pause })), resume as Resume)).toEqual(expected);
  });

  test('a unit that installed its snap in this event does nothing more', () => {
    const state = { ...startedOf(clusterSnapshot({ self: 3, units: four(0), pause: 'none' })), snapEffectUsed: true };
    expect(situation(state, 'none')).toEqual({ kind: 'installed-this-event' });
  });
});

describe('what the unit and resume-refresh do in each situation', () => {
  const turn = (self: number, units: UnitSpec[], pause: string, params?: Record<string, unknown>, effects = {}) =>
    unitTurn(startedOf(clusterSnapshot({ self, units, pause, effects, ...(params === undefined ? {} : { event: action('resume-refresh', params) }) })));

  test.each([
    ['paused, on a hook: waits', 2, four(1), 'first', undefined, 'next', undefined],
    ['resumed: asks for the snap refresh', 2, four(1), 'first', {}, 'need', 'completed'],
    ['own turn on a hook: asks for the snap refresh', 1, four(2), 'first', undefined, 'need', undefined],
    ['own turn with the action: refreshes, the action fails', 1, four(2), 'first', {}, 'need', 'failed'],
    ['pause none: the action is not applicable, the unit refreshes', 2, four(1), 'none', {}, 'need', 'failed'],
    ['another unit next: the action fails, nothing refreshes', 0, four(1), 'first', {}, 'next', 'failed'],
    ['invalid parameters: the action fails, a paused unit still waits', 2, four(1), 'first', { 'check-health-of-refreshed-units': 'x' }, 'next', 'failed'],
  ] as const)('%s', (_name, self, units, pause, params, kind, status) => {
    const step = turn(self, units, pause, params);
    expect(step.kind).toBe(kind);
    if (step.kind === 'need') expect(step.request).toMatchObject({ kind: 'refresh-snap', revision: NEW.snap, install: false });
    expect(step.state.draft.action?.status).toBe(status);
  });

  test.each([
    ['succeeded', { installedRevision: NEW.snap }, NEW.snap, false, 'completed'],
    ['failed: the old revision stays, the action fails', { installedRevision: OLD.snap, error: 'boom' }, OLD.snap, true, 'failed'],
  ] as const)('the snap refresh %s', (_name, snapRefresh, revision, failed, status) => {
    const step = turn(2, four(1), 'first', {}, { snapRefresh });
    expect(step.kind).toBe('next');
    expect(step.state.own.installedSnapRevision).toBe(revision);
    expect(step.state.draft.snapRefreshFailed).toBe(failed);
    expect(step.state.draft.action?.status).toBe(status);
  });
});
