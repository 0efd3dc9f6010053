/**
 * The states the steps of `decide` pass along, built from a fixture snapshot by
 * running the earlier steps, so a table test can call one step on its own.
 */
import { assess } from '../../../../../lib/refresh/decide/assess.js';
import { charmCodeHistory, charmVersions } from '../../../../../lib/refresh/decide/charm-code.js';
import { emptyDraft } from '../../../../../lib/refresh/decide/draft.js';
import { firstJoin, learnStarted, peerRelation, publishRevision } from '../../../../../lib/refresh/decide/peer.js';
import type { Step } from '../../../../../lib/refresh/decide/step.js';
import { startRefresh } from '../../../../../lib/refresh/decide/start-refresh.js';
import type { Assessed, Coded, Started, Walk } from '../../../../../lib/refresh/decide/walk.js';
import type { RefreshSnapshot } from '../../../../../lib/refresh/types.js';

const go = <T>(step: Step<T>, what: string): T => {
  if (step.kind !== 'next') throw new Error(`${what} stopped (${step.kind})`);
  return step.state;
};

export const codedOf = (s: RefreshSnapshot): Coded => {
  const versions = go(charmVersions(s, emptyDraft(s.event)), 'charmVersions');
  return charmCodeHistory(s, versions.draft, versions.pinned!);
};

export const walkOf = (s: RefreshSnapshot): Walk => {
  const peer = peerRelation(codedOf(s));
  if (peer.kind !== 'next') throw new Error('peer relation stopped');
  return go(firstJoin(publishRevision(learnStarted(peer.state))), 'firstJoin');
};

export const assessedOf = (s: RefreshSnapshot): Assessed => assess(walkOf(s));

export const startedOf = (s: RefreshSnapshot): Started => go(startRefresh(assessedOf(s)), 'startRefresh');

/** The messages of the draft's log, in order. */
export const messages = (state: { readonly draft: { readonly log: readonly { readonly message: string }[] } }): string[] =>
  state.draft.log.map((line) => line.message);
