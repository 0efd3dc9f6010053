/** Steps 9-11: is a refresh in progress, the pause policy, and the `pre-refresh-check` action. */
import { actionText } from '../messages.js';
import { determineInProgress, parsePausePolicy, revisionText } from '../view.js';
import { actionResult, failAction, log, runs } from './draft.js';
import { need, next, type Step } from './step.js';
import { viewOf, withDraft, type Assessed, type Walk } from './walk.js';

/** Steps 9-10. A presumed start is worth a log line only when a refresh may be under way. */
export const assess = (w: Walk): Assessed => {
  const inProgress = determineInProgress(viewOf(w));
  let draft = { ...w.draft, inProgress };
  if (w.presumeLog !== undefined && inProgress !== false) draft = log(draft, 'info', w.presumeLog);
  return { ...w, draft, inProgress, pause: parsePausePolicy(w.s.pauseAfterUnitRefresh) };
};

/** Step 11: the leader answers `pre-refresh-check` when no refresh is in progress, after running the checks. */
export const preRefreshCheck = (a: Assessed): Step<Assessed> => {
  if (!runs(a.draft, 'pre-refresh-check')) return next(a);
  if (!a.s.isLeader) return next(withDraft(a, failAction(a.draft, actionText.notLeader(a.s.appName))));
  if (a.inProgress !== false) return next(withDraft(a, failAction(a.draft, actionText.alreadyInProgress)));
  const result = a.s.effects.preRefreshChecks;
  if (result === undefined) return need(a, { kind: 'run-pre-refresh-checks' });
  if (!result.ok) return next(withDraft(a, failAction(a.draft, actionText.notReady(result.message))));
  const text = actionText.ready(a.s.spec.charmName, a.code.pinned.charm, a.s.appName, revisionText(a.s.charm.jujuCharm), a.pause);
  return next(withDraft(a, log(actionResult(a.draft, text), 'info', 'Pre-refresh check succeeded')));
};
