/**
 * Steps 5-8 and the initial installation: read the peer relation, learn
 * "refresh started" from another unit, publish this unit's snap revision, wait
 * for every planned unit on first join, and install the pinned snap.
 */
import { LOCAL_FILES } from '../constants.js';
import { parseUnitBag } from '../databag.js';
import { actionText } from '../messages.js';
import { freshness, inRefreshOrder, unitNumber, type UnitView } from '../view.js';
import { failAction, log, writeFile } from './draft.js';
import { recordSnapRevision } from './snap-revision.js';
import { done, need, next, type Step } from './step.js';
import { viewOf, withDraft, type Coded, type Walk } from './walk.js';

// A peer's refresh time this far ahead of our clock means the clocks disagree (freshness relies on them).
const CLOCK_SKEW_WARNING_SECONDS = 300;

const notReady = <T extends { readonly draft: Coded['draft'] }>(state: T): Step<T> =>
  done(withDraft(state, failAction({ ...state.draft, outcome: 'peer-relation-not-ready' }, actionText.peerNotReady)));

/** Step 5: the other units' validated databags in refresh order, and this unit's own values. */
export const peerRelation = (c: Coded): { readonly kind: 'next'; readonly state: Walk } | { readonly kind: 'done'; readonly state: Coded } => {
  const peer = c.s.peer;
  if (peer === null) return { kind: 'done', state: notReady(c).state };
  let draft = c.draft;
  const others = inRefreshOrder(
    Object.entries(peer.units)
      .filter(([name]) => name !== c.s.unitName)
      .map(([name, raw]): UnitView => ({ name, number: unitNumber(name), isSelf: false, ...parseUnitBag(raw) })),
  );
  for (const unit of others) {
    if (unit.problems.length > 0) {
      draft = log(draft, 'warning', `Ignoring invalid refresh data from unit ${unit.name}: ${unit.problems.join('; ')}`);
    }
  }
  const ownBag = parseUnitBag(peer.units[c.s.unitName] ?? {});
  const own = {
    installedSnapRevision: ownBag.installedSnapRevision,
    gate: ownBag.gate,
    started: c.startedLocal,
    lastRefresh: c.code.history.last,
    lastCompleted: undefined,
    workloadVersion: c.s.local.installedWorkloadVersion,
  };
  return { kind: 'next', state: { ...c, draft, others, own, started: c.startedLocal, snapEffectUsed: false } };
};

/** Step 6: learn "refresh started" from a unit whose databag is current; presume it (unpersisted) when unknowable. */
export const learnStarted = (w: Walk): Walk => {
  if (w.started || !w.code.codeUpToDate) return w;
  const view = viewOf(w);
  const { pinned, charmText } = w.code;
  const target = `${w.s.spec.workloadName} ${pinned.workload} (snap revision ${pinned.snapRevision}) and charm ${charmText}`;
  let draft = w.draft;
  for (const unit of w.others) {
    if (!unit.started || unit.problems.length > 0 || unit.lastRefresh === undefined) continue;
    if (unit.lastRefresh.time_of_refresh > w.s.now + CLOCK_SKEW_WARNING_SECONDS) {
      draft = log(draft, 'warning', `Unit ${unit.name} reports a charm refresh in the future; check that the machines' clocks agree`);
    }
    const fresh = freshness(view, unit);
    if (fresh === 'current') {
      draft = writeFile(log(draft, 'info', `Learned from unit ${unit.number} that refresh has started to ${target}`), LOCAL_FILES.refreshStarted);
      return { ...w, draft, started: true, startedLocal: true, own: { ...w.own, started: true } };
    }
    if (fresh === 'unknown') {
      // New unit: assume started for this event only, without persisting it (reference §1.3 step 6).
      return { ...w, draft, started: true, presumeLog: `Presumed from unit ${unit.number} that refresh has started to ${target}` };
    }
  }
  return withDraft(w, draft);
};

/** Step 7: publish the installed snap revision read at the start of the event. */
export const publishRevision = (w: Walk): Walk => recordSnapRevision(w, w.s.installedSnapRevision);

/** Step 8: on first join, wait until every planned unit is in the relation. */
export const firstJoin = (w: Walk): Step<Walk> => {
  if (w.s.local.peerRelationInitialized) return next(w);
  const planned = w.s.plannedUnits;
  if (planned === undefined || planned !== Object.keys(w.s.peer?.units ?? {}).length) return notReady(w);
  return next(withDraft(w, log(writeFile(w.draft, LOCAL_FILES.peerRelationInitialized), 'info', 'Refresh peer relation ready')));
};

/** Initial installation (deploy or scale-up) of the snap pinned by this code. */
export const initialInstall = (w: Walk): Step<Walk> => {
  if (w.s.installedSnapRevision !== null) return next(w);
  const { snapName, snapRevision } = w.code.pinned;
  const result = w.s.effects.snapRefresh;
  if (result === undefined) return need(w, { kind: 'refresh-snap', snapName, revision: snapRevision, install: true });
  let after: Walk = { ...w, snapEffectUsed: true };
  if (result.installedRevision === null || result.error !== undefined) {
    const draft = log(after.draft, 'error', `Failed to install ${snapName} snap revision ${snapRevision}: ${result.error ?? 'not installed'}`);
    after = { ...after, draft: { ...draft, snapRefreshFailed: true } };
  }
  return next(recordSnapRevision(after, result.installedRevision));
};
