import { describe, expect, test } from 'vitest';
import { completion } from '../../../../../lib/refresh/decide/completion.js';
import { healthGate } from '../../../../../lib/refresh/decide/health-gate.js';
import { lowPriorityStatus, withStatuses } from '../../../../../lib/refresh/decide/statuses.js';
import type { Started } from '../../../../../lib/refresh/decide/walk.js';
import { clusterSnapshot, NEW, OLD, type ClusterOptions, type UnitSpec } from '../support/fixtures.js';
import { startedOf } from '../support/walk.js';

type Options = Partial<ClusterOptions> & { readonly units: readonly UnitSpec[] };
const of = (options: Options): Started => startedOf(clusterSnapshot({ self: 0, ...options, units: [...options.units] }));
const allNew = [1, 0].map((n) => ({ n, snap: NEW.snap }));

describe('completion', () => {
  test.each([
    ['still in progress', { units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: OLD.snap }], leader: true }, true, false, false],
    ['idle, not the leader', { units: allNew, original: NEW }, false, false, false],
    ['idle, the leader records the originals', { units: allNew, original: NEW, leader: true }, false, false, true],
  ] as const)('%s', (_name, options, inProgress, completed, records) => {
    const state = completion(of(options as Options));
    expect(state.draft.inProgress).toBe(inProgress);
    expect(state.draft.refreshCompleted).toBe(completed);
    expect(state.own.lastCompleted !== undefined).toBe(!inProgress);
    expect(state.draft.originalsToWrite !== undefined).toBe(records);
  });

  test('the event that refreshed the last unit completed the refresh', () => {
    const before = of({ units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: OLD.snap }] });
    const state = completion({ ...before, own: { ...before.own, installedSnapRevision: NEW.snap } });
    expect(state.draft.refreshCompleted).toBe(true);
    expect(state.draft.log.map((l) => l.message)).toContain('Refresh was completed during this event');
  });
});

describe('health gate', () => {
  test.each([
    ['gate already set', { gate: true }, {}, 'next', true, undefined],
    ['no snap: no gate to set', { snap: null, gate: false }, {}, 'next', false, undefined],
    ['gate unset: a health check is asked for', { gate: false }, {}, 'need', false, undefined],
    ['a passing check opens it', { gate: false }, { healthCheck: { healthy: true } }, 'next', true, undefined],
    ['a failing check keeps it shut, with the reason', { gate: false }, { healthCheck: { healthy: false, reason: 'down' } }, 'next', false, 'down'],
  ] as const)('%s', (_name, self: Partial<UnitSpec>, effects, kind, gate, failure) => {
    const state = completion(of({ units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: NEW.snap, ...self }], original: NEW, effects, ...(self.snap === null ? { installed: null } : {}) }));
    const step = healthGate(state);
    expect(step.kind).toBe(kind);
    expect(step.state.own.gate).toBe(gate);
    expect(step.state.draft.healthCheckFailure).toBe(failure);
  });
});

describe('statuses', () => {
  test.each([
    ['idle: none', { units: allNew, original: NEW }, undefined],
    ['outdated snap, workload running', { units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: OLD.snap }] }, { name: 'active', message: 'etcd 3.5.16 running; Snap revision 12 (outdated); Charm revision 150' }],
    ['outdated snap, workload down', { units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: OLD.snap }], workloadRunning: false }, { name: 'waiting', message: 'etcd 3.5.16; Snap revision 12 (outdated); Charm revision 150' }],
    ['code not yet up to date', { units: [{ n: 1, snap: NEW.snap }, { n: 0, snap: OLD.snap }], codeUpToDate: false }, { name: 'maintenance', message: 'Waiting for Juju upgrade-charm or config-changed event. See `juju debug-log`' }],
  ] as const)('lower-priority unit status: %s', (_name, options, status) => {
    expect(lowPriorityStatus(completion(of(options as Options)))).toEqual(status);
  });

  test('the app status replaces an earlier one, and its log lines come only with the final pass', () => {
    const state = of({ units: [{ n: 1, snap: OLD.snap }, { n: 0, snap: OLD.snap }], leader: true, code: { ...NEW, charm: '3.5/1.3.0.post1.dev0+abc.dirty' } });
    const first = withStatuses(state, false);
    expect(first.draft.appStatus?.message).toMatch(/^Refresh incompatible/);
    const final = withStatuses(first, true);
    expect(final.draft.log.length - first.draft.log.length).toBe(2);
  });
});
