/**
 * The application status the leader shows (reference §1.6), with the quirk fixed:
 * it names `resume-refresh` only on a unit where that action can succeed, and
 * otherwise says what is blocking the refresh.
 */
import { isCompatible } from './compatibility.js';
import type { OriginalVersions } from './databag.js';
import { appStatusText, logText } from './messages.js';
import type { LogLine, PausePolicy, RefreshSpec, Status, InProgress } from './types.js';
import { blockerFor, freshness, needsResume, nextUnit, revisionText, type RefreshView } from './view.js';

export interface AppStatusInput {
  readonly isLeader: boolean;
  readonly appName: string;
  readonly spec: RefreshSpec;
  readonly pause: PausePolicy;
  readonly inProgress: InProgress;
  readonly view: RefreshView;
  readonly started: boolean;
  readonly originals: OriginalVersions | undefined;
  /** This unit's charm version and pinned workload (the "new" side of compatibility). */
  readonly charmVersion: string;
  readonly workloadVersion: string;
  /** The pre-refresh check failed on this unit (the highest) in this event. */
  readonly precheckFailedHere: boolean;
}

/** Computes the leader's app status and the log lines that go with it; `undefined` status: none. */
export const computeAppStatus = (input: AppStatusInput): { status?: Status; log: LogLine[] } => {
  const log: LogLine[] = [];
  if (!input.isLeader) return { log };
  const blocked = (message: string) => ({ status: { name: 'blocked', message } as Status, log });
  const maintenance = (message: string) => ({ status: { name: 'maintenance', message } as Status, log });

  if (input.pause === 'unknown') return blocked(appStatusText.invalidConfig);
  if (input.inProgress === false) return { log };
  const malformed = input.view.units.find((unit) => unit.problems.length > 0);
  if (malformed !== undefined) return blocked(appStatusText.invalidPeerData(malformed.number));
  if (input.inProgress === 'unknown') return maintenance(appStatusText.determining);
  if (input.originals === undefined) return blocked(appStatusText.originalVersionsInvalid);

  const orig = revisionText(input.originals.charmRevision);
  if (!input.started) {
    const verdict = isCompatible(
      {
        oldCharmVersion: input.originals.charmVersion,
        newCharmVersion: input.charmVersion,
        oldWorkloadVersion: input.originals.workload,
        newWorkloadVersion: input.workloadVersion,
      },
      input.spec.isWorkloadCompatible,
    );
    if (!verdict.compatible) {
      log.push({
        level: 'info',
        message:
          `Refresh incompatible because new version of ${input.spec.workloadName} (${input.workloadVersion}) and/or charm ` +
          `(${input.charmVersion}) is not compatible with previous version of ${input.spec.workloadName} ` +
          `(${input.originals.workload}) and/or charm (${input.originals.charmVersion}): ${verdict.reason}`,
      });
      log.push({ level: 'info', message: logText.incompatibleInfo(input.appName) });
      return blocked(appStatusText.incompatible(orig));
    }
  }
  const units = input.view.units;
  if (units.length === 1) return maintenance(appStatusText.singleUnit(orig));

  const next = nextUnit(input.view);
  const highest = units[0];
  if (next === undefined || highest === undefined) return maintenance(appStatusText.determining);
  if (!input.started) {
    return input.precheckFailedHere
      ? blocked(appStatusText.precheckFailedOn(highest.number, orig))
      : maintenance(appStatusText.waitingForStart(highest.number, orig));
  }
  const blocker = blockerFor(input.view, next.index);
  if (blocker !== undefined) {
    return blocker.installedSnapRevision === undefined
      ? maintenance(appStatusText.unitRefreshing(blocker.number, orig))
      : blocked(appStatusText.unhealthy(blocker.number, orig));
  }
  if (freshness(input.view, next.unit) === 'stale') {
    // The next unit has not caught up with this charm code; an action there could not work yet.
    return maintenance(appStatusText.waitingForUnit(next.unit.number, orig));
  }
  if (next.index === 0 && input.pause !== 'none') return maintenance(appStatusText.unitRefreshing(next.unit.number, orig));
  const before = units[next.index - 1];
  if (needsResume(input.pause, next.index) && before !== undefined) {
    return blocked(appStatusText.resumeOn(before.number, next.unit.number, orig));
  }
  return maintenance(appStatusText.pauseHint(input.appName));
};
