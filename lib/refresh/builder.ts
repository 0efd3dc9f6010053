/**
 * Accumulates one decision while `decide` walks the per-event algorithm. Local,
 * short-lived mutable state: `decide` stays a pure function of its snapshot.
 */
import { REFRESH_UNIT_KEYS } from './constants.js';
import { bagChanges, type HistoryEntry, type OriginalVersions, originalVersionsValues } from './databag.js';
import type { CharmCodeHistory } from './history.js';
import type { PinnedVersions } from './refresh-versions.js';
import type {
  ActionOutcome,
  EffectResults,
  FileOp,
  InProgress,
  LogLevel,
  LogLine,
  RefreshDecision,
  RefreshRequest,
  RefreshSnapshot,
  SpecialOutcome,
  Status,
} from './types.js';
import type { LocalFileName } from './constants.js';
import { unitNumber, type RefreshView, type UnitView } from './view.js';

/** Thrown inside `decide` to unwind when an effect's result is needed; never escapes. */
export class EffectPending {
  constructor(readonly request: RefreshRequest) {}
}

/** A refresh action being handled in this event. */
export class ActionRecorder {
  private status: 'completed' | 'failed' = 'completed';
  private message: string | undefined;
  private readonly results: Record<string, string> = {};
  private readonly lines: string[] = [];

  constructor(readonly name: string) {}

  fail(message: string): void {
    this.status = 'failed';
    this.message = message;
  }

  log(line: string): void {
    this.lines.push(line);
  }

  result(text: string): void {
    this.results['result'] = text;
  }

  get failed(): boolean {
    return this.status === 'failed';
  }

  outcome(): ActionOutcome {
    return {
      status: this.status,
      ...(this.message === undefined ? {} : { message: this.message }),
      results: { ...this.results },
      log: [...this.lines],
    };
  }
}

/** This unit's own databag values as they stand at this point of the event. */
export interface OwnState {
  installedSnapRevision: string | undefined;
  gate: boolean;
  started: boolean;
  lastRefresh: HistoryEntry;
  lastCompleted: HistoryEntry | undefined;
  /** Contents of the installed-workload-version file as they stand now. */
  workloadVersion: string | undefined;
}

export class DecisionBuilder {
  readonly files: FileOp[] = [];
  readonly logs: LogLine[] = [];
  action: ActionRecorder | undefined;
  outcome: SpecialOutcome | undefined;
  applicationVersion: string | undefined;
  unitStatusHigh: Status | undefined;
  unitStatusLow: Status | undefined;
  appStatus: Status | undefined;
  inProgress: InProgress = 'unknown';
  refreshCompleted = false;
  healthCheckFailure: string | undefined;
  snapRefreshFailed = false;
  pinned: PinnedVersions | undefined;
  own: OwnState | undefined;
  history: CharmCodeHistory | undefined;
  others: UnitView[] = [];
  /** Original versions the leader writes at the end of this event. */
  originalsToWrite: OriginalVersions | undefined;
  /** Computes the app status from the state reached so far (set once the view exists). */
  statusHook: (() => void) | undefined;

  constructor(readonly snapshot: RefreshSnapshot) {
    const event = snapshot.event;
    if (
      event.kind === 'action' &&
      (event.name === 'pre-refresh-check' || event.name === 'force-refresh-start' || event.name === 'resume-refresh')
    ) {
      this.action = new ActionRecorder(event.name);
    }
  }

  log(level: LogLevel, message: string): void {
    this.logs.push({ level, message });
  }

  write(name: LocalFileName, content = ''): void {
    this.files.push({ op: 'write', name, content });
  }

  remove(name: LocalFileName): void {
    this.files.push({ op: 'delete', name });
  }

  /** The result of an effect performed earlier in this event, or unwinds to request it. */
  need<K extends keyof EffectResults>(key: K, request: RefreshRequest): NonNullable<EffectResults[K]> {
    const result = this.snapshot.effects[key];
    if (result === undefined) throw new EffectPending(request);
    return result as NonNullable<EffectResults[K]>;
  }

  /** Every unit's view with this unit's values as they stand now. */
  view(): RefreshView {
    const own = this.own;
    const pinned = this.pinned;
    const history = this.history;
    if (own === undefined || pinned === undefined || history === undefined) {
      throw new Error('view() before own state is known');
    }
    const self: UnitView = {
      name: this.snapshot.unitName,
      number: unitNumber(this.snapshot.unitName),
      isSelf: true,
      ...(own.installedSnapRevision === undefined ? {} : { installedSnapRevision: own.installedSnapRevision }),
      gate: own.gate,
      started: own.started,
      lastRefresh: own.lastRefresh,
      problems: [],
    };
    const units = [...this.others, self].sort((a, b) => b.number - a.number);
    return { units, pinnedRevision: pinned.snapRevision, jujuCharm: this.snapshot.charm.jujuCharm, history };
  }

  build(request?: RefreshRequest): RefreshDecision {
    if (request !== undefined) this.statusHook?.();
    const ownRaw = this.snapshot.peer?.units[this.snapshot.unitName] ?? {};
    const own = this.own;
    const unitBag =
      own === undefined || this.outcome === 'unit-tearing-down'
        ? {}
        : bagChanges(ownRaw, {
            [REFRESH_UNIT_KEYS.started]: own.started,
            [REFRESH_UNIT_KEYS.lastRefresh]: own.lastRefresh,
            [REFRESH_UNIT_KEYS.installedSnapRevision]: own.installedSnapRevision,
            [REFRESH_UNIT_KEYS.gate]: own.gate,
            ...(own.lastCompleted === undefined ? {} : { [REFRESH_UNIT_KEYS.lastCompleted]: own.lastCompleted }),
          });
    const appBag =
      this.originalsToWrite === undefined || !this.snapshot.isLeader
        ? {}
        : bagChanges(this.snapshot.peer?.app ?? {}, originalVersionsValues(this.originalsToWrite));
    return {
      files: [...this.files],
      unitBag,
      appBag,
      ...(this.applicationVersion === undefined ? {} : { applicationVersion: this.applicationVersion }),
      ...(this.unitStatusHigh === undefined ? {} : { unitStatusHigh: this.unitStatusHigh }),
      ...(this.unitStatusLow === undefined ? {} : { unitStatusLow: this.unitStatusLow }),
      ...(this.appStatus === undefined ? {} : { appStatus: this.appStatus }),
      log: [...this.logs],
      ...(this.action === undefined ? {} : { action: this.action.outcome() }),
      inProgress: this.inProgress,
      refreshCompletedThisEvent: this.refreshCompleted,
      ...(this.outcome === undefined ? {} : { outcome: this.outcome }),
      ...(request === undefined ? {} : { request }),
      gate: own?.gate ?? false,
      ...(this.healthCheckFailure === undefined ? {} : { healthCheckFailure: this.healthCheckFailure }),
      snapRefreshFailed: this.snapRefreshFailed,
      ...(this.pinned === undefined
        ? {}
        : {
            pinned: {
              snapName: this.pinned.snapName,
              snapRevision: this.pinned.snapRevision,
              workload: this.pinned.workload,
            },
          }),
    };
  }
}
