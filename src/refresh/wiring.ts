import { z } from 'zod';
import type { Model } from '../../lib/juju/index.js';
import { createJujuRefreshIO, REFRESH_ACTIONS, runRefresh } from '../../lib/refresh/index.js';
import type { RefreshEvent, RefreshRun, RefreshSpec, Status } from '../../lib/refresh/index.js';
import { SNAP_NAME } from '../etcd/paths.js';
import { isEtcdWorkloadCompatible } from './compat.js';
import type { RefreshNotes } from './callbacks.js';
import { createRefreshCallbacks } from './callbacks.js';
import type { CharmStatus } from '../charm/status.js';
import type { RefreshOutcome, RefreshStep } from './step.js';
import { STATUS } from '../charm/status.js';

/** The etcd-specific facts the refresh library needs. */
export const ETCD_REFRESH_SPEC: RefreshSpec = {
  workloadName: 'etcd',
  charmName: SNAP_NAME,
  isWorkloadCompatible: isEtcdWorkloadCompatible,
};

/** Juju truncates longer status messages. */
const MAX_STATUS = 120;

/** lib/refresh's statuses are Juju's shape already; copied so the charm owns its values. */
const toCharmStatus = (status: Status | undefined): CharmStatus | undefined =>
  status === undefined ? undefined : { name: status.name, message: status.message };

const isRefreshAction = (name: string): boolean => (REFRESH_ACTIONS as readonly string[]).includes(name);

/** This event as the library sees it; action params are read only for its own actions. */
async function refreshEvent(model: Model): Promise<RefreshEvent> {
  const event = model.context.event;
  if (event.kind === 'action') {
    const params = isRefreshAction(event.name) && model.action !== undefined ? await model.action.params(z.record(z.string(), z.unknown())) : {};
    return { kind: 'action', name: event.name, params };
  }
  const departing = event.relation?.departingUnit;
  return { kind: 'hook', name: event.name, ...(departing === undefined ? {} : { departingUnit: departing }) };
}

/**
 * The refresh step of the etcd charm: runs lib/refresh for this event with
 * the SDK-bound IO and the etcd callbacks, answers the refresh actions, and
 * tells the rest of the hook what to show and whether to go on.
 */
export const etcdRefreshStep: RefreshStep = async ({ scope, tools }) => {
  const { model } = scope;
  const notes: RefreshNotes = {};
  const io = createJujuRefreshIO({
    model,
    tools,
    log: scope.log,
    architecture: await scope.effects.architecture(),
    now: () => scope.effects.now(),
  });
  const event = await refreshEvent(model);
  const run = await runRefresh({ io, callbacks: createRefreshCallbacks(scope, notes), spec: ETCD_REFRESH_SPEC, event });
  if (run.action !== undefined) await reportAction(model, run, notes);
  return outcomeOf(run, notes);
};

async function reportAction(model: Model, run: RefreshRun, notes: RefreshNotes): Promise<void> {
  const action = model.action;
  const outcome = run.action;
  if (action === undefined || outcome === undefined) return;
  for (const line of outcome.log) await action.log(line);
  const results: Record<string, string> = { ...outcome.results };
  // The restore point a passing pre-refresh check saved on this unit.
  if (notes.snapshot !== undefined) results['snapshot'] = notes.snapshot;
  if (notes.backupId !== undefined) results['backup-id'] = notes.backupId;
  if (Object.keys(results).length > 0) action.setResults(results);
  if (outcome.status === 'failed') {
    action.fail(notes.refusal === undefined ? (outcome.message ?? 'failed') : notes.refusal);
  }
}

/** Maps the library's run onto what the charm shows and does next (pure). */
export function outcomeOf(run: RefreshRun, notes: RefreshNotes): RefreshOutcome {
  const decision = run.decision;
  const refused = notes.refusal === undefined ? undefined : ({ name: 'blocked', message: notes.refusal.slice(0, MAX_STATUS) } as const);
  const unitStatus = toCharmStatus(run.unitStatusHigh) ?? refused;
  let statusCandidate: CharmStatus | undefined;
  let failHook: string | undefined;
  if (decision.snapRefreshFailed && notes.waiting !== undefined) {
    // etcd accepted the downgrade but is not there yet: nothing stopped; Juju retries the hook.
    statusCandidate = { name: 'maintenance', message: notes.waiting.slice(0, MAX_STATUS) };
    failHook = `${notes.waiting}; Juju retries this hook`;
  } else if (decision.snapRefreshFailed && refused === undefined) {
    const pinned = decision.pinned;
    const installing = notes.attempted === 'install';
    statusCandidate = installing
      ? { name: 'blocked', message: STATUS.installFailed }
      : { name: 'maintenance', message: `Snap refresh to revision ${pinned?.snapRevision ?? '?'} failed; retrying. See \`juju debug-log\`` };
    // A failed install stays blocked and is retried by later hooks (an errored hook would hide the status).
    failHook = installing ? undefined : 'refreshing the etcd snap failed; Juju retries this hook';
  } else if (decision.healthCheckFailure !== undefined && run.inProgress && !run.isTearingDown) {
    statusCandidate = { name: 'maintenance', message: `Refresh health check failed: ${decision.healthCheckFailure}`.slice(0, MAX_STATUS) };
  }
  const stop = !run.peerRelationReady;
  const awaitingUnits = unitStatus === undefined && stop && !run.isTearingDown;
  return {
    inProgress: run.inProgress,
    unitStatus: unitStatus ?? (awaitingUnits ? { name: 'waiting', message: STATUS.waitingForUnits } : undefined),
    awaitingUnits,
    lowPriorityUnitStatus: toCharmStatus(run.unitStatusLow),
    appStatus: toCharmStatus(run.appStatus),
    actionHandled: run.action !== undefined,
    stop,
    statusCandidate,
    failHook,
  };
}
