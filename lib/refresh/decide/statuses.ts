/**
 * Steps 13 and 15's statuses: the leader's app status (reference §1.6) and the
 * lower-priority unit status (§1.7), from the state reached so far. Shown before
 * a slow effect too (the adapter may display them while it waits), then again,
 * with their log lines, once the decision is final.
 */
import { computeAppStatus } from '../app-status.js';
import { parseOriginalVersions } from '../databag.js';
import { unitStatusText } from '../messages.js';
import type { Status } from '../types.js';
import { charmhubRevision } from '../view.js';
import { log } from './draft.js';
import { viewOf, withDraft, type Started } from './walk.js';

export const withStatuses = (state: Started, withLog: boolean): Started => {
  const s = state.s;
  const { pinned } = state.code;
  const inProgress = state.draft.inProgress;
  const app = computeAppStatus({
    isLeader: s.isLeader,
    appName: s.appName,
    spec: s.spec,
    pause: state.pause,
    inProgress,
    view: viewOf(state),
    started: state.started,
    originals: parseOriginalVersions(s.peer?.app ?? {}),
    charmVersion: pinned.charm,
    workloadVersion: pinned.workload,
    precheckFailedHere: state.precheckFailedHere,
  });
  const { appStatus: _app, unitStatusLow: _low, ...rest } = state.draft;
  const low = lowPriorityStatus(state);
  let draft = {
    ...rest,
    ...(app.status === undefined ? {} : { appStatus: app.status }),
    ...(low === undefined ? {} : { unitStatusLow: low }),
  };
  if (withLog) for (const line of app.log) draft = log(draft, line.level, line.message);
  return withDraft(state, draft);
};

/** The lower-priority unit status, shown only while a refresh may be under way. */
export const lowPriorityStatus = (state: Started): Status | undefined => {
  if (state.draft.inProgress === false) return undefined;
  if (!state.code.codeUpToDate) return { name: 'maintenance', message: unitStatusText.waitingForUpgradeCharm };
  const s = state.s;
  const own = state.own;
  const { pinned } = state.code;
  const running = s.workloadRunning;
  const revision = own.installedSnapRevision ?? 'None';
  const charmhub = charmhubRevision(s.charm.jujuCharm);
  const message =
    `${s.spec.workloadName}${own.workloadVersion === undefined || own.installedSnapRevision === undefined ? '' : ` ${own.workloadVersion}`}` +
    `${running ? ' running' : ''}; Snap revision ${revision}${own.installedSnapRevision === pinned.snapRevision ? '' : ' (outdated)'}` +
    (charmhub === undefined ? `; Charm version ${pinned.charm}` : `; Charm revision ${charmhub}`);
  return { name: running ? 'active' : 'waiting', message };
};
