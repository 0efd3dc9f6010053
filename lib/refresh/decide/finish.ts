/** Turns the draft a walk stopped with into the `RefreshDecision` the adapter applies. */
import { REFRESH_UNIT_KEYS } from '../constants.js';
import { bagChanges, originalVersionsValues } from '../databag.js';
import type { RefreshDecision, RefreshRequest, RefreshSnapshot } from '../types.js';
import type { Draft, OwnState } from './draft.js';

/**
 * `own` is undefined when the walk stopped before the peer relation was read:
 * the unit databag is then left alone, as it is while the unit tears down.
 */
export const finish = (s: RefreshSnapshot, d: Draft, own: OwnState | undefined, request?: RefreshRequest): RefreshDecision => {
  const ownRaw = s.peer?.units[s.unitName] ?? {};
  const unitBag =
    own === undefined || d.outcome === 'unit-tearing-down'
      ? {}
      : bagChanges(ownRaw, {
          [REFRESH_UNIT_KEYS.started]: own.started,
          [REFRESH_UNIT_KEYS.lastRefresh]: own.lastRefresh,
          [REFRESH_UNIT_KEYS.installedSnapRevision]: own.installedSnapRevision,
          [REFRESH_UNIT_KEYS.gate]: own.gate,
          ...(own.lastCompleted === undefined ? {} : { [REFRESH_UNIT_KEYS.lastCompleted]: own.lastCompleted }),
        });
  const appBag =
    d.originalsToWrite === undefined || !s.isLeader ? {} : bagChanges(s.peer?.app ?? {}, originalVersionsValues(d.originalsToWrite));
  const action = d.action === undefined ? undefined : actionOutcome(d.action);
  return {
    files: d.files,
    unitBag,
    appBag,
    ...(d.applicationVersion === undefined ? {} : { applicationVersion: d.applicationVersion }),
    ...(d.unitStatusHigh === undefined ? {} : { unitStatusHigh: d.unitStatusHigh }),
    ...(d.unitStatusLow === undefined ? {} : { unitStatusLow: d.unitStatusLow }),
    ...(d.appStatus === undefined ? {} : { appStatus: d.appStatus }),
    log: d.log,
    ...(action === undefined ? {} : { action }),
    inProgress: d.inProgress,
    refreshCompletedThisEvent: d.refreshCompleted,
    ...(d.outcome === undefined ? {} : { outcome: d.outcome }),
    ...(request === undefined ? {} : { request }),
    gate: own?.gate ?? false,
    ...(d.healthCheckFailure === undefined ? {} : { healthCheckFailure: d.healthCheckFailure }),
    snapRefreshFailed: d.snapRefreshFailed,
    ...(d.pinned === undefined
      ? {}
      : { pinned: { snapName: d.pinned.snapName, snapRevision: d.pinned.snapRevision, workload: d.pinned.workload } }),
  };
};

// The action's name is ours; the decision carries Juju's outcome shape only.
const actionOutcome = ({ name: _name, ...outcome }: NonNullable<Draft['action']>): RefreshDecision['action'] => outcome;
