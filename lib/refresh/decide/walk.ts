/**
 * The state `decide` carries from step to step once the charm code and the
 * peer relation are known: the snapshot, facts learned from it, and the draft.
 * Each later stage adds the facts its steps need, so no step reads a value
 * before it exists.
 */
import type { CharmCodeHistory } from '../history.js';
import type { PinnedVersions } from '../refresh-versions.js';
import type { InProgress, PausePolicy, RefreshSnapshot } from '../types.js';
import { unitNumber, type RefreshView, type UnitView } from '../view.js';
import type { Draft, OwnState } from './draft.js';

/** What this unit's charm code pins and whether it is recorded as the up-to-date code. */
export interface CodeFacts {
  readonly pinned: PinnedVersions;
  readonly history: CharmCodeHistory;
  readonly codeUpToDate: boolean;
  /** `revision 143 (3.6/1.21.0)` or `3.6/1.21.0`, for log lines. */
  readonly charmText: string;
}

/** Known from the charm code on (reference §1.3 steps 2-4). */
export interface Coded {
  readonly s: RefreshSnapshot;
  readonly code: CodeFacts;
  /** The local "refresh started" marker as it stands now. */
  readonly startedLocal: boolean;
  readonly draft: Draft;
}

/** Known from the peer relation on (steps 5-8): the other units and this unit's own values. */
export interface Walk extends Coded {
  readonly others: readonly UnitView[];
  readonly own: OwnState;
  /** Refresh started, as this unit knows it in this event (learned or presumed). */
  readonly started: boolean;
  /** The log line for a presumed start, written once the in-progress state is known. */
  readonly presumeLog?: string;
  /** The snap effect was used by the initial installation in this event. */
  readonly snapEffectUsed: boolean;
}

/** Known once the in-progress state and the pause policy are (steps 9-10). */
export interface Assessed extends Walk {
  readonly inProgress: InProgress;
  readonly pause: PausePolicy;
}

/** Known once start-refresh ran (step 12). */
export interface Started extends Assessed {
  /** force-refresh-start started the refresh in this event (it reports the unit's snap refresh). */
  readonly forcing: boolean;
  readonly precheckFailedHere: boolean;
}

/** Every unit's view with this unit's values as they stand now. */
export const viewOf = (w: Walk): RefreshView => {
  const own = w.own;
  const self: UnitView = {
    name: w.s.unitName,
    number: unitNumber(w.s.unitName),
    isSelf: true,
    ...(own.installedSnapRevision === undefined ? {} : { installedSnapRevision: own.installedSnapRevision }),
    gate: own.gate,
    started: own.started,
    lastRefresh: own.lastRefresh,
    problems: [],
  };
  const units = [...w.others, self].sort((a, b) => b.number - a.number);
  return { units, pinnedRevision: w.code.pinned.snapRevision, jujuCharm: w.s.charm.jujuCharm, history: w.code.history };
};

/** A new state with its draft replaced (the common case of a step that only adds output). */
export const withDraft = <T extends { readonly draft: Draft }>(state: T, draft: Draft): T => ({ ...state, draft });
