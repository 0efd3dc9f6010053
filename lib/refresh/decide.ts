/**
 * The refresh v3 state machine for machine charms as one pure function: the
 * per-event algorithm of reference §1.3, one small named step after another
 * (decide/*.ts). A step returns its new state, or says the decision is final,
 * or that an effect (pre-refresh checks, a snap refresh, a health check) is
 * needed first; then the adapter performs it and calls `decide` again with the
 * result added to `snapshot.effects`. Nothing is thrown for control flow.
 */
import { assess, preRefreshCheck } from './decide/assess.js';
import { charmCodeHistory, charmVersions } from './decide/charm-code.js';
import { completion } from './decide/completion.js';
import { emptyDraft, log } from './decide/draft.js';
import { finish } from './decide/finish.js';
import { healthGate } from './decide/health-gate.js';
import { firstJoin, initialInstall, learnStarted, peerRelation, publishRevision } from './decide/peer.js';
import { startRefresh } from './decide/start-refresh.js';
import { withStatuses } from './decide/statuses.js';
import type { Step } from './decide/step.js';
import { teardown } from './decide/teardown.js';
import { unitTurn } from './decide/unit-turn.js';
import type { Started, Walk } from './decide/walk.js';
import type { RefreshDecision, RefreshSnapshot } from './types.js';

/**
 * Decides what the refresh library does in this event. Pure and total: performs
 * no I/O; malformed peer data, a missing architecture pin or missing original
 * versions become statuses, log lines and safe decisions.
 */
export const decide = (snapshot: RefreshSnapshot): RefreshDecision => {
  try {
    return walk(snapshot);
  } catch (error) {
    // Only a bug lands here: it must not crash-loop the unit. Report it and change nothing.
    const draft = log({ ...emptyDraft(snapshot.event), inProgress: 'unknown' }, 'error', `Refresh logic failed: ${(error as Error).stack ?? String(error)}`);
    return finish(snapshot, draft, undefined);
  }
};

/** Steps 1-8: up to the unit's own state in the peer relation; stops when the unit cannot take part. */
const walk = (s: RefreshSnapshot): RefreshDecision => {
  const torn = teardown(s, emptyDraft(s.event));
  if (torn.kind !== 'next') return finish(s, torn.state, undefined);
  const versions = charmVersions(s, torn.state);
  if (versions.kind !== 'next' || versions.state.pinned === undefined) return finish(s, versions.state.draft, undefined);
  const peer = peerRelation(charmCodeHistory(s, versions.state.draft, versions.state.pinned));
  if (peer.kind !== 'next') return finish(s, peer.state.draft, undefined);
  const joined = firstJoin(publishRevision(learnStarted(peer.state)));
  if (joined.kind !== 'next') return stop(joined);
  const installed = initialInstall(joined.state);
  if (installed.kind !== 'next') return stop(installed);
  return refresh(installed.state);
};

/** Steps 9-16: the refresh itself. From step 13 on, a pending effect carries the statuses reached so far. */
const refresh = (w: Walk): RefreshDecision => {
  const checked = preRefreshCheck(assess(w));
  if (checked.kind !== 'next') return stop(checked);
  const started = startRefresh(checked.state);
  if (started.kind !== 'next') return stop(started);
  const turned = unitTurn(started.state);
  if (turned.kind !== 'next') return stopWithStatuses(turned);
  const gated = healthGate(completion(turned.state));
  if (gated.kind !== 'next') return stopWithStatuses(gated);
  const final = withStatuses(gated.state, true);
  return finish(final.s, final.draft, final.own);
};

type Stopped<T> = Exclude<Step<T>, { kind: 'next' }>;

const stop = (step: Stopped<Walk>): RefreshDecision =>
  finish(step.state.s, step.state.draft, step.state.own, step.kind === 'need' ? step.request : undefined);

/** The adapter may show these statuses while it performs the effect (a snap refresh can be slow). */
const stopWithStatuses = (step: Stopped<Started>): RefreshDecision => stop({ ...step, state: withStatuses(step.state, false) });
