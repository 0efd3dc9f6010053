/**
 * The machine side of the refresh model: the effects `decide` asks for (pre-refresh
 * checks, health checks, snap installs and refreshes, like the etcd charm performs
 * them) and the invariants checked as they happen and after every step.
 */
import { REFRESH_UNIT_KEYS } from '../../../../../lib/refresh/constants.js';
import type { EffectResults, RefreshEvent, RefreshRequest, SnapRefreshResult } from '../../../../../lib/refresh/types.js';
import { prepareMinorChange } from './etcd-model.js';
import { minorOfSnap, workloadOfSnap } from './releases.js';
import type { RefreshWorld, UnitState } from './world.js';

/** The pause rule as the reference states it, written independently of the library. */
const confirmationNeeded = (pause: string, index: number): boolean => {
  if (index === 0) return false;
  if (pause === 'none') return false;
  if (pause === 'first') return index === 1;
  return true; // 'all' and any invalid value
};

/** Whether `unit`'s workload starts at `snap`: not a broken build, and etcd lets that minor in. */
const canRun = (world: RefreshWorld, unit: UnitState, snap: string): boolean =>
  !world.faults.cannotRun(unit.n, snap) && world.etcd.mayStart(minorOfSnap(snap));

/** Starts the workload at the unit's installed snap. */
const startWorkload = (world: RefreshWorld, unit: UnitState): void => {
  unit.workloadUp = true;
  unit.everUp = true;
  unit.ranMinor = minorOfSnap(unit.snap!);
  world.settleEtcd();
};

export interface Performed {
  readonly effects: EffectResults;
  /** Why the charm refused the snap refresh before stopping anything (the hook does not fail). */
  readonly refused: string | undefined;
}

export const performEffect = (world: RefreshWorld, unit: UnitState, event: RefreshEvent, request: RefreshRequest): Performed => {
  if (request.kind === 'run-pre-refresh-checks') {
    return { effects: { preRefreshChecks: world.faults.precheck() ? { ok: true } : { ok: false, message: 'Cluster is not healthy' } }, refused: undefined };
  }
  if (request.kind === 'check-health-for-gate') {
    // Like etcd's charm: restart a stopped workload, then check health.
    if (!unit.workloadUp && unit.snap !== null && canRun(world, unit, unit.snap)) startWorkload(world, unit);
    let healthy = unit.workloadUp;
    if (healthy && unit.refreshed && !world.faults.health()) {
      // The workload crashed: down until a later health check restarts it.
      unit.workloadUp = false;
      healthy = false;
      world.trace.push(`${unit.name} workload crashed`);
    }
    return { effects: { healthCheck: healthy ? { healthy: true } : { healthy: false, reason: 'health check failed' } }, refused: undefined };
  }
  return refreshSnap(world, unit, event, request.revision, request.install);
};

const refreshSnap = (world: RefreshWorld, unit: UnitState, event: RefreshEvent, revision: string, install: boolean): Performed => {
  const result = (snapRefresh: SnapRefreshResult, refused?: string): Performed => ({ effects: { snapRefresh }, refused });
  let enabledHere = false;
  if (!install) {
    checkRefreshAllowed(world, unit, event);
    const answering = world.members().some((m) => m.up);
    const { refusal, enabled } = prepareMinorChange(world.etcd, unit.everUp && unit.snap !== null ? workloadOfSnap(unit.snap) : undefined, workloadOfSnap(revision), answering);
    enabledHere = enabled;
    if (refusal !== undefined) {
      world.trace.push(`${unit.name} refused snap ${unit.snap} -> ${revision}: ${refusal}`);
      return result({ installedRevision: unit.snap, error: refusal }, refusal);
    }
    checkMinorChange(world, unit, revision);
  }
  const fault = world.faults.snapRefresh();
  world.trace.push(`${unit.name} ${install ? 'install' : 'refresh'} snap ${unit.snap} -> ${revision} (${fault}) etcd ${world.etcd.key()}`);
  if (fault === 'fail-before') {
    // The charm cancels a downgrade it enabled for a refresh that did not happen (src/refresh/callbacks.ts).
    if (enabledHere) world.etcd.downgradeTo = undefined;
    if (unit.snap !== null && canRun(world, unit, unit.snap)) startWorkload(world, unit);
    return result({ installedRevision: unit.snap, error: 'snap refresh failed' });
  }
  unit.refreshed = !install && unit.workloadUp;
  unit.snap = revision;
  unit.workloadUp = false;
  if (fault === 'fail-after') return result({ installedRevision: unit.snap, error: 'workload failed to start' });
  if (canRun(world, unit, revision)) startWorkload(world, unit);
  return result({ installedRevision: unit.snap });
};

/** Invariants at the moment a unit's snap is refreshed. */
const checkRefreshAllowed = (world: RefreshWorld, unit: UnitState, event: RefreshEvent): void => {
  const bypass = event.kind === 'action' && event.name === 'resume-refresh' && event.params['check-health-of-refreshed-units'] === false;
  if (bypass) return;
  const live = world.live();
  const down = live.filter((other) => other !== unit && other.everUp && !other.workloadUp);
  // Refreshing a unit whose workload is already down does not take a second one down.
  if (down.length > 0 && unit.workloadUp) world.violations.push(`${unit.name} refreshed while ${down.map((u) => u.name).join(', ')} down`);
  const order = live.filter((other) => other.joined || other === unit);
  const index = order.indexOf(unit);
  for (const ahead of order.slice(0, index)) {
    if (ahead.bag[REFRESH_UNIT_KEYS.gate] !== 'true') world.violations.push(`${unit.name} refreshed before ${ahead.name} had its gate`);
  }
  const resumed = event.kind === 'action' && event.name === 'resume-refresh';
  if (confirmationNeeded(world.pause, index) && !resumed) {
    world.violations.push(`${unit.name} at index ${index} refreshed without resume-refresh (pause ${world.pause})`);
  }
};

/** Invariants of a snap refresh the charm let through: etcd takes one minor at a time and must start. */
const checkMinorChange = (world: RefreshWorld, unit: UnitState, revision: string): void => {
  const to = minorOfSnap(revision);
  // What counts is the minor that wrote the unit's data, not a snap that never ran.
  if (unit.ranMinor !== undefined && Math.abs(to - unit.ranMinor) > 1) {
    world.violations.push(`${unit.name} refreshed etcd 3.${unit.ranMinor} -> 3.${to}: more than one minor`);
  }
  if (!world.etcd.mayStart(to)) world.violations.push(`${unit.name} refreshed to etcd 3.${to} on cluster version 3.${world.etcd.minor}: etcd will not start`);
};

/** Invariants checked after every step. */
export const checkState = (world: RefreshWorld): void => {
  const live = world.live();
  const down = live.filter((unit) => unit.everUp && !unit.workloadUp);
  if (down.length > 1) world.violations.push(`workloads down at once: ${down.map((u) => u.name).join(', ')}`);
  // Among members only: a unit added mid-refresh installs its code's snap even where etcd will not let it in.
  const minors = live.filter((unit) => unit.ranMinor !== undefined && unit.snap !== null).map((unit) => minorOfSnap(unit.snap!));
  const [high, low] = [Math.max(...minors), Math.min(...minors)];
  if (minors.length > 0 && high - low > 1) world.violations.push(`etcd minors two apart: ${live.map((u) => `${u.name}=${u.snap}`).join(', ')}`);
};
