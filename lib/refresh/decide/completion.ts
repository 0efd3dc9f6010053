/**
 * Step 15: recompute whether a refresh is in progress after this unit's snap
 * refresh. With none, this unit triggers the others (`_unused_last_completed_refresh`)
 * and the leader records the versions the next refresh starts from.
 */
import { parseOriginalVersions, type OriginalVersions } from '../databag.js';
import { determineInProgress } from '../view.js';
import { describeCharm } from './describe.js';
import { log } from './draft.js';
import { viewOf, withDraft, type Started } from './walk.js';

const sameVersions = (a: OriginalVersions | undefined, b: OriginalVersions): boolean =>
  a !== undefined &&
  a.workload === b.workload &&
  a.workloadContainer === b.workloadContainer &&
  a.charmVersion === b.charmVersion &&
  a.charmRevision === b.charmRevision;

export const completion = (state: Started): Started => {
  const inProgressNow = determineInProgress(viewOf(state));
  const refreshCompleted = state.inProgress === true && inProgressNow === false;
  let draft = { ...state.draft, inProgress: inProgressNow, refreshCompleted };
  if (refreshCompleted) draft = log(draft, 'info', 'Refresh was completed during this event');
  if (inProgressNow !== false) return withDraft(state, draft);
  const own = { ...state.own, lastCompleted: state.code.history.last };
  if (!state.s.isLeader) return { ...state, own, draft };
  const { pinned } = state.code;
  const originals: OriginalVersions = {
    workload: pinned.workload,
    workloadContainer: pinned.snapRevision,
    charmVersion: pinned.charm,
    charmRevision: state.s.charm.jujuCharm,
  };
  if (!sameVersions(parseOriginalVersions(state.s.peer?.app ?? {}), originals)) {
    draft = log(
      draft,
      'info',
      `Saved versions to app databag for next refresh: ${state.s.spec.workloadName} ${originals.workload} (snap revision ${originals.workloadContainer}), charm ${describeCharm(originals.charmRevision, originals.charmVersion)}`,
    );
  }
  return { ...state, own, draft: { ...draft, originalsToWrite: originals } };
};
