/**
 * Step 16, the health gate: set only after a passing health check. Ours: also
 * with no refresh in progress (the reference allows skipping it then), so a unit
 * that went down as a refresh completed does not look healthy to the next refresh.
 */
import { logText } from '../messages.js';
import { log } from './draft.js';
import { need, next, type Step } from './step.js';
import { withDraft, type Started } from './walk.js';

export const healthGate = (state: Started): Step<Started> => {
  const own = state.own;
  if (own.installedSnapRevision === undefined || own.gate) return next(state);
  const result = state.s.effects.healthCheck;
  if (result === undefined) return need(state, { kind: 'check-health-for-gate' });
  if (result.healthy) return next({ ...state, own: { ...own, gate: true }, draft: log(state.draft, 'info', logText.gateSet(own.installedSnapRevision)) });
  // Only a warning while a refresh waits on it; on a fresh install the member is simply not up yet.
  const level = state.draft.inProgress === false ? 'info' : 'warning';
  const draft = log({ ...state.draft, healthCheckFailure: result.reason }, level, `Health check failed; next unit not allowed to refresh: ${result.reason}`);
  return next(withDraft(state, draft));
};
