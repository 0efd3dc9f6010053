import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { REFRESH_APP_KEYS, REFRESH_UNIT_KEYS } from '../../../../lib/refresh/constants.js';
import { APP } from './support/fixtures.js';
import { Faults, followStatus, RELEASES, RefreshWorld } from './support/world.js';

type Move =
  | { kind: 'step'; unit: number }
  | { kind: 'refresh'; to: keyof typeof RELEASES }
  | { kind: 'config'; value: string }
  | { kind: 'operator'; rollBack: boolean }
  | { kind: 'resume'; unit: number; checkHealth: boolean }
  | { kind: 'force'; param: 'check-compatibility' | 'run-pre-refresh-checks' }
  | { kind: 'add-unit' }
  | { kind: 'remove-unit'; unit: number }
  | { kind: 'leader'; unit: number };

const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('step' as const), unit: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refresh' as const), to: fc.constantFrom('A', 'B', 'B', 'C', 'D') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('config' as const), value: fc.constantFrom('all', 'first', 'none', 'bogus') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('operator' as const), rollBack: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), unit: fc.nat(9), checkHealth: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('force' as const), param: fc.constantFrom('check-compatibility' as const, 'run-pre-refresh-checks' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add-unit' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-unit' as const), unit: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leader' as const), unit: fc.nat(9) }) },
);

const deploy = (size: number): RefreshWorld => {
  const world = new RefreshWorld(size, RELEASES.A!, new Faults());
  world.drain();
  return world;
};

const apply = (world: RefreshWorld, m: Move): void => {
  const live = world.live();
  switch (m.kind) {
    case 'step': {
      const pending = world.pending();
      const unit = pending[m.unit % Math.max(pending.length, 1)];
      if (unit) world.step(unit);
      world.checkState();
      return;
    }
    case 'refresh':
      world.jujuRefresh(RELEASES[m.to]!);
      return;
    case 'config':
      world.configure(m.value);
      return;
    case 'operator':
      // The operator waits until every agent is idle, then does what the app status says.
      world.drain();
      followStatus(world, m.rollBack);
      world.checkState();
      return;
    case 'resume': {
      const unit = live[m.unit % live.length];
      if (unit) world.runAction(unit.name, 'resume-refresh', { 'check-health-of-refreshed-units': m.checkHealth });
      world.checkState();
      return;
    }
    case 'force': {
      const highest = live[0];
      if (highest) world.runAction(highest.name, 'force-refresh-start', { [m.param]: false });
      world.checkState();
      return;
    }
    case 'add-unit':
      if (live.length < 5) world.addUnit();
      return;
    case 'remove-unit': {
      const unit = live[m.unit % live.length];
      if (unit && live.length > 2) world.removeUnit(unit.name);
      return;
    }
    case 'leader': {
      const unit = live[m.unit % live.length];
      if (unit) world.setLeader(unit.name);
      return;
    }
  }
};

/** The operator keeps following the status (and time passes) until the refresh or rollback completes. */
const finish = (world: RefreshWorld): void => {
  world.faults.enabled = false;
  let idle = 0;
  for (let round = 0; round < 60; round += 1) {
    world.drain();
    if (world.completed() && world.appStatus === undefined) return;
    if (followStatus(world, false)) {
      idle = 0;
      continue;
    }
    world.tick();
    idle += 1;
    if (idle >= 2 && followStatus(world, true)) idle = 0;
    if (idle > 4) break;
  }
  world.violations.push(`did not complete: app status ${JSON.stringify(world.appStatus)}`);
};

const describeWorld = (world: RefreshWorld): string =>
  [
    ...world.trace.slice(-60),
    ...world.live().map((u) => `${u.name} code=${u.code.revision} snap=${u.snap} up=${u.workloadUp} bag=${JSON.stringify(u.bag)}`),
  ].join('\n');

describe('refresh core over event interleavings (2-5 units)', () => {
  test('deploy settles with every unit on the pinned snap, gates set and original versions written', () => {
    for (const size of [1, 2, 3, 5]) {
      const world = deploy(size);
      expect(world.violations).toEqual([]);
      expect(world.completed()).toBe(true);
      for (const unit of world.live()) {
        expect(unit.snap).toBe(RELEASES.A!.snap);
        expect(unit.bag[REFRESH_UNIT_KEYS.gate]).toBe('true');
      }
      expect(world.appBag[REFRESH_APP_KEYS.charmRevision]).toBe(JSON.stringify(`ch:amd64/noble/${APP}-1`));
      expect(world.appStatus).toBeUndefined();
    }
  });

  test('invariants hold and every refresh or rollback completes when the operator follows the status', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 5 }),
        fc.array(move, { maxLength: 80 }),
        fc.record({
          snap: fc.array(fc.constantFrom('ok' as const, 'ok' as const, 'fail-before' as const, 'fail-after' as const), { maxLength: 12 }),
          health: fc.array(fc.boolean(), { maxLength: 30 }),
          precheck: fc.array(fc.boolean(), { maxLength: 6 }),
          broken: fc.option(fc.record({ unit: fc.nat(5), snap: fc.constantFrom('11', '13') }), { nil: undefined }),
        }),
        (size, moves, faults) => {
          const world = deploy(size);
          world.faults = new Faults(faults);
          for (const m of moves) apply(world, m);
          finish(world);
          if (world.violations.length > 0) {
            throw new Error(`${world.violations.join('\n')}\n--- trace ---\n${describeWorld(world)}`);
          }
        },
      ),
      { numRuns: Number(process.env.REFRESH_RUNS ?? 300) },
    );
    // 300 explorations take ~10 s on a quiet machine; leave room for a busy one.
  }, 120_000);
});
