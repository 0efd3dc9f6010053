/**
 * Step 12, starting the refresh on the highest unit (reference §1.4): a
 * rollback starts with no checks; otherwise the automatic checks run, any of
 * which `force-refresh-start` may skip. Only the highest unit, with the
 * up-to-date code, while a refresh is in progress and not yet started.
 */
import type { ForceRefreshStartParams } from '../action-params.js';
import { isCompatible } from '../compatibility.js';
import { LOCAL_FILES } from '../constants.js';
import { parseOriginalVersions, type OriginalVersions } from '../databag.js';
import { actionText, appStatusText, logText, unitStatusText } from '../messages.js';
import { describeCharm } from './describe.js';
import { actionLog, failAction, log, writeFile, type Draft } from './draft.js';
import { acceptForceStart } from './force-start.js';
import { need, next, type Step } from './step.js';
import { viewOf, withDraft, type Assessed, type Started } from './walk.js';

export const startRefresh = (a: Assessed): Step<Started> => {
  const highest = viewOf(a).units[0];
  const forced = acceptForceStart(a, highest);
  const base: Started = { ...a, draft: forced.draft, forcing: false, precheckFailedHere: false };
  // The force action's own failures, only once it was accepted.
  const failForce = (state: Started, message: string): Started =>
    forced.params === undefined ? state : withDraft(state, failAction(state.draft, message));

  if (a.inProgress !== true || highest === undefined || !highest.isSelf) return next(base);
  if (!a.code.codeUpToDate) return next(failForce(base, actionText.waitingForUpgradeCharm));
  if (a.started) return next(failForce(base, actionText.alreadyRefreshed(highest.number)));
  const originals = parseOriginalVersions(a.s.peer?.app ?? {});
  if (originals === undefined) return next(failForce(originalVersionsInvalid(base), appStatusText.originalVersionsInvalid));
  if (originals.charmVersion === a.code.pinned.charm) return next(failForce(rollback(base), actionText.alreadyRefreshed(highest.number)));
  return automaticChecks(base, forced.params, originals);
};

/** Refreshing from a pre-v3 charm (or a lost app databag): nothing can say what to roll back to. */
export const originalVersionsInvalid = (state: Started): Started => {
  const draft = { ...state.draft, outcome: 'original-versions-invalid' as const, unitStatusHigh: { name: 'blocked' as const, message: appStatusText.originalVersionsInvalid } };
  return withDraft(state, log(draft, 'error', appStatusText.originalVersionsInvalid));
};

/** Back on the original charm version: start at once, with no checks. */
export const rollback = (state: Started): Started => {
  const { pinned, charmText } = state.code;
  const message =
    `Rollback detected. Automatic refresh checks skipped. Refresh started. Rolling back to ${state.s.spec.workloadName} ` +
    `${pinned.workload} (snap revision ${pinned.snapRevision}) and charm ${charmText}`;
  return markStarted(withDraft(state, log(state.draft, 'info', message)));
};

const markStarted = (state: Started): Started => ({
  ...state,
  started: true,
  own: { ...state.own, started: true },
  draft: writeFile(state.draft, LOCAL_FILES.refreshStarted),
});

const fromToText = (state: Started, originals: OriginalVersions, params: ForceRefreshStartParams | undefined): string => {
  const workload = state.s.spec.workloadName;
  const { pinned, charmText } = state.code;
  const skipped =
    params === undefined
      ? ''
      : `. force-refresh-start action ran with ${Object.entries(params)
          .filter(([, value]) => !value)
          .map(([key]) => `${key}=false`)
          .join(' ')}`;
  return (
    `from ${workload} ${originals.workload} (snap revision ${originals.workloadContainer}) and charm ` +
    `${describeCharm(originals.charmRevision, originals.charmVersion)} to ${workload} ${pinned.workload} ` +
    `(snap revision ${pinned.snapRevision}) and charm ${charmText}${skipped}`
  );
};

/**
 * The workload-container check (it always passes on machines: the pin is the only snap),
 * compatibility and the pre-refresh checks, in that order; the force action may skip each.
 */
export const automaticChecks = (
  state: Started,
  params: ForceRefreshStartParams | undefined,
  originals: OriginalVersions,
): Step<Started> => {
  const forcing = params !== undefined;
  const workload = state.s.spec.workloadName;
  const fromTo = fromToText(state, originals, params);
  // Lines for the force action only (a no-op on a hook or another action).
  const forceLog = (d: Draft, line: string): Draft => (forcing ? actionLog(d, line) : d);
  let draft = log(state.draft, 'info', `Attempting to start refresh ${fromTo}`);
  draft = forceLog(draft, params?.['check-workload-container'] === false ? actionText.skippedContainer(workload) : actionText.checkedContainer(workload));

  if (params?.['check-compatibility'] === false) draft = forceLog(draft, actionText.skippedCompatibility(workload));
  else {
    const verdict = isCompatible(
      {
        oldCharmVersion: originals.charmVersion,
        newCharmVersion: state.code.pinned.charm,
        oldWorkloadVersion: originals.workload,
        newWorkloadVersion: state.code.pinned.workload,
      },
      state.s.spec.isWorkloadCompatible,
    );
    if (!verdict.compatible) {
      draft = log(draft, 'info', `Refresh incompatible: ${verdict.reason}`);
      return next(withDraft(state, forcing ? failAction(draft, actionText.incompatible) : draft));
    }
    draft = forceLog(draft, actionText.checkedCompatibility(workload));
  }

  if (params?.['run-pre-refresh-checks'] === false) draft = forceLog(draft, actionText.skippedPrechecks);
  else {
    draft = forceLog(draft, actionText.runningPrechecks);
    const result = state.s.effects.preRefreshChecks;
    if (result === undefined) return need(withDraft(state, draft), { kind: 'run-pre-refresh-checks' });
    if (!result.ok) {
      draft = log({ ...draft, unitStatusHigh: { name: 'blocked', message: unitStatusText.precheckFailed(result.message) } }, 'error', logText.precheckFailedError(result.message, state.s.appName));
      if (forcing) draft = failAction(draft, actionText.precheckFailed(result.message));
      return next({ ...state, draft, precheckFailedHere: true });
    }
    draft = forceLog(draft, actionText.prechecksSuccessful);
  }
  draft = log(draft, 'info', `Automatic checks succeeded${forcing ? ' or skipped' : ''}. Refresh started. Refreshing ${workload} on this unit. Refresh is ${fromTo}`);
  return next({ ...markStarted(withDraft(state, draft)), forcing });
};
