/**
 * Refreshing this unit's snap when it is its turn (reference §1.5) and the
 * `resume-refresh` action (§2). Ours: besides the units ahead, every other unit
 * running a snap must have its gate, so at most one workload is down at a time.
 */
import { parseParams, resumeRefreshParams } from './action-params.js';
import type { ActionRecorder, DecisionBuilder } from './builder.js';
import { LOCAL_FILES } from './constants.js';
import { actionText } from './messages.js';
import type { InProgress, PausePolicy } from './types.js';
import { blockerFor, needsResume, nextUnit, type RefreshView } from './view.js';

export interface RefreshUnitInput {
  readonly view: RefreshView;
  readonly inProgress: InProgress;
  readonly started: boolean;
  readonly pause: PausePolicy;
  /** force-refresh-start started the refresh in this event. */
  readonly force: ActionRecorder | undefined;
  /** The snap effect was already used in this event (initial install). */
  readonly snapEffectUsed: boolean;
}

/** Applies a new installed revision to this unit's state (reference §1.3 step 7). */
export const updateSnapRevision = (b: DecisionBuilder, revision: string | null): void => {
  const own = b.own!;
  const pinned = b.pinned!;
  const next = revision ?? undefined;
  if (next === own.installedSnapRevision) return;
  b.log('info', `Snap refreshed to (or installed at) revision ${revision ?? 'None'}`);
  own.gate = false;
  own.installedSnapRevision = next;
  if (next === pinned.snapRevision) {
    own.workloadVersion = pinned.workload;
    b.write(LOCAL_FILES.installedWorkloadVersion, pinned.workload);
    return;
  }
  if (next !== undefined) {
    b.log(
      'warning',
      `Unrecognized snap revision ${next} installed. Expected snap revision ${pinned.snapRevision}. If this unit was ` +
        'previously in error state and that error state was resolved with a `juju refresh`, this situation is expected. ' +
        `However, if the '${pinned.snapName}' snap was refreshed or installed manually, that is not supported.`,
    );
  }
  own.workloadVersion = undefined;
  b.remove(LOCAL_FILES.installedWorkloadVersion);
};

/** Asks for the snap refresh (or uses its result) and records the new revision; true on success. */
const performRefresh = (b: DecisionBuilder, fromTo: string, reason: string): boolean => {
  const pinned = b.pinned!;
  const result = b.need('snapRefresh', {
    kind: 'refresh-snap',
    snapName: pinned.snapName,
    revision: pinned.snapRevision,
    install: false,
  });
  if (result.error !== undefined) b.log('error', `Snap refresh failed: ${result.error}`);
  updateSnapRevision(b, result.installedRevision);
  const ok = result.installedRevision === pinned.snapRevision;
  if (ok) b.log('info', `Refreshed ${fromTo} because ${reason}`);
  else {
    b.log('error', `Failed to refresh ${fromTo}`);
    b.snapRefreshFailed = true;
  }
  return ok;
};

/** Runs the unit-refresh step; may unwind to request `refresh-snap`. */
export const refreshUnit = (b: DecisionBuilder, input: RefreshUnitInput): void => {
  const s = b.snapshot;
  const pinned = b.pinned!;
  const own = b.own!;
  let action: ActionRecorder | undefined = b.action?.name === 'resume-refresh' ? b.action : undefined;
  const parsed = parseParams(resumeRefreshParams, s.event.kind === 'action' ? s.event.params : {});
  if (action !== undefined && !parsed.ok) {
    action.fail(parsed.message);
    action = undefined;
  }
  const checkHealth = parsed.ok ? parsed.value['check-health-of-refreshed-units'] : true;

  if (input.inProgress !== true) {
    action?.fail(input.inProgress === false ? actionText.noRefresh : actionText.determining);
    return;
  }
  if (input.snapEffectUsed) return;
  const self = input.view.units.find((unit) => unit.isSelf)!;
  const installed = own.installedSnapRevision;
  const fromVersion =
    own.workloadVersion === undefined
      ? `snap revision ${installed ?? 'None'}`
      : `${own.workloadVersion} (snap revision ${installed ?? 'None'})`;
  const fromTo = `${s.spec.workloadName} on this unit from ${fromVersion} to ${pinned.workload} (snap revision ${pinned.snapRevision})`;

  if (action !== undefined && !checkHealth) {
    if (installed === pinned.snapRevision) {
      action.fail(actionText.unitAlreadyRefreshed);
      return;
    }
    action.log(actionText.ignoringHealth);
    action.log(actionText.refreshing(self.number));
    const reason = 'resume-refresh action ran with check-health-of-refreshed-units=false';
    b.log('info', `Refreshing ${fromTo} because ${reason}`);
    if (performRefresh(b, fromTo, reason)) action.result(actionText.refreshed(self.number));
    else action.fail(actionText.snapRefreshFailed);
    return;
  }

  const next = nextUnit(input.view);
  if (next === undefined) return;
  if (!next.unit.isSelf) {
    action?.fail(actionText.mustRunOn(next.unit.number));
    return;
  }
  if (input.pause === 'none' && action !== undefined) {
    action.fail(actionText.pauseNone);
    action = undefined;
  }
  if (!input.started) {
    action?.fail(actionText.unhealthy(input.view.units[0]?.number ?? self.number));
    return;
  }
  const blocker = blockerFor(input.view, next.index);
  if (blocker !== undefined) {
    action?.fail(actionText.unhealthy(blocker.number));
    return;
  }
  let reason: string;
  if (needsResume(input.pause, next.index)) {
    if (action === undefined) return;
    reason = 'resume-refresh action ran';
  } else {
    if (action !== undefined) {
      // The unit would refresh anyway: fail so the operator does not credit the action.
      action.fail(actionText.currentlyRefreshing);
      action = undefined;
    }
    reason =
      next.index === 0
        ? 'this unit is the first unit to refresh'
        : `pause-after-unit-refresh config is '${input.pause}'${input.pause === 'first' ? ' and second unit already refreshed' : ''}`;
  }
  if (action !== undefined) {
    action.log(input.pause === 'first' ? actionText.resumedLog(self.number) : actionText.refreshing(self.number));
  }
  input.force?.log(actionText.refreshing(self.number));
  b.log('info', `Refreshing ${fromTo} because ${reason}`);
  if (performRefresh(b, fromTo, reason)) {
    action?.result(input.pause === 'first' ? actionText.resumedResult(self.number) : actionText.refreshed(self.number));
    input.force?.result(actionText.refreshed(self.number));
  } else {
    action?.fail(actionText.snapRefreshFailed);
    input.force?.result(actionText.forceRefreshFailed(self.number));
  }
};
