import { describe, expect, test } from 'vitest';
import { parseParams, forceRefreshStartParams } from '../../../../../lib/refresh/action-params.js';
import { preRefreshCheck } from '../../../../../lib/refresh/decide/assess.js';
import { forceStartRefusal } from '../../../../../lib/refresh/decide/force-start.js';
import { startRefresh } from '../../../../../lib/refresh/decide/start-refresh.js';
import type { UnitView } from '../../../../../lib/refresh/view.js';
import { action, clusterSnapshot, NEW, OLD, type ClusterOptions, type UnitSpec } from '../support/fixtures.js';
import { assessedOf, messages } from '../support/walk.js';

const DEV = { ...NEW, charm: '3.5/1.3.0.post1.dev0+abc.dirty' };
const notStarted: UnitSpec[] = [2, 1, 0].map((n) => ({ n, snap: OLD.snap }));
const unit = (isSelf: boolean): UnitView => ({ name: 'charmed-etcd/2', number: 2, isSelf, gate: true, started: false, problems: [] });
const params = (p: Record<string, unknown>) => parseParams(forceRefreshStartParams, p);

describe('force-refresh-start preconditions', () => {
  test.each([
    ['not the highest unit', unit(false), true, { 'check-compatibility': false }, 'Must run action on unit 2'],
    ['no refresh', unit(true), false, { 'check-compatibility': false }, 'No refresh in progress'],
    ['refresh state unknown', unit(true), 'unknown', { 'check-compatibility': false }, 'Determining if a refresh is in progress. Check `juju status` and consider retrying this action'],
    ['a bad parameter', unit(true), true, { 'check-compatibility': 'no' }, expect.stringMatching(/^Invalid action parameters: check-compatibility/)],
    ['every check on', unit(true), true, {}, expect.stringMatching(/^Must run with at least one of/)],
    ['accepted', unit(true), true, { 'run-pre-refresh-checks': false }, undefined],
  ] as const)('%s', (_name, highest, inProgress, p, refusal) => {
    expect(forceStartRefusal(highest, inProgress, params(p))).toEqual(refusal);
  });
});

describe('start-refresh, by situation (seen from the highest unit, 2)', () => {
  const start = (options: Partial<ClusterOptions>, effects = {}) =>
    startRefresh(assessedOf(clusterSnapshot({ self: 2, units: notStarted, ...options, effects })));

  test.each([
    ['no refresh in progress', { units: [2, 1, 0].map((n) => ({ n, snap: NEW.snap })), original: NEW }, 'next', false, undefined],
    ['code not yet up to date', { codeUpToDate: false }, 'next', false, undefined],
    ['already started', { units: notStarted.map((u) => ({ ...u, started: true })) }, 'next', true, undefined],
    ['original versions missing', { original: 'missing' }, 'next', false, 'original-versions-invalid'],
    ['rollback: started with no checks', { code: OLD, units: [{ n: 2, snap: NEW.snap }, { n: 1, snap: OLD.snap }] }, 'next', true, undefined],
    ['the checks: pre-refresh checks asked for', {}, 'need', false, undefined],
    ['incompatible: not started, checks never run', { code: DEV }, 'next', false, undefined],
  ] as const)('%s', (_name, options, kind, started, outcome) => {
    const step = start(options as Partial<ClusterOptions>);
    expect(step.kind).toBe(kind);
    if (step.kind === 'need') expect(step.request).toEqual({ kind: 'run-pre-refresh-checks' });
    expect(step.state.started).toBe(started);
    expect(step.state.draft.outcome).toBe(outcome);
  });

  test('from a lower unit nothing starts', () => {
    const step = startRefresh(assessedOf(clusterSnapshot({ self: 1, units: notStarted })));
    expect(step).toMatchObject({ kind: 'next', state: { started: false } });
    expect(messages(step.state)).toEqual([]);
  });

  test.each([
    ['passing checks start the refresh', { ok: true }, true, false, undefined],
    ['a failing check blocks this unit', { ok: false, message: 'Backup in progress' }, false, true, 'Rollback with `juju refresh`. Pre-refresh check failed: Backup in progress'],
  ] as const)('%s', (_name, result, started, failedHere, blocked) => {
    const step = start({}, { preRefreshChecks: result });
    expect(step.kind).toBe('next');
    expect(step.state.started).toBe(started);
    expect(step.state.own.started).toBe(started);
    expect(step.state.precheckFailedHere).toBe(failedHere);
    expect(step.state.draft.unitStatusHigh?.message).toBe(blocked);
  });

  test('force-refresh-start skips the named checks and is reported to', () => {
    const step = start({ event: action('force-refresh-start', { 'check-compatibility': false, 'run-pre-refresh-checks': false }), code: DEV });
    expect(step).toMatchObject({ kind: 'next', state: { started: true, forcing: true } });
    expect(step.state.draft.action?.log).toEqual([
      'Checked that refresh is to etcd container version that has been validated to work with the charm revision',
      'Skipping check for compatibility with previous etcd version and charm revision',
      'Skipping pre-refresh checks',
    ]);
  });
});

describe('pre-refresh-check action', () => {
  const run = (options: Partial<ClusterOptions>, effects = {}) =>
    preRefreshCheck(assessedOf(clusterSnapshot({ self: 0, leader: true, units: [1, 0].map((n) => ({ n, snap: NEW.snap })), original: NEW, event: action('pre-refresh-check'), ...options, effects })));
  test.each([
    ['not the leader', { leader: false }, {}, 'next', 'failed'],
    ['a refresh in progress', { units: [{ n: 1, snap: OLD.snap }, { n: 0, snap: NEW.snap }] }, {}, 'next', 'failed'],
    ['idle: the checks are asked for', {}, {}, 'need', 'completed'],
    ['the checks pass', {}, { preRefreshChecks: { ok: true } }, 'next', 'completed'],
    ['the checks fail', {}, { preRefreshChecks: { ok: false, message: 'x' } }, 'next', 'failed'],
  ] as const)('%s', (_name, options, effects, kind, status) => {
    const step = run(options, effects);
    expect(step.kind).toBe(kind);
    expect(step.state.draft.action?.status).toBe(status);
  });
});
