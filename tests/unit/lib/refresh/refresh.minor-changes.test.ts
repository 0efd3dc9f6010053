/**
 * The refresh model across etcd minors, one scenario at a time: what the
 * explorations rely on (an upgrade, a downgrade, a rollback half-way through
 * one, a refused skip), and the two charm-side gaps the exhaustive exploration
 * found, closed: a third release mid-refresh that would skip a minor, and a
 * downgrade left enabled by a removed unit.
 */
import { describe, expect, test } from 'vitest';
import { apply } from './support/moves.js';
import { deploy, describeWorld, finish } from './support/operator.js';
import { RELEASES } from './support/releases.js';
import type { RefreshWorld } from './support/world.js';

const snaps = (world: RefreshWorld): (string | null)[] => world.live().map((unit) => unit.snap);
const clean = (world: RefreshWorld): void => expect(world.violations, describeWorld(world)).toEqual([]);

/** Steps the highest unit until its snap refresh has been attempted. */
const refreshHighest = (world: RefreshWorld, fault?: 'fail-before'): void => {
  const highest = world.live()[0]!;
  for (let i = 0; i < 10 && !world.trace.some((line) => line.startsWith(`${highest.name} refresh snap`)); i += 1) {
    apply(world, { kind: 'step', unit: world.pending().indexOf(highest), ...(fault === undefined ? {} : { fault }) });
  }
  expect(world.trace.some((line) => line.startsWith(`${highest.name} refresh snap`)), describeWorld(world)).toBe(true);
};

describe('refresh across etcd minors', () => {
  test('3.5.30 -> 3.6.13 upgrades every unit; etcd raises the cluster version once all run 3.6', () => {
    const world = deploy(3, RELEASES.B);
    world.jujuRefresh(RELEASES.E);
    refreshHighest(world);
    expect(world.etcd.key()).toBe('5/-'); // a mixed cluster stays at the lowest minor
    finish(world);
    clean(world);
    expect(snaps(world)).toEqual([RELEASES.E.snap, RELEASES.E.snap, RELEASES.E.snap]);
    expect(world.etcd.key()).toBe('6/-');
  });

  test('3.5.16 -> 3.6.13 is refused by the charm (below the 3.5.26 floor): nothing refreshes', () => {
    const world = deploy(2, RELEASES.A);
    world.jujuRefresh(RELEASES.E);
    world.drain();
    clean(world);
    expect(world.appStatus?.message).toContain('Refresh incompatible');
    expect(snaps(world)).toEqual([RELEASES.A.snap, RELEASES.A.snap]);
  });

  test('3.6.13 -> 3.5.30 enables etcd downgrade before the first unit goes down; etcd ends it when all run 3.5', () => {
    const world = deploy(3, RELEASES.E);
    world.jujuRefresh(RELEASES.B);
    refreshHighest(world);
    expect(world.etcd.key()).toBe('5/5');
    finish(world);
    clean(world);
    expect(snaps(world)).toEqual([RELEASES.B.snap, RELEASES.B.snap, RELEASES.B.snap]);
    expect(world.etcd.key()).toBe('5/-');
  });

  test('a rollback half-way through a downgrade cancels it; the cluster version rises again', () => {
    const world = deploy(3, RELEASES.E);
    world.jujuRefresh(RELEASES.B);
    refreshHighest(world);
    expect(snaps(world)).toEqual([RELEASES.B.snap, RELEASES.E.snap, RELEASES.E.snap]);
    world.jujuRefresh(RELEASES.E);
    finish(world);
    clean(world);
    expect(snaps(world)).toEqual([RELEASES.E.snap, RELEASES.E.snap, RELEASES.E.snap]);
    expect(world.etcd.key()).toBe('6/-');
  });

  test('3.5 -> 3.7 forced past the compatibility check is refused by the charm; the unit stays up on 3.5', () => {
    const world = deploy(2, RELEASES.B);
    world.jujuRefresh(RELEASES.F);
    world.drain();
    expect(world.appStatus?.message).toContain('Refresh incompatible');
    world.runAction(world.live()[0]!.name, 'force-refresh-start', { 'check-compatibility': false });
    const highest = world.live()[0]!;
    expect(highest.snap).toBe(RELEASES.B.snap);
    expect(highest.workloadUp).toBe(true);
    expect(highest.refusal).toBe('Cannot refresh to etcd 3.7.0: this unit runs etcd 3.5.30; etcd changes one minor at a time');
    finish(world); // the operator sees the blocked unit and rolls back
    clean(world);
    expect(snaps(world)).toEqual([RELEASES.B.snap, RELEASES.B.snap]);
  });
});

describe('gaps the exhaustive exploration found, closed', () => {
  test('mid-refresh 3.6 -> 3.7, a refresh to 3.5 is refused on the unit already on 3.7; the operator rolls back to 3.6', () => {
    const world = deploy(2, RELEASES.E);
    world.jujuRefresh(RELEASES.F);
    refreshHighest(world); // the first unit refreshes on its own: now on 3.7
    world.jujuRefresh(RELEASES.B); // judged from the originals (3.6.13 -> 3.5.30: a supported downgrade)
    world.drain();
    const highest = world.live()[0]!;
    expect(highest.snap).toBe(RELEASES.F.snap);
    expect(highest.workloadUp).toBe(true);
    expect(highest.refusal).toBe('Cannot refresh to etcd 3.5.30: this unit runs etcd 3.7.0; etcd changes one minor at a time');
    expect(world.etcd.key()).toBe('6/-'); // refused before etcd's downgrade was touched
    finish(world); // the operator sees the blocked unit and rolls back to the original 3.6
    clean(world);
    expect(snaps(world)).toEqual([RELEASES.E.snap, RELEASES.E.snap]);
  });

  test('a snap refresh that fails after the unit enabled the etcd downgrade cancels it, so a rollback completes clean', () => {
    const world = deploy(2, RELEASES.E);
    world.jujuRefresh(RELEASES.B);
    refreshHighest(world, 'fail-before');
    expect(world.etcd.key()).toBe('6/-');
    world.jujuRefresh(RELEASES.E);
    finish(world);
    clean(world);
    expect(snaps(world)).toEqual([RELEASES.E.snap, RELEASES.E.snap]);
  });

  test('the downgraded unit is removed before the rollback reaches it: the leader cancels the downgrade no unit carries out', () => {
    const world = deploy(3, RELEASES.E);
    world.jujuRefresh(RELEASES.C); // a 3.5 release whose workload never starts
    refreshHighest(world);
    expect(world.etcd.key()).toBe('5/5');
    world.jujuRefresh(RELEASES.E);
    world.removeUnit(world.live()[0]!.name);
    finish(world);
    clean(world); // finish() counts a downgrade left enabled once every member is up as a violation
    expect(snaps(world)).toEqual([RELEASES.E.snap, RELEASES.E.snap]);
    expect(world.trace.some((line) => line.includes('cancelled an etcd downgrade no unit carries out')), describeWorld(world)).toBe(true);
    expect(world.etcd.key()).toBe('6/-');
  });
});
