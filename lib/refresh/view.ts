/**
 * One unit's view of the refresh: every unit's validated databag in refresh order
 * (highest unit number first), and the questions the algorithm asks of it:
 * is a databag current, is a refresh in progress, which unit goes next and what
 * stops it. Pure functions over plain data.
 */
import type { HistoryEntry } from './databag.js';
import type { CharmCodeHistory } from './history.js';
import type { InProgress, PausePolicy } from './types.js';

export interface UnitView {
  readonly name: string;
  readonly number: number;
  readonly isSelf: boolean;
  readonly installedSnapRevision?: string;
  readonly gate: boolean;
  readonly started: boolean;
  readonly lastRefresh?: HistoryEntry;
  /** Validation problems in this unit's databag (never set for this unit itself). */
  readonly problems: readonly string[];
}

export interface RefreshView {
  /** Sorted by unit number, highest first: the refresh order. */
  readonly units: readonly UnitView[];
  /** Snap revision pinned by this unit's charm code. */
  readonly pinnedRevision: string;
  /** This unit's `.juju-charm` contents. */
  readonly jujuCharm: string;
  readonly history: CharmCodeHistory;
}

export { unitNumber } from '../juju/unit-name.js';

/** Units sorted into refresh order: highest unit number first. */
export const inRefreshOrder = <T extends { readonly number: number }>(units: readonly T[]): T[] =>
  [...units].sort((a, b) => b.number - a.number);

export type Freshness = 'current' | 'stale' | 'unknown';

/**
 * Whether another unit's databag reflects its state under the current charm code
 * (reference §1.3 "Databag freshness"). `unknown` right after install or scale-up,
 * when this unit has no second-to-last refresh to compare with.
 */
export const freshness = (view: RefreshView, unit: UnitView): Freshness => {
  if (unit.isSelf) return 'current';
  if (unit.problems.length > 0 || unit.lastRefresh === undefined) return 'stale';
  if (unit.lastRefresh.charm_revision !== view.jujuCharm) return 'stale';
  const secondToLast = view.history.secondToLast;
  if (secondToLast === null) return 'unknown';
  return secondToLast.time_of_refresh < unit.lastRefresh.time_of_refresh ? 'current' : 'stale';
};

/** Current or (assumed current) unknown. */
const isCurrent = (view: RefreshView, unit: UnitView): boolean => freshness(view, unit) !== 'stale';

/** A unit runs the pinned snap and its databag says so reliably. */
export const isUpToDate = (view: RefreshView, unit: UnitView): boolean =>
  unit.installedSnapRevision === view.pinnedRevision && isCurrent(view, unit);

/** The unit's gate can be trusted to be set. */
export const hasGate = (unit: UnitView): boolean => unit.gate && unit.problems.length === 0;

/**
 * TRUE when any unit runs another snap than this unit's pin; UNKNOWN when some
 * databag may be stale (or unreadable); FALSE otherwise. Units without a snap
 * are ignored (initial install, scale-up).
 */
export const determineInProgress = (view: RefreshView): InProgress => {
  let unknown = false;
  for (const unit of view.units) {
    if (unit.problems.length > 0) {
      unknown = true;
      continue;
    }
    if (unit.installedSnapRevision === undefined) continue;
    if (unit.installedSnapRevision !== view.pinnedRevision) return true;
    if (!isCurrent(view, unit)) unknown = true;
  }
  return unknown ? 'unknown' : false;
};

export interface NextUnit {
  readonly unit: UnitView;
  readonly index: number;
}

/**
 * The unit that refreshes next: normally the first unit in order that is not up
 * to date. Ours: if a unit that still needs refreshing has its gate unset (its
 * workload is down or unhealthy, as after a failed refresh before a rollback), it
 * goes first, so that refreshing another unit never takes a second workload down.
 */
export const nextUnit = (view: RefreshView): NextUnit | undefined => {
  let first: NextUnit | undefined;
  for (const [index, unit] of view.units.entries()) {
    if (isUpToDate(view, unit)) continue;
    first ??= { unit, index };
    if (unit.installedSnapRevision !== undefined && !hasGate(unit)) return { unit, index };
  }
  return first;
};

/**
 * The first unit, in order, that stops the unit at `index` from refreshing: a unit
 * ahead of it without a snap or without its gate, or (ours) a unit behind it that
 * runs a snap without its gate, so that refreshing never takes a second workload
 * down. A unit whose own gate is unset is down already and may go regardless of
 * the units behind it.
 */
export const blockerFor = (view: RefreshView, index: number): UnitView | undefined => {
  const candidate = view.units[index];
  const candidateUp = candidate !== undefined && candidate.installedSnapRevision !== undefined && hasGate(candidate);
  return view.units.find((unit, i) => {
    if (i === index) return false;
    if (i < index) return unit.installedSnapRevision === undefined || !hasGate(unit);
    // An unreadable databag may hide a downed workload: wait for it too.
    return candidateUp && (unit.installedSnapRevision !== undefined || unit.problems.length > 0) && !hasGate(unit);
  });
};

/** Whether the unit at `index` needs `resume-refresh` under the pause policy (by position). */
export const needsResume = (pause: PausePolicy, index: number): boolean =>
  ((pause === 'all' || pause === 'unknown') && index !== 0) || (pause === 'first' && index === 1);

export const parsePausePolicy = (value: string | undefined): PausePolicy =>
  value === 'all' || value === 'first' || value === 'none' ? value : 'unknown';

/** `ch:amd64/noble/charmed-etcd-143` -> `143`; local charms have no Charmhub revision. */
export const charmhubRevision = (jujuCharm: string): string | undefined =>
  jujuCharm.startsWith('ch:') ? jujuCharm.slice(jujuCharm.lastIndexOf('-') + 1) : undefined;

/** As the Python library prints a missing revision. */
export const revisionText = (jujuCharm: string): string => charmhubRevision(jujuCharm) ?? 'None';
