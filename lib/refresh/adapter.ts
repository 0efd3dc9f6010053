/**
 * The thin effectful shell around `decide`: reads everything once, runs the
 * decide/effect loop, applies the final decision (local files, databags,
 * application version, logs) and hands the charm what it must show and report.
 */
import { posix as path } from 'node:path';
import { DOT_JUJU_CHARM, LOCAL_FILES, LOCAL_STATE_DIR, REFRESH_VERSIONS_TOML } from './constants.js';
import { decide } from './decide.js';
import { parseRefreshVersions, type RefreshVersionsResult } from './refresh-versions.js';
import type {
  ActionOutcome,
  EffectResults,
  HealthResult,
  LocalState,
  LogLevel,
  PeerData,
  PreRefreshCheckResult,
  RefreshDecision,
  RefreshEvent,
  RefreshSnapshot,
  RefreshSpec,
  Status,
} from './types.js';

/**
 * What the adapter needs from Juju and the machine, as plain async functions so
 * the SDK binding is a few lines. Paths are absolute.
 */
export interface RefreshIO {
  readonly appName: string;
  readonly unitName: string;
  /** The unit's charm directory (`JUJU_CHARM_DIR`). */
  readonly charmDir: string;
  /** `uname -m` name of this machine (`x86_64`, `aarch64`). */
  readonly architecture: string;
  isLeader(): Promise<boolean>;
  /** Every unit's and the app's raw `refresh-v-three` databags; null when the relation does not exist. */
  readPeerData(): Promise<PeerData | null>;
  /** Writes this unit's databag keys; an empty string deletes a key. */
  writeUnitData(changes: Readonly<Record<string, string>>): Promise<void>;
  /** Writes app databag keys (leader only); an empty string deletes a key. */
  writeAppData(changes: Readonly<Record<string, string>>): Promise<void>;
  /** Raw `pause-after-unit-refresh` config value. */
  pauseAfterUnitRefresh(): Promise<string | undefined>;
  /** Non-dying units of this application in `goal-state`. */
  plannedUnits(): Promise<number>;
  /** File contents, or undefined when the file does not exist. */
  readFile(file: string): Promise<string | undefined>;
  writeFile(file: string, content: string): Promise<void>;
  /** Deletes a file; no error when it does not exist. */
  deleteFile(file: string): Promise<void>;
  /** Modification time in seconds since the epoch (fractional), or undefined when missing. */
  fileMtime(file: string): Promise<number | undefined>;
  /** Creates a directory (and parents); no error when it exists. */
  makeDirectory(dir: string): Promise<void>;
  /** `application-version-set`. */
  setApplicationVersion(version: string): Promise<void>;
  log(level: LogLevel, message: string): void;
  /** Clock, seconds since the epoch. */
  now(): number;
}

/** The workload-specific effects the charm provides. */
export interface RefreshCallbacks {
  /** Installed revision of the snap, or null when it is not installed. */
  installedSnapRevision(snapName: string): Promise<string | null>;
  /** The charm's pre-refresh checks; a failure message should be at most 64 characters. */
  runPreRefreshChecks(): Promise<PreRefreshCheckResult>;
  /**
   * Installs (`install: true`) or refreshes the snap to `revision` and holds it: stop the
   * workload gracefully, refresh, start it again. Resolves with the installed revision;
   * may reject, after which the adapter re-reads the revision.
   */
  refreshSnap(request: { readonly snapName: string; readonly revision: string; readonly install: boolean }): Promise<string | null>;
  /** Whether this unit is healthy enough to let the next unit refresh (restart the workload if needed). */
  checkHealthForGate(): Promise<HealthResult>;
  /** Whether the workload runs, for the lower-priority unit status. */
  isWorkloadRunning(): Promise<boolean>;
}

export interface RunRefreshInput {
  readonly io: RefreshIO;
  readonly callbacks: RefreshCallbacks;
  readonly spec: RefreshSpec;
  readonly event: RefreshEvent;
}

/** What the charm gets back: the final decision, already applied, and what to show and report. */
export interface RefreshRun {
  readonly decision: RefreshDecision;
  /** True while a refresh is (or may be) in progress, and for the event that completed it. */
  readonly inProgress: boolean;
  readonly isTearingDown: boolean;
  /** False until the peer relation exists and every planned unit joined it: install nothing, start nothing. */
  readonly peerRelationReady: boolean;
  readonly unitStatusHigh?: Status;
  readonly unitStatusLow?: Status;
  readonly appStatus?: Status;
  /** Outcome of `pre-refresh-check`/`force-refresh-start`/`resume-refresh`, to report with action-set/fail/log. */
  readonly action?: ActionOutcome;
  readonly nextUnitAllowedToRefresh: boolean;
}

// Enough for every effect once plus a spare: decide asks for each at most once per event.
const MAX_ROUNDS = 6;

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs the refresh library for one event. Rejects only when the IO itself fails
 * (a hook tool or the filesystem); callback failures become effect results.
 */
export const runRefresh = async ({ io, callbacks, spec, event }: RunRefreshInput): Promise<RefreshRun> => {
  const stateDir = path.join(io.charmDir, LOCAL_STATE_DIR);
  const stateFile = (name: string) => path.join(stateDir, name);
  await io.makeDirectory(stateDir);

  const [history, started, workloadVersion, initialized, tearingDown, tearingDownLogged] = await Promise.all([
    io.readFile(stateFile(LOCAL_FILES.history)),
    io.fileMtime(stateFile(LOCAL_FILES.refreshStarted)),
    io.readFile(stateFile(LOCAL_FILES.installedWorkloadVersion)),
    io.fileMtime(stateFile(LOCAL_FILES.peerRelationInitialized)),
    io.fileMtime(stateFile(LOCAL_FILES.tearingDown)),
    io.fileMtime(stateFile(LOCAL_FILES.tearingDownLogged)),
  ]);
  const local: LocalState = {
    ...(history === undefined ? {} : { history }),
    refreshStarted: started !== undefined,
    ...(workloadVersion === undefined ? {} : { installedWorkloadVersion: workloadVersion }),
    peerRelationInitialized: initialized !== undefined,
    tearingDown: tearingDown !== undefined,
    tearingDownLogged: tearingDownLogged !== undefined,
  };

  const [jujuCharmText, jujuCharmMtime, versionsText] = await Promise.all([
    io.readFile(path.join(io.charmDir, DOT_JUJU_CHARM)),
    io.fileMtime(path.join(io.charmDir, DOT_JUJU_CHARM)),
    io.readFile(path.join(io.charmDir, REFRESH_VERSIONS_TOML)),
  ]);
  let versions: RefreshVersionsResult =
    versionsText === undefined
      ? { ok: false, error: `${REFRESH_VERSIONS_TOML} missing from the charm directory` }
      : parseRefreshVersions(versionsText, io.architecture);
  if (jujuCharmText === undefined || jujuCharmMtime === undefined) {
    versions = { ok: false, error: `${DOT_JUJU_CHARM} missing from the charm directory` };
  }

  const [isLeader, peer, pause] = await Promise.all([io.isLeader(), io.readPeerData(), io.pauseAfterUnitRefresh()]);
  // goal-state costs a process: only needed until this unit has seen every planned unit join.
  const plannedUnits = !local.peerRelationInitialized && peer !== null ? await io.plannedUnits() : undefined;
  const installedSnapRevision = versions.ok ? await callbacks.installedSnapRevision(versions.versions.snapName) : null;

  const base: Omit<RefreshSnapshot, 'effects' | 'workloadRunning'> = {
    event,
    appName: io.appName,
    unitName: io.unitName,
    isLeader,
    spec,
    charm: { jujuCharm: (jujuCharmText ?? '').trim(), jujuCharmMtime: jujuCharmMtime ?? Number.NaN, versions },
    local,
    installedSnapRevision,
    peer,
    pauseAfterUnitRefresh: pause,
    ...(plannedUnits === undefined ? {} : { plannedUnits }),
    now: io.now(),
  };

  let effects: EffectResults = {};
  let filesApplied = 0;
  let logsEmitted = 0;
  let decision: RefreshDecision | undefined;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const workloadRunning = versions.ok ? await callbacks.isWorkloadRunning() : false;
    decision = decide({ ...base, workloadRunning, effects });
    // Files and logs of a partial decision are a prefix of the final one: apply them now, so
    // durable decisions (e.g. "refresh started") survive a slow or failing effect.
    filesApplied = await applyFiles(io, stateFile, decision, filesApplied);
    for (const line of decision.log.slice(logsEmitted)) io.log(line.level, line.message);
    logsEmitted = decision.log.length;
    const request = decision.request;
    if (request === undefined) break;
    if (request.kind === 'run-pre-refresh-checks') {
      effects = { ...effects, preRefreshChecks: await callbacks.runPreRefreshChecks().catch((error: unknown) => ({ ok: false as const, message: errorText(error) })) };
    } else if (request.kind === 'check-health-for-gate') {
      effects = { ...effects, healthCheck: await callbacks.checkHealthForGate().catch((error: unknown) => ({ healthy: false as const, reason: errorText(error) })) };
    } else {
      try {
        const installedRevision = await callbacks.refreshSnap(request);
        effects = { ...effects, snapRefresh: { installedRevision } };
      } catch (error) {
        const installedRevision = await callbacks.installedSnapRevision(request.snapName);
        effects = { ...effects, snapRefresh: { installedRevision, error: errorText(error) } };
      }
    }
  }
  if (decision === undefined || decision.request !== undefined) {
    throw new Error('refresh decision did not settle');
  }

  const unitChanges = encodeChanges(decision.unitBag);
  if (Object.keys(unitChanges).length > 0) await io.writeUnitData(unitChanges);
  const appChanges = encodeChanges(decision.appBag);
  if (isLeader && Object.keys(appChanges).length > 0) await io.writeAppData(appChanges);
  if (decision.applicationVersion !== undefined) await io.setApplicationVersion(decision.applicationVersion);

  const special = decision.outcome;
  return {
    decision,
    inProgress:
      decision.inProgress !== false ||
      (decision.refreshCompletedThisEvent && Object.keys(peer?.units ?? {}).length > 1),
    isTearingDown: special === 'unit-tearing-down',
    peerRelationReady: special !== 'peer-relation-not-ready' && special !== 'unit-tearing-down',
    ...(decision.unitStatusHigh === undefined ? {} : { unitStatusHigh: decision.unitStatusHigh }),
    ...(decision.unitStatusLow === undefined ? {} : { unitStatusLow: decision.unitStatusLow }),
    ...(decision.appStatus === undefined ? {} : { appStatus: decision.appStatus }),
    ...(decision.action === undefined ? {} : { action: decision.action }),
    nextUnitAllowedToRefresh: decision.gate,
  };
};

const encodeChanges = (changes: Readonly<Record<string, string | null>>): Record<string, string> =>
  Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value ?? '']));

const applyFiles = async (
  io: RefreshIO,
  stateFile: (name: string) => string,
  decision: RefreshDecision,
  from: number,
): Promise<number> => {
  for (const op of decision.files.slice(from)) {
    if (op.op === 'write') await io.writeFile(stateFile(op.name), op.content);
    else await io.deleteFile(stateFile(op.name));
  }
  return decision.files.length;
};
