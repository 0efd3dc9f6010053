import { describe, expect, test } from 'vitest';
import { action, clusterSnapshot, NEW, OLD, refreshRequests, decideUntilQuiet, type UnitSpec } from './support/fixtures.js';

const DEV = { ...NEW, charm: '3.5/1.3.0.post1.dev0+abc.dirty' };
const notStarted = (): UnitSpec[] => [2, 1, 0].map((n) => ({ n, snap: OLD.snap }));
const settled = (units: UnitSpec[]): UnitSpec[] => units.map((u) => ({ ...u, snap: NEW.snap }));

describe('pre-refresh-check', () => {
  const idle = settled(notStarted());
  const run = (options: { leader?: boolean; pause?: string; units?: UnitSpec[]; ok?: boolean }) =>
    decideUntilQuiet(
      clusterSnapshot({
        self: 0,
        leader: options.leader ?? true,
        units: options.units ?? idle,
        original: NEW,
        pause: options.pause ?? 'first',
        event: action('pre-refresh-check'),
      }),
      { prechecks: () => (options.ok === false ? { ok: false, message: 'Backup in progress' } : { ok: true }) },
    );

  test('fails on a non-leader, first', () => {
    expect(run({ leader: false, units: notStarted() }).decision.action).toMatchObject({
      status: 'failed',
      message: 'Must run action on leader unit. (e.g. `juju run charmed-etcd/leader pre-refresh-check`)',
    });
  });

  test('fails while a refresh is in progress or may be', () => {
    expect(run({ units: notStarted() }).decision.action?.message).toBe('Refresh already in progress');
    const stale = [{ n: 1, snap: NEW.snap, code: OLD, codeTime: 900 }, { n: 0, snap: NEW.snap }];
    expect(run({ units: stale }).decision.action?.message).toBe('Refresh already in progress');
  });

  test('fails when the charm is not ready', () => {
    expect(run({ ok: false }).decision.action).toEqual({
      status: 'failed',
      message: 'Charm is not ready for refresh. Pre-refresh check failed: Backup in progress',
      results: {},
      log: [],
    });
  });

  test.each([
    ['first', 'The refresh will pause for your manual confirmation after the first unit refreshes'],
    ['all', 'The refresh will pause for your manual confirmation after each unit refreshes'],
    ['bogus', 'The refresh will pause for your manual confirmation after each unit refreshes'],
    ['none', 'The refresh will not pause for your manual confirmation'],
  ])('succeeds with the rollback command and the pause policy (%s)', (pause, sentence) => {
    const outcome = run({ pause }).decision.action;
    expect(outcome?.status).toBe('completed');
    expect(outcome?.results).toEqual({
      result:
        'Charm is ready for refresh. For refresh instructions, see https://charmhub.io/charmed-etcd/docs/refresh/3.5/1.3.0\n\n' +
        'After the refresh has started, use this command to rollback:\n`juju refresh charmed-etcd --revision 150`\n\n' +
        `${sentence}. To change this, set the \`pause-after-unit-refresh\` config option. Run \`juju config charmed-etcd\` for more information`,
    });
  });
});

describe('force-refresh-start', () => {
  const force = (params: Record<string, unknown>, options: Parameters<typeof clusterSnapshot>[0]) =>
    decideUntilQuiet(clusterSnapshot({ ...options, event: action('force-refresh-start', params) }), {});
  const skipCompat = { 'check-compatibility': false };

  test.each([
    ['not the highest unit', { self: 1, units: notStarted() }, skipCompat, 'Must run action on unit 2'],
    ['no refresh', { self: 2, units: settled(notStarted()), original: NEW }, skipCompat, 'No refresh in progress'],
    [
      'refresh state unknown',
      { self: 2, units: [{ n: 2, snap: NEW.snap }, { n: 1, snap: NEW.snap, code: OLD, codeTime: 900 }] },
      skipCompat,
      'Determining if a refresh is in progress. Check `juju status` and consider retrying this action',
    ],
    [
      'every check still on',
      { self: 2, units: notStarted() },
      {},
      'Must run with at least one of `check-compatibility`, `run-pre-refresh-checks`, or `check-workload-container` parameters `=false`',
    ],
    [
      'code not up to date',
      { self: 2, units: notStarted(), codeUpToDate: false },
      skipCompat,
      'This unit is waiting for a Juju upgrade-charm or config-changed event. See `juju debug-log`',
    ],
    ['already started', { self: 2, units: notStarted().map((u) => ({ ...u, started: true })) }, skipCompat, 'Unit 2 already refreshed'],
    ['rollback', { self: 2, code: OLD, units: [{ n: 2, snap: NEW.snap }, { n: 1, snap: OLD.snap }] }, skipCompat, 'Unit 2 already refreshed'],
  ])('fails: %s', (_name, options, params, message) => {
    const outcome = force(params, options as Parameters<typeof clusterSnapshot>[0]).decision.action;
    expect(outcome?.status).toBe('failed');
    expect(outcome?.message).toBe(message);
  });

  test('an incompatible refresh fails with the compatibility check on', () => {
    const outcome = force({ 'run-pre-refresh-checks': false }, { self: 2, code: DEV, units: notStarted() }).decision.action;
    expect(outcome).toEqual({
      status: 'failed',
      message: 'Refresh incompatible. Rollback with `juju refresh`',
      results: {},
      log: ['Checked that refresh is to etcd container version that has been validated to work with the charm revision'],
    });
  });

  test('check-compatibility=false forces an incompatible refresh and refreshes within the action', () => {
    const result = force(skipCompat, { self: 2, code: DEV, units: notStarted() });
    expect(result.decision.action).toEqual({
      status: 'completed',
      results: { result: 'Refreshed unit 2' },
      log: [
        'Checked that refresh is to etcd container version that has been validated to work with the charm revision',
        'Skipping check for compatibility with previous etcd version and charm revision',
        'Running pre-refresh checks',
        'Pre-refresh checks successful',
        'Refreshing unit 2',
      ],
    });
    expect(refreshRequests(result)).toHaveLength(1);
  });

  test('a failing pre-refresh check fails the action', () => {
    const outcome = decideUntilQuiet(
      clusterSnapshot({ self: 2, units: notStarted(), event: action('force-refresh-start', { 'check-workload-container': false }) }),
      { prechecks: () => ({ ok: false, message: 'Restore in progress' }) },
    ).decision.action;
    expect(outcome?.status).toBe('failed');
    expect(outcome?.message).toBe('Pre-refresh check failed: Restore in progress. Rollback with `juju refresh`');
    expect(outcome?.log[0]).toBe(
      'Skipping check that refresh is to etcd container version that has been validated to work with the charm revision',
    );
  });

  test('run-pre-refresh-checks=false skips the checks', () => {
    const result = force({ 'run-pre-refresh-checks': false }, { self: 2, units: notStarted() });
    expect(result.requests.map((r) => r.kind)).not.toContain('run-pre-refresh-checks');
    expect(result.decision.action?.log).toContain('Skipping pre-refresh checks');
    expect(result.decision.action?.results).toEqual({ result: 'Refreshed unit 2' });
  });

  test('a failed snap refresh still starts the refresh', () => {
    const result = decideUntilQuiet(
      clusterSnapshot({ self: 2, units: notStarted(), event: action('force-refresh-start', { 'run-pre-refresh-checks': false }) }),
      { refresh: () => ({ installedRevision: OLD.snap, error: 'store unreachable' }) },
    );
    expect(result.decision.action).toMatchObject({
      status: 'completed',
      results: { result: 'Refresh started. Failed to refresh unit 2. Unit 2 will retry refresh on the next Juju event' },
    });
    expect(result.decision.files).toContainEqual({ op: 'write', name: 'machines_refresh_started', content: '' });
  });
});

describe('resume-refresh', () => {
  const units = (refreshed: number, gates: Record<number, boolean> = {}, started = true): UnitSpec[] =>
    [3, 2, 1, 0].map((n, index) => ({ n, snap: index < refreshed ? NEW.snap : OLD.snap, gate: gates[n] ?? true, started }));
  const resume = (
    self: number,
    unitSpecs: UnitSpec[],
    pause = 'first',
    params: Record<string, unknown> = {},
    refreshOk = true,
  ) =>
    decideUntilQuiet(clusterSnapshot({ self, units: unitSpecs, pause, event: action('resume-refresh', params) }), {
      refresh: (request) => ({ installedRevision: refreshOk ? request.revision : OLD.snap, ...(refreshOk ? {} : { error: 'boom' }) }),
    });

  test('fails when no refresh is in progress or it is unknown', () => {
    expect(resume(0, units(4), 'first', {}).decision.action?.message).toBe('No refresh in progress');
    const stale = [{ n: 1, snap: NEW.snap, code: OLD, codeTime: 900 }, { n: 0, snap: NEW.snap }];
    expect(resume(0, stale).decision.action?.message).toBe(
      'Determining if a refresh is in progress. Check `juju status` and consider retrying this action',
    );
  });

  test.each([
    ['on the wrong unit', 1, units(1), 'first', 'Must run action on unit 2'],
    ['with pause none', 2, units(1), 'none', '`pause-after-unit-refresh` config is set to `none`. This action is not applicable.'],
    ['before the refresh started', 2, units(1, {}, false), 'first', 'Unit 3 is unhealthy. Refresh will not resume.'],
    ['after an unhealthy unit', 1, units(2, { 3: false }), 'all', 'Unit 3 is unhealthy. Refresh will not resume.'],
    ['on a unit that refreshes anyway', 1, units(2), 'first', 'Unit is currently refreshing'],
  ])('fails %s', (_name, self, unitSpecs, pause, message) => {
    expect(resume(self, unitSpecs, pause).decision.action?.message).toBe(message);
  });

  test('a unit that would refresh anyway still refreshes after failing the action', () => {
    expect(refreshRequests(resume(1, units(2), 'first'))).toHaveLength(1);
    expect(refreshRequests(resume(2, units(1), 'none'))).toHaveLength(1);
  });

  test('first: resumes the refresh', () => {
    const outcome = resume(2, units(1), 'first').decision.action;
    expect(outcome).toEqual({
      status: 'completed',
      results: { result: 'Refresh resumed. Unit 2 has refreshed' },
      log: ['Refresh resumed. Refreshing unit 2'],
    });
  });

  test('all: refreshes the next unit', () => {
    const outcome = resume(1, units(2), 'all').decision.action;
    expect(outcome).toEqual({ status: 'completed', results: { result: 'Refreshed unit 1' }, log: ['Refreshing unit 1'] });
  });

  test('a failed snap refresh fails the action', () => {
    expect(resume(2, units(1), 'first', {}, false).decision.action?.message).toBe(
      'Failed to refresh snap. Check the error message in `juju debug-log` and then consider retrying this action',
    );
  });

  describe('check-health-of-refreshed-units=false', () => {
    const noCheck = { 'check-health-of-refreshed-units': false };
    test('refreshes any outdated unit, ignoring order, gates and start', () => {
      const result = resume(0, units(1, { 3: false }, false), 'all', noCheck);
      expect(result.decision.action).toEqual({
        status: 'completed',
        results: { result: 'Refreshed unit 0' },
        log: ['Ignoring health of refreshed units', 'Refreshing unit 0'],
      });
    });
    test('even bypasses a failed compatibility check', () => {
      const result = decideUntilQuiet(
        clusterSnapshot({ self: 2, code: DEV, units: [2, 1, 0].map((n) => ({ n, snap: OLD.snap })), event: action('resume-refresh', noCheck) }),
      );
      expect(result.decision.action?.results).toEqual({ result: 'Refreshed unit 2' });
    });
    test('fails on a refreshed unit and when the snap refresh fails', () => {
      expect(resume(3, units(1), 'all', noCheck).decision.action?.message).toBe('Unit already refreshed');
      expect(resume(0, units(1), 'all', noCheck, false).decision.action?.message).toBe(
        'Failed to refresh snap. Check the error message in `juju debug-log` and then consider retrying this action',
      );
    });
  });
});

describe('pause policy by position (4 units, every unit ahead refreshed and healthy)', () => {
  const cases = ['all', 'first', 'none', 'bogus'].flatMap((pause) => [0, 1, 2, 3].map((index) => [pause, index] as const));
  const needsResume = (pause: string, index: number) =>
    index !== 0 && (pause === 'all' || pause === 'bogus' || (pause === 'first' && index === 1));

  test.each(cases)('%s, index %i: refreshes on its own only when no confirmation is needed', (pause, index) => {
    const self = 3 - index;
    const unitSpecs = [3, 2, 1, 0].map((n, i) => ({ n, snap: i < index ? NEW.snap : OLD.snap, started: true }));
    const onHook = decideUntilQuiet(clusterSnapshot({ self, units: unitSpecs, pause }));
    expect(refreshRequests(onHook).length).toBe(needsResume(pause, index) ? 0 : 1);

    const onResume = decideUntilQuiet(clusterSnapshot({ self, units: unitSpecs, pause, event: action('resume-refresh') }));
    expect(refreshRequests(onResume)).toHaveLength(1);
    expect(onResume.decision.action?.status).toBe(needsResume(pause, index) ? 'completed' : 'failed');
  });

  test('a refreshed unit without its gate pauses the refresh whatever the policy', () => {
    for (const pause of ['all', 'first', 'none']) {
      const unitSpecs = [3, 2, 1, 0].map((n, i) => ({ n, snap: i < 2 ? NEW.snap : OLD.snap, started: true, gate: n !== 2 }));
      expect(refreshRequests(decideUntilQuiet(clusterSnapshot({ self: 1, units: unitSpecs, pause })))).toHaveLength(0);
    }
  });
});
