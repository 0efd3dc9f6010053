import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { REFRESH_APP_KEYS, REFRESH_UNIT_KEYS } from '../../../../lib/refresh/constants.js';
import { Faults } from './support/faults.js';
import { APP } from './support/fixtures.js';
import { apply, type Move } from './support/moves.js';
import { deploy, describeWorld, finish } from './support/operator.js';
import { RELEASES, type ReleaseName } from './support/releases.js';

// E is the next etcd minor (an upgrade from B, C; B and C are downgrades from it); F is two minors above B.
const targets: readonly ReleaseName[] = ['A', 'B', 'B', 'C', 'D', 'E', 'E', 'F'];

const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('step' as const), unit: fc.nat(9) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('refresh' as const), to: fc.constantFrom(...targets) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('config' as const), value: fc.constantFrom('all', 'first', 'none', 'bogus') }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('operator' as const), rollBack: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('resume' as const), unit: fc.nat(9), checkHealth: fc.constant(true) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('force' as const), param: fc.constantFrom('check-compatibility' as const, 'run-pre-refresh-checks' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('add-unit' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove-unit' as const), unit: fc.nat(9) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('leader' as const), unit: fc.nat(9) }) },
);

describe('refresh core over event interleavings (2-5 units)', () => {
  test('deploy settles with every unit on the pinned snap, gates set and original versions written', () => {
    for (const size of [1, 2, 3, 5]) {
      const world = deploy(size, RELEASES.A);
      expect(world.violations).toEqual([]);
      expect(world.completed()).toBe(true);
      for (const unit of world.live()) {
        expect(unit.snap).toBe(RELEASES.A.snap);
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
        // Deployed on 3.5.16 (below the 3.6 floor), 3.5.30 or 3.6.13 (so a downgrade is one refresh away).
        fc.constantFrom<ReleaseName>('A', 'B', 'E'),
        fc.array(move, { maxLength: 80 }),
        fc.record({
          snap: fc.array(fc.constantFrom('ok' as const, 'ok' as const, 'fail-before' as const, 'fail-after' as const), { maxLength: 12 }),
          health: fc.array(fc.boolean(), { maxLength: 30 }),
          precheck: fc.array(fc.boolean(), { maxLength: 6 }),
          broken: fc.option(fc.record({ unit: fc.nat(5), snap: fc.constantFrom('11', '13', '14') }), { nil: undefined }),
        }),
        (size, release, moves, faults) => {
          const world = deploy(size, RELEASES[release]);
          // A unit broken on the release it runs could not be rescued by any rollback.
          world.faults = new Faults(faults.broken?.snap === RELEASES[release].snap ? { ...faults, broken: undefined } : faults);
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
