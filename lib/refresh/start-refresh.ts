/**
 * Starting the refresh on the highest unit (reference §1.4) and the
 * `force-refresh-start` action (§2): rollback detection, then the compatibility
 * and pre-refresh checks, any of which the action may skip.
 */
import { forceRefreshStartParams, parseParams, type ForceRefreshStartParams } from './action-params.js';
import type { ActionRecorder, DecisionBuilder } from './builder.js';
import { isCompatible } from './compatibility.js';
import { LOCAL_FILES } from './constants.js';
import { parseOriginalVersions } from './databag.js';
import { actionText, appStatusText, logText, unitStatusText } from './messages.js';
import type { InProgress } from './types.js';
import { charmhubRevision, type RefreshView } from './view.js';

export interface StartRefreshInput {
  readonly view: RefreshView;
  readonly inProgress: InProgress;
  readonly started: boolean;
  readonly codeUpToDate: boolean;
}

export interface StartRefreshOutput {
  readonly started: boolean;
  /** The force action, when it started the refresh (it reports the unit's snap refresh). */
  readonly force?: ActionRecorder;
  readonly precheckFailedHere: boolean;
}

/** Describes charm code for log lines: `revision 143 (3.6/1.21.0)` or `3.6/1.21.0`. */
export const describeCharm = (jujuCharm: string, charmVersion: string): string => {
  const revision = charmhubRevision(jujuCharm);
  return revision === undefined ? charmVersion : `revision ${revision} (${charmVersion})`;
};

/** Runs start-refresh for this event; may unwind to request `run-pre-refresh-checks`. */
export const startRefresh = (b: DecisionBuilder, input: StartRefreshInput): StartRefreshOutput => {
  const s = b.snapshot;
  const pinned = b.pinned!;
  const own = b.own!;
  const highest = input.view.units[0];
  let started = input.started;
  const unchanged = { started, precheckFailedHere: false };

  let force: ActionRecorder | undefined;
  let params: ForceRefreshStartParams | undefined;
  if (b.action?.name === 'force-refresh-start') {
    const action = b.action;
    const parsed = parseParams(forceRefreshStartParams, s.event.kind === 'action' ? s.event.params : {});
    if (highest === undefined || !highest.isSelf) action.fail(actionText.mustRunOn(highest?.number ?? -1));
    else if (input.inProgress === false) action.fail(actionText.noRefresh);
    else if (input.inProgress === 'unknown') action.fail(actionText.determining);
    else if (!parsed.ok) action.fail(parsed.message);
    else if (
      parsed.value['check-compatibility'] &&
      parsed.value['run-pre-refresh-checks'] &&
      parsed.value['check-workload-container']
    ) {
      action.fail(actionText.forceNeedsFalse);
    } else {
      force = action;
      params = parsed.value;
    }
  }

  if (input.inProgress !== true || highest === undefined || !highest.isSelf) return unchanged;
  if (!input.codeUpToDate) {
    force?.fail(actionText.waitingForUpgradeCharm);
    return unchanged;
  }

  const workload = s.spec.workloadName;
  if (!started) {
    const originals = parseOriginalVersions(s.peer?.app ?? {});
    if (originals === undefined) {
      b.outcome = 'original-versions-invalid';
      b.unitStatusHigh = { name: 'blocked', message: appStatusText.originalVersionsInvalid };
      b.log('error', appStatusText.originalVersionsInvalid);
      force?.fail(appStatusText.originalVersionsInvalid);
      return unchanged;
    }
    if (originals.charmVersion === pinned.charm) {
      b.log(
        'info',
        `Rollback detected. Automatic refresh checks skipped. Refresh started. Rolling back to ${workload} ` +
          `${pinned.workload} (snap revision ${pinned.snapRevision}) and charm ${describeCharm(s.charm.jujuCharm, pinned.charm)}`,
      );
      started = true;
      own.started = true;
      b.write(LOCAL_FILES.refreshStarted);
    }
    if (!started) {
      return runChecks(b, force, params, originals);
    }
  }
  force?.fail(actionText.alreadyRefreshed(highest.number));
  return { started, precheckFailedHere: false };
};

const runChecks = (
  b: DecisionBuilder,
  force: ActionRecorder | undefined,
  params: ForceRefreshStartParams | undefined,
  originals: NonNullable<ReturnType<typeof parseOriginalVersions>>,
): StartRefreshOutput => {
  const s = b.snapshot;
  const pinned = b.pinned!;
  const workload = s.spec.workloadName;
  const fromTo =
    `from ${workload} ${originals.workload} (snap revision ${originals.workloadContainer}) and charm ` +
    `${describeCharm(originals.charmRevision, originals.charmVersion)} to ${workload} ${pinned.workload} ` +
    `(snap revision ${pinned.snapRevision}) and charm ${describeCharm(s.charm.jujuCharm, pinned.charm)}` +
    (params === undefined
      ? ''
      : `. force-refresh-start action ran with ${Object.entries(params)
          .filter(([, value]) => !value)
          .map(([key]) => `${key}=false`)
          .join(' ')}`);
  b.log('info', `Attempting to start refresh ${fromTo}`);
  const failed = { started: false, precheckFailedHere: false };

  // Machines cannot choose another snap than the pinned one: the container check always passes.
  if (params !== undefined && !params['check-workload-container']) force?.log(actionText.skippedContainer(workload));
  else force?.log(actionText.checkedContainer(workload));

  if (params !== undefined && !params['check-compatibility']) {
    force?.log(actionText.skippedCompatibility(workload));
  } else {
    const verdict = isCompatible(
      {
        oldCharmVersion: originals.charmVersion,
        newCharmVersion: pinned.charm,
        oldWorkloadVersion: originals.workload,
        newWorkloadVersion: pinned.workload,
      },
      s.spec.isWorkloadCompatible,
    );
    if (!verdict.compatible) {
      b.log('info', `Refresh incompatible: ${verdict.reason}`);
      force?.fail(actionText.incompatible);
      return failed;
    }
    force?.log(actionText.checkedCompatibility(workload));
  }

  if (params !== undefined && !params['run-pre-refresh-checks']) {
    force?.log(actionText.skippedPrechecks);
  } else {
    force?.log(actionText.runningPrechecks);
    const result = b.need('preRefreshChecks', { kind: 'run-pre-refresh-checks' });
    if (!result.ok) {
      b.unitStatusHigh = { name: 'blocked', message: unitStatusText.precheckFailed(result.message) };
      b.log('error', logText.precheckFailedError(result.message, s.appName));
      force?.fail(actionText.precheckFailed(result.message));
      return { started: false, precheckFailedHere: true };
    }
    force?.log(actionText.prechecksSuccessful);
  }
  b.log(
    'info',
    `Automatic checks succeeded${force === undefined ? '' : ' or skipped'}. Refresh started. Refreshing ${workload} on this unit. Refresh is ${fromTo}`,
  );
  b.own!.started = true;
  b.write(LOCAL_FILES.refreshStarted);
  return { started: true, ...(force === undefined ? {} : { force }), precheckFailedHere: false };
};
