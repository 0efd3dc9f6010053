/**
 * Step 14, refreshing this unit's snap when it is its turn (reference §1.5),
 * and the `resume-refresh` action (§2). First the situation is named (a pure
 * classification); then one small function per situation says what the unit
 * and the action do. Ours: besides the units ahead, every other unit running a
 * snap must have its gate, so at most one workload is down at a time.
 */
import { parseParams, resumeRefreshParams } from '../action-params.js';
import { actionText } from '../messages.js';
import { blockerFor, needsResume, nextUnit, unitNumber } from '../view.js';
import { actionLog, actionResult, failAction, log, runs, type Draft } from './draft.js';
import { recordSnapRevision } from './snap-revision.js';
import { need, next, type Step } from './step.js';
import { viewOf, withDraft, type Started } from './walk.js';

/** How this event's `resume-refresh` action takes part: not at all, as usual, or ignoring health. */
export type Resume = 'none' | 'checked' | 'unchecked';

export type Situation =
  /** No refresh in progress, or it cannot be told: nothing refreshes. */
  | { readonly kind: 'no-refresh'; readonly reason: string }
  /** The snap was installed in this event already. */
  | { readonly kind: 'installed-this-event' }
  /** `resume-refresh check-health-of-refreshed-units=false` on a unit still on the old snap. */
  | { readonly kind: 'forced-by-resume' }
  /** The same, on a unit already on the pinned snap. */
  | { readonly kind: 'already-refreshed' }
  | { readonly kind: 'nobody-next' }
  | { readonly kind: 'another-units-turn'; readonly unit: number }
  /** This unit is next but the refresh has not started (the highest unit's checks). */
  | { readonly kind: 'not-started'; readonly highest: number }
  /** This unit is next but another unit is down or has not passed its gate. */
  | { readonly kind: 'blocked'; readonly blocker: number }
  /** This unit is next and waits for `resume-refresh`. */
  | { readonly kind: 'paused' }
  | { readonly kind: 'resumed'; readonly index: number }
  /** This unit is next and refreshes on its own. */
  | { readonly kind: 'own-turn'; readonly index: number };

/** The action's part after parameter validation; invalid parameters fail it and it takes no further part. */
export const resumeAction = (state: Started): { readonly draft: Draft; readonly resume: Resume } => {
  if (!runs(state.draft, 'resume-refresh')) return { draft: state.draft, resume: 'none' };
  const parsed = parseParams(resumeRefreshParams, state.s.event.kind === 'action' ? state.s.event.params : {});
  if (!parsed.ok) return { draft: failAction(state.draft, parsed.message), resume: 'none' };
  return { draft: state.draft, resume: parsed.value['check-health-of-refreshed-units'] ? 'checked' : 'unchecked' };
};

/** Names the situation of this unit in this event; `resume` is 'none' unless the action takes part. */
export const situation = (state: Started, resume: Resume): Situation => {
  if (state.inProgress !== true) {
    return { kind: 'no-refresh', reason: state.inProgress === false ? actionText.noRefresh : actionText.determining };
  }
  if (state.snapEffectUsed) return { kind: 'installed-this-event' };
  if (resume === 'unchecked') {
    return state.own.installedSnapRevision === state.code.pinned.snapRevision ? { kind: 'already-refreshed' } : { kind: 'forced-by-resume' };
  }
  const view = viewOf(state);
  const nextOne = nextUnit(view);
  if (nextOne === undefined) return { kind: 'nobody-next' };
  if (!nextOne.unit.isSelf) return { kind: 'another-units-turn', unit: nextOne.unit.number };
  if (!state.started) return { kind: 'not-started', highest: view.units[0]?.number ?? nextOne.unit.number };
  const blocker = blockerFor(view, nextOne.index);
  if (blocker !== undefined) return { kind: 'blocked', blocker: blocker.number };
  if (needsResume(state.pause, nextOne.index)) return resume === 'none' ? { kind: 'paused' } : { kind: 'resumed', index: nextOne.index };
  return { kind: 'own-turn', index: nextOne.index };
};

/** Step 14: classify, then act; asks for `refresh-snap` when this unit refreshes. */
export const unitTurn = (state: Started): Step<Started> => {
  const parsed = resumeAction(state);
  let resume = parsed.resume;
  let draft = parsed.draft;
  const seen = situation(state, resume);
  const self = unitNumber(state.s.unitName);
  // With `none` the action is never needed on the next unit; the unit goes on as on a hook.
  if (resume !== 'none' && state.pause === 'none' && isNextSelf(seen)) {
    draft = failAction(draft, actionText.pauseNone);
    resume = 'none';
  }
  const fail = (message: string): Step<Started> => next(withDraft(state, resume === 'none' ? draft : failAction(draft, message)));
  switch (seen.kind) {
    case 'no-refresh':
      return fail(seen.reason);
    case 'installed-this-event':
    case 'nobody-next':
    case 'paused':
      return next(withDraft(state, draft));
    case 'already-refreshed':
      return fail(actionText.unitAlreadyRefreshed);
    case 'another-units-turn':
      return fail(actionText.mustRunOn(seen.unit));
    case 'not-started':
      return fail(actionText.unhealthy(seen.highest));
    case 'blocked':
      return fail(actionText.unhealthy(seen.blocker));
    case 'forced-by-resume':
      draft = actionLog(actionLog(draft, actionText.ignoringHealth), actionText.refreshing(self));
      return refreshSnap(withDraft(state, draft), 'resume-refresh action ran with check-health-of-refreshed-units=false', {
        resume: true,
        resultText: actionText.refreshed(self),
      });
    case 'resumed':
      return refreshSnap(withDraft(state, actionLog(draft, resumeLogLine(state, self))), 'resume-refresh action ran', {
        resume: true,
        resultText: state.pause === 'first' ? actionText.resumedResult(self) : actionText.refreshed(self),
      });
    case 'own-turn':
      // The unit would refresh anyway: fail the action so the operator does not credit it.
      if (resume !== 'none') draft = failAction(draft, actionText.currentlyRefreshing);
      return refreshSnap(withDraft(state, draft), ownTurnReason(state, seen.index), { resume: false, resultText: actionText.refreshed(self) });
  }
};

const isNextSelf = (seen: Situation): boolean =>
  seen.kind === 'not-started' || seen.kind === 'blocked' || seen.kind === 'paused' || seen.kind === 'resumed' || seen.kind === 'own-turn';

const resumeLogLine = (state: Started, self: number): string =>
  state.pause === 'first' ? actionText.resumedLog(self) : actionText.refreshing(self);

const ownTurnReason = (state: Started, index: number): string =>
  index === 0
    ? 'this unit is the first unit to refresh'
    : `pause-after-unit-refresh config is '${state.pause}'${state.pause === 'first' ? ' and second unit already refreshed' : ''}`;

/**
 * Asks for the snap refresh (or uses its result), records the new revision and
 * reports to the action that drove it: `resume-refresh`, or `force-refresh-start`
 * when it started the refresh in this event.
 */
const refreshSnap = (state: Started, reason: string, report: { readonly resume: boolean; readonly resultText: string }): Step<Started> => {
  const { pinned } = state.code;
  const own = state.own;
  const self = unitNumber(state.s.unitName);
  const fromVersion =
    own.workloadVersion === undefined
      ? `snap revision ${own.installedSnapRevision ?? 'None'}`
      : `${own.workloadVersion} (snap revision ${own.installedSnapRevision ?? 'None'})`;
  const fromTo = `${state.s.spec.workloadName} on this unit from ${fromVersion} to ${pinned.workload} (snap revision ${pinned.snapRevision})`;
  let draft = state.draft;
  if (state.forcing) draft = actionLog(draft, actionText.refreshing(self));
  draft = log(draft, 'info', `Refreshing ${fromTo} because ${reason}`);
  const result = state.s.effects.snapRefresh;
  if (result === undefined) {
    return need(withDraft(state, draft), { kind: 'refresh-snap', snapName: pinned.snapName, revision: pinned.snapRevision, install: false });
  }
  if (result.error !== undefined) draft = log(draft, 'error', `Snap refresh failed: ${result.error}`);
  const after = recordSnapRevision(withDraft(state, draft), result.installedRevision);
  draft = after.draft;
  if (result.installedRevision === pinned.snapRevision) {
    draft = log(draft, 'info', `Refreshed ${fromTo} because ${reason}`);
    if (report.resume) draft = actionResult(draft, report.resultText);
    if (state.forcing) draft = actionResult(draft, actionText.refreshed(self));
  } else {
    draft = { ...log(draft, 'error', `Failed to refresh ${fromTo}`), snapRefreshFailed: true };
    if (report.resume) draft = failAction(draft, actionText.snapRefreshFailed);
    if (state.forcing) draft = actionResult(draft, actionText.forceRefreshFailed(self));
  }
  return next(withDraft(after, draft));
};
