/**
 * Steps 2-4: the versions this charm code pins, and its history: was the code
 * replaced, and is it recorded as the up-to-date code (on `upgrade-charm` or
 * `config-changed` only, reference §1.3 step 3)?
 */
import { parseCharmVersion } from '../charm-version.js';
import { LOCAL_FILES } from '../constants.js';
import type { HistoryEntry } from '../databag.js';
import { parseHistory, sameMtime, serializeHistory, type CharmCodeHistory } from '../history.js';
import { logText } from '../messages.js';
import type { PinnedVersions } from '../refresh-versions.js';
import type { RefreshSnapshot } from '../types.js';
import { describeCharm } from './describe.js';
import { failAction, log, removeFile, writeFile, type Draft } from './draft.js';
import { done, next, type Step } from './step.js';
import type { Coded } from './walk.js';

/** Step 2: unreadable versions block the unit (and the app: every unit runs the same code). */
export const charmVersions = (s: RefreshSnapshot, d: Draft): Step<{ draft: Draft; pinned?: PinnedVersions }> => {
  const versions = s.charm.versions;
  const charmVersion = versions.ok ? parseCharmVersion(versions.versions.charm) : undefined;
  if (versions.ok && charmVersion?.ok) {
    return next({ draft: { ...d, pinned: versions.versions }, pinned: versions.versions });
  }
  const error = !versions.ok ? versions.error : charmVersion?.ok === false ? charmVersion.error : 'invalid';
  const blocked = { name: 'blocked', message: error.slice(0, 120) } as const;
  const draft = failAction(log({ ...d, outcome: 'charm-versions-invalid', unitStatusHigh: blocked }, 'error', error), error);
  return done({ draft: s.isLeader ? { ...draft, appStatus: blocked } : draft });
};

const isUpgradeEvent = (s: RefreshSnapshot): boolean =>
  s.event.kind === 'hook' && (s.event.name === 'upgrade-charm' || s.event.name === 'config-changed');

/** Steps 3-4: the charm-code history, and the application's workload version once the code is up to date. */
export const charmCodeHistory = (s: RefreshSnapshot, d: Draft, pinned: PinnedVersions): Coded => {
  let draft = d;
  const mtime = s.charm.jujuCharmMtime;
  const current: HistoryEntry = { charm_revision: s.charm.jujuCharm, time_of_refresh: mtime };
  const charmText = describeCharm(s.charm.jujuCharm, pinned.charm);
  let history: CharmCodeHistory | undefined = s.local.history === undefined ? undefined : parseHistory(s.local.history);
  if (history === undefined) {
    if (s.local.history !== undefined) draft = log(draft, 'warning', 'Refresh history file is invalid; starting a new history');
    history = { last: current, secondToLast: null };
    draft = writeFile(draft, LOCAL_FILES.history, serializeHistory(history));
    draft = log(draft, 'info', `Charm ${charmText} installed at ${mtime}`);
  }
  let codeUpToDate = sameMtime(history.last.time_of_refresh, mtime);
  let startedLocal = s.local.refreshStarted;
  if (!codeUpToDate) {
    // New code: whatever was started belonged to the old code.
    if (startedLocal) {
      draft = removeFile(draft, LOCAL_FILES.refreshStarted);
      startedLocal = false;
    }
    if (isUpgradeEvent(s)) {
      history = { last: current, secondToLast: history.last };
      draft = writeFile(draft, LOCAL_FILES.history, serializeHistory(history));
      draft = log(draft, 'info', `Charm refreshed to ${charmText} at ${mtime}. Charm is up-to-date`);
      codeUpToDate = true;
    } else {
      draft = log(draft, 'info', `Charm refreshed to ${charmText} at ${mtime}. Charm may be outdated`);
      draft = log(draft, 'warning', logText.lp2068500(s.appName));
    }
  }
  if (codeUpToDate) draft = { ...draft, applicationVersion: pinned.workload };
  return { s, code: { pinned, history, codeUpToDate, charmText }, startedLocal, draft };
};
