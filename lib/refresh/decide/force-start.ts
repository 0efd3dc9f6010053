/**
 * The `force-refresh-start` action's preconditions (reference §2): the highest
 * unit, a refresh in progress, valid parameters with at least one check off.
 * Accepted parameters let start-refresh skip those checks.
 */
import { forceRefreshStartParams, parseParams, type ForceRefreshStartParams } from '../action-params.js';
import { actionText } from '../messages.js';
import type { InProgress } from '../types.js';
import type { UnitView } from '../view.js';
import { failAction, runs, type Draft } from './draft.js';
import type { Assessed } from './walk.js';

/** Why the action is refused before anything runs, or undefined when it may go on. */
export const forceStartRefusal = (
  highest: UnitView | undefined,
  inProgress: InProgress,
  parsed: ReturnType<typeof parseParams<ForceRefreshStartParams>>,
): string | undefined => {
  if (highest === undefined || !highest.isSelf) return actionText.mustRunOn(highest?.number ?? -1);
  if (inProgress === false) return actionText.noRefresh;
  if (inProgress === 'unknown') return actionText.determining;
  if (!parsed.ok) return parsed.message;
  const p = parsed.value;
  if (p['check-compatibility'] && p['run-pre-refresh-checks'] && p['check-workload-container']) return actionText.forceNeedsFalse;
  return undefined;
};

/** The accepted parameters (undefined: not this action, or refused, which fails it). */
export const acceptForceStart = (
  a: Assessed,
  highest: UnitView | undefined,
): { readonly draft: Draft; readonly params: ForceRefreshStartParams | undefined } => {
  if (!runs(a.draft, 'force-refresh-start')) return { draft: a.draft, params: undefined };
  const parsed = parseParams(forceRefreshStartParams, a.s.event.kind === 'action' ? a.s.event.params : {});
  const refusal = forceStartRefusal(highest, a.inProgress, parsed);
  if (refusal !== undefined || !parsed.ok) return { draft: failAction(a.draft, refusal ?? ''), params: undefined };
  return { draft: a.draft, params: parsed.value };
};
