/**
 * The refresh v3 state machine for machine charms as one pure function: the
 * per-event algorithm of reference §1.3, in that order. `decide` reads only its
 * snapshot; when it needs an effect (pre-refresh checks, a snap refresh, a
 * health check) it returns a decision carrying that request, and the adapter
 * calls it again with the result added to `snapshot.effects`.
 */
import { computeAppStatus } from './app-status.js';
import { DecisionBuilder, EffectPending } from './builder.js';
import { parseCharmVersion } from './charm-version.js';
import { LOCAL_FILES } from './constants.js';
import { parseOriginalVersions, parseUnitBag, type HistoryEntry } from './databag.js';
import { parseHistory, sameMtime, serializeHistory, type CharmCodeHistory } from './history.js';
import { actionText, logText, unitStatusText } from './messages.js';
import { refreshUnit, updateSnapRevision } from './refresh-unit.js';
import { describeCharm, startRefresh } from './start-refresh.js';
import type { RefreshDecision, RefreshSnapshot, Status } from './types.js';
import {
  charmhubRevision,
  determineInProgress,
  freshness,
  inRefreshOrder,
  parsePausePolicy,
  revisionText,
  unitNumber,
  type UnitView,
} from './view.js';

// A peer's refresh time this far ahead of our clock means the clocks disagree (freshness relies on them).
const CLOCK_SKEW_WARNING_SECONDS = 300;

/**
 * Decides what the refresh library does in this event. Pure and total: never
 * throws and performs no I/O; malformed peer data, a missing architecture pin or
 * missing original versions become statuses, log lines and safe decisions.
 */
export const decide = (snapshot: RefreshSnapshot): RefreshDecision => {
  const b = new DecisionBuilder(snapshot);
  try {
    run(b);
  } catch (error) {
    if (error instanceof EffectPending) return b.build(error.request);
    // A bug must not crash-loop the unit: report it and change nothing risky.
    b.log('error', `Refresh logic failed: ${(error as Error).stack ?? String(error)}`);
    b.inProgress = 'unknown';
    return b.build();
  }
  return b.build();
};

const isUpgradeEvent = (s: RefreshSnapshot): boolean =>
  s.event.kind === 'hook' && (s.event.name === 'upgrade-charm' || s.event.name === 'config-changed');

const run = (b: DecisionBuilder): void => {
  const s = b.snapshot;

  // 1. Teardown.
  let tearingDown = s.local.tearingDown;
  if (
    s.event.kind === 'hook' &&
    s.event.name.endsWith('-relation-departed') &&
    s.event.departingUnit === s.unitName &&
    !tearingDown
  ) {
    b.write(LOCAL_FILES.tearingDown);
    tearingDown = true;
  }
  if (tearingDown) {
    b.action?.fail(actionText.tearingDown);
    if (!s.local.tearingDownLogged) {
      b.log('info', 'Unit tearing down');
      b.write(LOCAL_FILES.tearingDownLogged);
    }
    b.outcome = 'unit-tearing-down';
    return;
  }

  // 2. Versions of this charm code.
  const versions = s.charm.versions;
  const charmVersion = versions.ok ? parseCharmVersion(versions.versions.charm) : undefined;
  if (!versions.ok || !charmVersion?.ok) {
    const error = !versions.ok ? versions.error : charmVersion?.ok === false ? charmVersion.error : 'invalid';
    b.outcome = 'charm-versions-invalid';
    b.unitStatusHigh = { name: 'blocked', message: error.slice(0, 120) };
    // Every unit runs the same charm code, so the application is blocked for the same reason.
    if (s.isLeader) b.appStatus = b.unitStatusHigh;
    b.log('error', error);
    b.action?.fail(error);
    return;
  }
  const pinned = versions.versions;
  b.pinned = pinned;

  // 3. Charm-code history: was the code replaced, and is it the up-to-date code?
  const mtime = s.charm.jujuCharmMtime;
  const current: HistoryEntry = { charm_revision: s.charm.jujuCharm, time_of_refresh: mtime };
  const charmText = describeCharm(s.charm.jujuCharm, pinned.charm);
  let history: CharmCodeHistory | undefined = s.local.history === undefined ? undefined : parseHistory(s.local.history);
  if (history === undefined) {
    if (s.local.history !== undefined) b.log('warning', 'Refresh history file is invalid; starting a new history');
    history = { last: current, secondToLast: null };
    b.write(LOCAL_FILES.history, serializeHistory(history));
    b.log('info', `Charm ${charmText} installed at ${mtime}`);
  }
  let codeUpToDate = sameMtime(history.last.time_of_refresh, mtime);
  let startedLocal = s.local.refreshStarted;
  if (!codeUpToDate) {
    if (startedLocal) {
      b.remove(LOCAL_FILES.refreshStarted);
      startedLocal = false;
    }
    if (isUpgradeEvent(s)) {
      history = { last: current, secondToLast: history.last };
      b.write(LOCAL_FILES.history, serializeHistory(history));
      b.log('info', `Charm refreshed to ${charmText} at ${mtime}. Charm is up-to-date`);
      codeUpToDate = true;
    } else {
      b.log('info', `Charm refreshed to ${charmText} at ${mtime}. Charm may be outdated`);
      b.log('warning', logText.lp2068500(s.appName));
    }
  }
  b.history = history;

  // 4. The application's workload version follows the up-to-date code.
  if (codeUpToDate) b.applicationVersion = pinned.workload;

  // 5. Peer relation.
  if (s.peer === null) {
    b.outcome = 'peer-relation-not-ready';
    b.action?.fail(actionText.peerNotReady);
    return;
  }
  b.others = inRefreshOrder(
    Object.entries(s.peer.units)
      .filter(([name]) => name !== s.unitName)
      .map(([name, raw]): UnitView => {
        const bag = parseUnitBag(raw);
        return { name, number: unitNumber(name), isSelf: false, ...bag };
      }),
  );
  for (const unit of b.others) {
    if (unit.problems.length > 0) {
      b.log('warning', `Ignoring invalid refresh data from unit ${unit.name}: ${unit.problems.join('; ')}`);
    }
  }
  const ownBag = parseUnitBag(s.peer.units[s.unitName] ?? {});
  b.own = {
    installedSnapRevision: ownBag.installedSnapRevision,
    gate: ownBag.gate,
    started: startedLocal,
    lastRefresh: history.last,
    lastCompleted: undefined,
    workloadVersion: s.local.installedWorkloadVersion,
  };

  // 6. Learn "refresh started" from another unit.
  let started = startedLocal;
  let presumeLog: string | undefined;
  if (!started && codeUpToDate) {
    const view = b.view();
    for (const unit of b.others) {
      if (!unit.started || unit.problems.length > 0 || unit.lastRefresh === undefined) continue;
      if (unit.lastRefresh.time_of_refresh > s.now + CLOCK_SKEW_WARNING_SECONDS) {
        b.log('warning', `Unit ${unit.name} reports a charm refresh in the future; check that the machines' clocks agree`);
      }
      const fresh = freshness(view, unit);
      const target = `${s.spec.workloadName} ${pinned.workload} (snap revision ${pinned.snapRevision}) and charm ${charmText}`;
      if (fresh === 'current') {
        b.log('info', `Learned from unit ${unit.number} that refresh has started to ${target}`);
        started = true;
        startedLocal = true;
        b.own.started = true;
        b.write(LOCAL_FILES.refreshStarted);
        break;
      }
      if (fresh === 'unknown') {
        // New unit: assume started for this event only, without persisting it (reference §1.3 step 6).
        presumeLog = `Presumed from unit ${unit.number} that refresh has started to ${target}`;
        started = true;
        break;
      }
    }
  }

  // 7. Publish this unit's installed snap revision (a change resets the gate).
  updateSnapRevision(b, s.installedSnapRevision);

  // 8. First join: wait until every planned unit is in the relation.
  if (!s.local.peerRelationInitialized) {
    if (s.plannedUnits !== undefined && s.plannedUnits === Object.keys(s.peer.units).length) {
      b.write(LOCAL_FILES.peerRelationInitialized);
      b.log('info', 'Refresh peer relation ready');
    } else {
      b.outcome = 'peer-relation-not-ready';
      b.action?.fail(actionText.peerNotReady);
      return;
    }
  }

  // Initial installation (deploy or scale-up) of the snap pinned by this code.
  let snapEffectUsed = false;
  if (s.installedSnapRevision === null) {
    const result = b.need('snapRefresh', {
      kind: 'refresh-snap',
      snapName: pinned.snapName,
      revision: pinned.snapRevision,
      install: true,
    });
    snapEffectUsed = true;
    if (result.installedRevision === null || result.error !== undefined) {
      b.log('error', `Failed to install ${pinned.snapName} snap revision ${pinned.snapRevision}: ${result.error ?? 'not installed'}`);
      b.snapRefreshFailed = true;
    }
    updateSnapRevision(b, result.installedRevision);
  }

  // 9. In progress?
  const inProgress = determineInProgress(b.view());
  b.inProgress = inProgress;
  if (presumeLog !== undefined && inProgress !== false) b.log('info', presumeLog);

  // 10. Config.
  const pause = parsePausePolicy(s.pauseAfterUnitRefresh);

  // 11. pre-refresh-check action.
  if (b.action?.name === 'pre-refresh-check') {
    const action = b.action;
    if (!s.isLeader) action.fail(actionText.notLeader(s.appName));
    else if (inProgress !== false) action.fail(actionText.alreadyInProgress);
    else {
      const result = b.need('preRefreshChecks', { kind: 'run-pre-refresh-checks' });
      if (!result.ok) action.fail(actionText.notReady(result.message));
      else {
        action.result(actionText.ready(s.spec.charmName, pinned.charm, s.appName, revisionText(s.charm.jujuCharm), pause));
        b.log('info', 'Pre-refresh check succeeded');
      }
    }
  }

  // 12. Start the refresh (highest unit only).
  const start = startRefresh(b, { view: b.view(), inProgress, started, codeUpToDate });
  started = start.started;

  // 13. App status before a possibly slow snap refresh (the adapter may show it while waiting).
  const originals = parseOriginalVersions(s.peer.app);
  let inProgressNow = inProgress;
  const setStatuses = (withLog: boolean): void => {
    const app = computeAppStatus({
      isLeader: s.isLeader,
      appName: s.appName,
      spec: s.spec,
      pause,
      inProgress: inProgressNow,
      view: b.view(),
      started,
      originals,
      charmVersion: pinned.charm,
      workloadVersion: pinned.workload,
      precheckFailedHere: start.precheckFailedHere,
    });
    b.appStatus = app.status;
    b.unitStatusLow = lowPriorityStatus(b, inProgressNow, codeUpToDate);
    if (withLog) for (const line of app.log) b.log(line.level, line.message);
  };
  b.statusHook = () => setStatuses(false);

  // 14. Refresh this unit's snap if it is its turn (and the resume-refresh action).
  refreshUnit(b, { view: b.view(), inProgress, started, pause, force: start.force, snapEffectUsed });

  // 15. Recompute; on completion trigger the others and record the new original versions.
  inProgressNow = determineInProgress(b.view());
  b.inProgress = inProgressNow;
  b.refreshCompleted = inProgress === true && inProgressNow === false;
  if (b.refreshCompleted) b.log('info', 'Refresh was completed during this event');
  if (inProgressNow === false) {
    b.own.lastCompleted = history.last;
    if (s.isLeader) {
      const next = {
        workload: pinned.workload,
        workloadContainer: pinned.snapRevision,
        charmVersion: pinned.charm,
        charmRevision: s.charm.jujuCharm,
      };
      const changed =
        originals === undefined ||
        originals.workload !== next.workload ||
        originals.workloadContainer !== next.workloadContainer ||
        originals.charmVersion !== next.charmVersion ||
        originals.charmRevision !== next.charmRevision;
      if (changed) {
        b.log('info', `Saved versions to app databag for next refresh: ${s.spec.workloadName} ${next.workload} (snap revision ${next.workloadContainer}), charm ${describeCharm(next.charmRevision, next.charmVersion)}`);
      }
      b.originalsToWrite = next;
    }
  }

  // 16. Health gate: set only after a passing health check. Ours: also with no refresh in
  // progress (the reference allows skipping it then), so a unit that went down as a refresh
  // completed does not look healthy to the next refresh.
  const own = b.own;
  if (own.installedSnapRevision !== undefined && !own.gate) {
    const result = b.need('healthCheck', { kind: 'check-health-for-gate' });
    if (result.healthy) {
      own.gate = true;
      b.log('info', logText.gateSet(own.installedSnapRevision));
    } else {
      b.healthCheckFailure = result.reason;
      // Only a warning while a refresh waits on it; on a fresh install the member is simply not up yet.
      b.log(inProgressNow === false ? 'info' : 'warning', `Health check failed; next unit not allowed to refresh: ${result.reason}`);
    }
  }

  setStatuses(true);
};

/** The lower-priority unit status (reference §1.7), shown only while a refresh may be under way. */
const lowPriorityStatus = (
  b: DecisionBuilder,
  inProgress: RefreshDecision['inProgress'],
  codeUpToDate: boolean,
): Status | undefined => {
  if (inProgress === false) return undefined;
  if (!codeUpToDate) return { name: 'maintenance', message: unitStatusText.waitingForUpgradeCharm };
  const s = b.snapshot;
  const own = b.own!;
  const pinned = b.pinned!;
  const running = s.workloadRunning;
  const installedVersion = own.workloadVersion;
  const revision = own.installedSnapRevision ?? 'None';
  const charmhub = charmhubRevision(s.charm.jujuCharm);
  const message =
    `${s.spec.workloadName}${installedVersion === undefined || own.installedSnapRevision === undefined ? '' : ` ${installedVersion}`}` +
    `${running ? ' running' : ''}; Snap revision ${revision}${own.installedSnapRevision === pinned.snapRevision ? '' : ' (outdated)'}` +
    (charmhub === undefined ? `; Charm version ${pinned.charm}` : `; Charm revision ${charmhub}`);
  return { name: running ? 'active' : 'waiting', message };
};
