/**
 * What can happen next in the refresh model, shared by the random and the
 * exhaustive exploration. Units are named by position (a pending unit among
 * pending(), a live unit among live()), so a random index works as well as an
 * enumerated one.
 */
import { LOCAL_FILES, REFRESH_UNIT_KEYS } from '../../../../../lib/refresh/constants.js';
import type { OneShot } from './faults.js';
import { followStatus } from './operator.js';
import { RELEASES, type ReleaseName } from './releases.js';
import { eventText as queuedText } from './juju.js';
import type { QueuedEvent, RefreshWorld } from './world.js';

export type StepFault = 'health' | 'fail-before' | 'fail-after' | 'precheck';
export type ForceParam = 'check-compatibility' | 'run-pre-refresh-checks';

export type Move =
  /** The next queued event of a pending unit, optionally with one failure in it. */
  | { kind: 'step'; unit: number; fault?: StepFault }
  | { kind: 'refresh'; to: ReleaseName }
  | { kind: 'config'; value: string }
  /** The operator waits until every agent is idle, then does what the app status says. */
  | { kind: 'operator'; rollBack: boolean }
  | { kind: 'resume'; unit: number; checkHealth: boolean }
  | { kind: 'force'; param: ForceParam }
  /** Time passes: update-status on every unit. */
  | { kind: 'tick' }
  | { kind: 'add-unit' }
  | { kind: 'remove-unit'; unit: number }
  | { kind: 'leader'; unit: number };

const ONE_SHOT: Record<StepFault, OneShot> = {
  health: { health: false },
  'fail-before': { snap: 'fail-before' },
  'fail-after': { snap: 'fail-after' },
  precheck: { precheck: false },
};

const pick = <T>(items: readonly T[], index: number): T | undefined => items[index % Math.max(items.length, 1)];

export const apply = (world: RefreshWorld, m: Move): void => {
  const live = world.live();
  switch (m.kind) {
    case 'step': {
      const unit = pick(world.pending(), m.unit);
      if (!unit) return;
      if (m.fault !== undefined) world.faults.once = { ...ONE_SHOT[m.fault] };
      world.step(unit);
      world.checkState();
      return;
    }
    case 'refresh':
      world.jujuRefresh(RELEASES[m.to]);
      return;
    case 'config':
      world.configure(m.value);
      return;
    case 'operator':
      world.drain();
      follow(world, m.rollBack);
      return;
    case 'resume': {
      const unit = pick(live, m.unit);
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
    case 'tick':
      world.tick();
      return;
    case 'add-unit':
      if (live.length < 5) world.addUnit();
      return;
    case 'remove-unit': {
      const unit = pick(live, m.unit);
      if (unit && live.length > 2) world.removeUnit(unit.name);
      return;
    }
    case 'leader': {
      const unit = pick(live, m.unit);
      if (unit) world.setLeader(unit.name);
      return;
    }
  }
};

/** The operator's part of an 'operator' move, once every agent is idle. */
export const follow = (world: RefreshWorld, rollBack: boolean): void => {
  followStatus(world, rollBack);
  world.checkState();
};

/** Whether following the status with rollback differs from following it without. */
export const rollbackOffered = (world: RefreshWorld): boolean => {
  const revision = /`juju refresh --revision (\w+)`/.exec(world.appStatus?.message ?? '')?.[1];
  return revision !== undefined && revision !== String(world.deployed.revision);
};

const eventText = (event: QueuedEvent | undefined): string => (event === undefined ? 'nothing' : queuedText(event));

/** The move in words, read before it is applied (for a failing path). */
export const describeMove = (world: RefreshWorld, m: Move): string => {
  switch (m.kind) {
    case 'step': {
      const unit = pick(world.pending(), m.unit);
      const fault = m.fault === undefined ? '' : ` [${m.fault} fails]`;
      return `${unit?.name ?? '?'}: ${eventText(unit?.queue[0])}${fault}`;
    }
    case 'refresh':
      return `juju refresh --revision ${RELEASES[m.to].revision} (${m.to})`;
    case 'config':
      return `juju config pause-after-unit-refresh=${m.value}`;
    case 'operator':
      return `operator drains, then follows "${world.appStatus?.message ?? ''}"${m.rollBack ? ' (rolling back)' : ''}`;
    case 'resume':
      return `juju run ${pick(world.live(), m.unit)?.name ?? '?'} resume-refresh check-health-of-refreshed-units=${m.checkHealth}`;
    case 'force':
      return `juju run ${world.live()[0]?.name ?? '?'} force-refresh-start ${m.param}=false`;
    default:
      return m.kind;
  }
};

export interface Enumeration {
  /** `juju refresh` targets besides the deployed one. */
  readonly releases: readonly ReleaseName[];
  readonly pauses: readonly string[];
  readonly faults: boolean;
}

/**
 * Every move that can change the state now. Fault variants of a step, and
 * force-refresh-start, are offered only where they can be used (the rest would
 * only reach states already seen): a snap fault where the unit's snap is not the
 * one its (next) code pins, a health fault where a refreshed unit may be checked,
 * a failing pre-refresh check where the highest unit may start a refresh.
 */
export const enabledMoves = (world: RefreshWorld, options: Enumeration): Move[] => {
  const moves: Move[] = [];
  const live = world.live();
  const highest = live[0];
  // The highest unit may start a refresh (pre-refresh checks, force-refresh-start): not started, and another snap around.
  const mayStart =
    highest !== undefined && !highest.files.has(LOCAL_FILES.refreshStarted) && live.some((unit) => unit.snap !== null && unit.snap !== highest.code.snap);
  world.pending().forEach((unit, index) => {
    moves.push({ kind: 'step', unit: index });
    if (!options.faults) return;
    const next = unit.queue[0];
    // The core puts the new code in place at `juju refresh`, ahead of upgrade-charm.
    const snapMayChange = unit.code.snap !== unit.snap;
    // Not 'fail-after': the health check restarts the workload in the same event, as after a good refresh.
    if (snapMayChange) moves.push({ kind: 'step', unit: index, fault: 'fail-before' });
    // Health faults hit refreshed units only, and only a unit whose gate is shut is checked.
    const gateShut = unit.bag[REFRESH_UNIT_KEYS.gate] !== 'true';
    if (snapMayChange || (unit.refreshed && unit.workloadUp && gateShut)) moves.push({ kind: 'step', unit: index, fault: 'health' });
    if (unit === highest && (mayStart || next?.name === 'upgrade-charm')) moves.push({ kind: 'step', unit: index, fault: 'precheck' });
  });
  for (const to of options.releases) if (RELEASES[to].revision !== world.deployed.revision) moves.push({ kind: 'refresh', to });
  // One config change at a time: piling up config-changed events only multiplies interleavings.
  const configPending = live.some((unit) => unit.queue.some((event) => event.name === 'config-changed'));
  if (!configPending) for (const value of options.pauses) if (value !== world.pause) moves.push({ kind: 'config', value });
  moves.push({ kind: 'operator', rollBack: false }, { kind: 'operator', rollBack: true });
  live.forEach((_, unit) => moves.push({ kind: 'resume', unit, checkHealth: true }));
  if (mayStart) moves.push({ kind: 'force', param: 'check-compatibility' }, { kind: 'force', param: 'run-pre-refresh-checks' });
  if (world.quiescent()) moves.push({ kind: 'tick' });
  return moves;
};
