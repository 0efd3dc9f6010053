/**
 * Every interleaving of the refresh model for 2 and 3 units, breadth-first to a
 * bounded depth (REFRESH_DEPTH; by default 5 for 2 units, 4 for 3), each distinct state checked once
 * (support/state-key.ts). Moves: each pending unit's next event (also with a
 * failing snap refresh, health check or pre-refresh check in it), `juju refresh`
 * to each release, the pause config values, the operator following the app
 * status with and without rollback, resume-refresh on each unit and
 * force-refresh-start. No scaling or leader changes: the random exploration
 * has those, for up to 5 units.
 */
import { describe, expect, test } from 'vitest';
import { REFRESH_UNIT_KEYS } from '../../../../lib/refresh/constants.js';
import { assertClean, explore, type Exploration, type Node, type Root } from './support/explore.js';
import { deploy, finish } from './support/operator.js';
import { minorOfSnap, RELEASES } from './support/releases.js';
import { stateKey } from './support/state-key.js';

// CPU time: 2 units to depth 5 ~3 s; 3 units to depth 4 ~2 s, to depth 5 ~7 s. REFRESH_DEPTH sets both.
const depthFor = (size: number): number => Number(process.env.REFRESH_DEPTH ?? (size === 2 ? 5 : 4));
// finish() costs about as much as expanding a state, so it runs on a sample of the deepest states.
const FINISH_SAMPLE = Number(process.env.REFRESH_FINISH ?? 500);
const PAUSES = ['first', 'none', 'all'];

const roots = (size: number): Root[] => [
  // 3.5.30: E (3.6) is the minor upgrade, B its rollback; F (3.7), forced past the compatibility check, the charm refuses.
  { world: deploy(size, RELEASES.B), moves: { releases: ['B', 'E', 'F'], pauses: PAUSES, faults: true } },
  // 3.6.13: B and C (which never starts) are one-minor-down downgrades, E the rollback.
  { world: deploy(size, RELEASES.E), moves: { releases: ['B', 'C', 'E'], pauses: PAUSES, faults: true } },
];

/** The situations the search must reach, so that a pruned or broken enumerator shows. */
const SITUATIONS = {
  'minor upgrade under way': (n: Node) => n.world.deployed.revision === RELEASES.E.revision && minors(n).has(5) && minors(n).has(6),
  'downgrade under way': (n: Node) => n.world.etcd.downgradeTo === 5 && n.world.deployed.revision !== RELEASES.E.revision,
  'rollback half-way through a downgrade': (n: Node) => n.world.etcd.downgradeTo === 5 && n.world.deployed.revision === RELEASES.E.revision,
  'skip to 3.7 refused by the charm': (n: Node) => n.world.live().some((u) => u.refusal !== undefined),
  'downgrade completed': (n: Node) => n.root === 1 && n.world.etcd.minor === 5 && n.world.etcd.downgradeTo === undefined && n.world.completed(),
} as const;

const minors = (n: Node): Set<number> => new Set(n.world.live().flatMap((u) => (u.snap === null ? [] : [minorOfSnap(u.snap)])));

/** The operator follows the status until complete, from every `stride`-th deepest state (a fixed sample). */
const finishSample = (result: Exploration): number => {
  const stride = Math.max(1, Math.ceil(result.deepest.length / FINISH_SAMPLE));
  let finished = 0;
  for (let i = 0; i < result.deepest.length; i += stride) {
    const node = result.deepest[i]!;
    const world = node.world.clone();
    world.trace.length = 0;
    finish(world);
    assertClean(world, node.path, 'reached, then the operator followed the status until complete, from the state reached');
    finished += 1;
  }
  return finished;
};

describe('refresh core over every interleaving to a bounded depth (2 and 3 units)', () => {
  test.each([2, 3])('%i units: invariants hold in every state reached, and refreshes complete from the deepest', (size) => {
    const depth = depthFor(size);
    const started = performance.now();
    const seen = new Map<string, number>();
    const result = explore(roots(size), depth, (node) => {
      for (const [name, holds] of Object.entries(SITUATIONS)) if (holds(node)) seen.set(name, (seen.get(name) ?? 0) + 1);
    });
    const finished = finishSample(result);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${size} units: ${result.states} distinct states checked to depth ${result.levels.length - 1} ` +
        `(new per level: ${result.levels.join(', ')}); finish() from ${finished} of the ${result.deepest.length} deepest; ${seconds} s\n` +
        Object.keys(SITUATIONS).map((name) => `  ${name}: ${seen.get(name) ?? 0} states`).join('\n'),
    );
    // The depth is reached (nothing ran dry) and the counts are far from what a broken enumerator gives.
    expect(result.levels.length - 1).toBe(depth);
    if (depth >= 3) expect(result.states).toBeGreaterThan(100);
    if (depth >= 4) for (const name of Object.keys(SITUATIONS)) expect(seen.get(name) ?? 0, name).toBeGreaterThan(0);
  }, 180_000);
});

describe('the exploration machinery', () => {
  test('clone() is deep: the copy moves on, the original stays as it was', () => {
    const world = deploy(3, RELEASES.E);
    world.jujuRefresh(RELEASES.B);
    const before = stateKey(world);
    const copy = world.clone();
    finish(copy);
    expect(stateKey(copy)).not.toBe(before);
    expect(stateKey(world)).toBe(before);
    expect(world.etcd.key()).toBe('6/-');
    // The same moves from equal states reach equal states.
    finish(world);
    expect(stateKey(world)).toBe(stateKey(copy));
  });

  test('the state key ignores a shift of the clock but not a change of state', () => {
    const early = deploy(2, RELEASES.B);
    const late = deploy(2, RELEASES.B);
    late.tick();
    late.drain();
    expect(late.clock).toBeGreaterThan(early.clock);
    for (const world of [early, late]) {
      world.jujuRefresh(RELEASES.E);
      world.drain();
    }
    expect(stateKey(late)).toBe(stateKey(early));
    late.live()[0]!.bag[REFRESH_UNIT_KEYS.gate] = 'false';
    expect(stateKey(late)).not.toBe(stateKey(early));
  });
});
