import type { Model } from '../../lib/juju/index.js';
import type { RefreshOutcome } from '../refresh/step.js';
import type { CharmStatus } from './status.js';
import { STATUS, pickStatus } from './status.js';

/**
 * The one place the hook's unit and application statuses are decided.
 * Components (the refresh step, reconcile's steps, teardown) only return
 * candidates; the router hands them here once, at the end of the hook.
 */

/** What the refresh step said about statuses (a part of its {@link RefreshOutcome}). */
type RefreshStatuses = Pick<RefreshOutcome, 'unitStatus' | 'lowPriorityUnitStatus' | 'appStatus' | 'statusCandidate' | 'awaitingUnits'>;

/** The candidates a hook gathered, by the way it ended. */
export type HookStatuses =
  /** reconcile ran: its candidates in priority order, and the leader's cluster-wide app status. */
  | {
      readonly kind: 'reconciled';
      readonly refresh: RefreshStatuses;
      readonly unit: readonly (CharmStatus | undefined)[];
      readonly app?: CharmStatus | undefined;
      readonly isLeader: boolean;
      /** Backups cannot work (s3-credentials): shown after the cluster's own statuses. */
      readonly backup?: CharmStatus | undefined;
    }
  /** The refresh step held the hook back (not ready, or a failed snap refresh). */
  | {
      readonly kind: 'held';
      readonly refresh: RefreshStatuses;
      /** The config is invalid: the operator can fix that now, so it shows first. */
      readonly configProblem?: CharmStatus | undefined;
      readonly hasPeerRelation: boolean;
    }
  /** The unit is being torn down; a removal put off until later says why. */
  | { readonly kind: 'teardown'; readonly deferred?: string | undefined };

/** The statuses to set; undefined leaves the one Juju shows. `app` is set only on the leader. */
export interface ResolvedStatus {
  readonly unit?: CharmStatus | undefined;
  readonly app?: CharmStatus | undefined;
}

/** Picks the unit and app status (pure). */
export function resolveHookStatus(hook: HookStatuses): ResolvedStatus {
  switch (hook.kind) {
    case 'teardown':
      return { unit: hook.deferred === undefined ? undefined : { name: 'waiting', message: hook.deferred } };
    case 'held': {
      const unit = heldUnitStatus(hook.refresh, hook.configProblem, hook.hasPeerRelation);
      return { unit, app: hook.refresh.appStatus ?? unit };
    }
    case 'reconciled': {
      const unit = reconciledUnitStatus(hook.refresh, [...hook.unit, hook.backup]);
      return { unit, app: hook.isLeader ? (hook.refresh.appStatus ?? withBackup(hook.app, hook.backup) ?? unit) : undefined };
    }
  }
}

/** The cluster-wide status, unless the cluster is fine and backups are not: then that. */
const withBackup = (app: CharmStatus | undefined, backup: CharmStatus | undefined): CharmStatus | undefined =>
  backup !== undefined && (app === undefined || (app.name === 'active' && app.message === '')) ? backup : app;

/**
 * The refresh step's high-priority status wins outright; its low-priority one
 * shows only when the charm would otherwise say "active"; else the most severe
 * candidate (the refresh step's own candidate first).
 */
function reconciledUnitStatus(refresh: RefreshStatuses, candidates: readonly (CharmStatus | undefined)[]): CharmStatus {
  if (refresh.unitStatus !== undefined) return refresh.unitStatus;
  const picked = pickStatus([refresh.statusCandidate, ...candidates]);
  if (picked.name === 'active' && picked.message === '' && refresh.lowPriorityUnitStatus !== undefined) return refresh.lowPriorityUnitStatus;
  return picked;
}

/** An invalid config first, then a missing peer relation (while waiting for units), then the refresh step's reason. */
function heldUnitStatus(refresh: RefreshStatuses, configProblem: CharmStatus | undefined, hasPeerRelation: boolean): CharmStatus | undefined {
  if (configProblem !== undefined) return configProblem;
  if (refresh.awaitingUnits === true && !hasPeerRelation) return { name: 'maintenance', message: STATUS.noPeerRelation };
  return refresh.unitStatus ?? refresh.statusCandidate;
}

/** Sets what {@link resolveHookStatus} picked (the app status only on the leader); flushed with the model. */
export async function applyHookStatus(model: Model, resolved: ResolvedStatus): Promise<void> {
  if (resolved.unit !== undefined) model.unitStatus.set(resolved.unit);
  if (resolved.app !== undefined && (await model.isLeader())) model.appStatus.set(resolved.app);
}

/**
 * Shows a status at once, before a long step (the snap install), so the
 * operator sees progress; the hook's resolved status replaces it at the end.
 */
export async function showProgress(model: Model, status: CharmStatus): Promise<void> {
  model.unitStatus.set(status);
  await model.unitStatus.flush();
}
