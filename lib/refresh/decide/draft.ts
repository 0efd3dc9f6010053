/**
 * The decision under construction, as an immutable value: each step of `decide`
 * takes a draft and returns a new one. Small pure helpers add a log line, a
 * local-file operation or an action outcome; nothing here is mutated in place.
 */
import { REFRESH_ACTIONS, type LocalFileName } from '../constants.js';
import type { HistoryEntry, OriginalVersions } from '../databag.js';
import type { PinnedVersions } from '../refresh-versions.js';
import type { ActionOutcome, FileOp, InProgress, LogLevel, LogLine, RefreshEvent, SpecialOutcome, Status } from '../types.js';

/** A refresh action handled in this event: Juju's outcome shape plus the action's name. */
export interface ActionDraft extends ActionOutcome {
  readonly name: string;
}

/** This unit's own databag values as they stand at this point of the event. */
export interface OwnState {
  readonly installedSnapRevision: string | undefined;
  readonly gate: boolean;
  readonly started: boolean;
  readonly lastRefresh: HistoryEntry;
  readonly lastCompleted: HistoryEntry | undefined;
  /** Contents of the installed-workload-version file as they stand now. */
  readonly workloadVersion: string | undefined;
}

export interface Draft {
  readonly files: readonly FileOp[];
  readonly log: readonly LogLine[];
  readonly action: ActionDraft | undefined;
  readonly outcome?: SpecialOutcome;
  readonly pinned?: PinnedVersions;
  readonly applicationVersion?: string;
  readonly unitStatusHigh?: Status;
  readonly unitStatusLow?: Status;
  readonly appStatus?: Status;
  readonly inProgress: InProgress;
  readonly refreshCompleted: boolean;
  readonly healthCheckFailure?: string;
  readonly snapRefreshFailed: boolean;
  /** Original versions the leader writes at the end of this event. */
  readonly originalsToWrite?: OriginalVersions;
}

const REFRESH_ACTION_NAMES: ReadonlySet<string> = new Set(REFRESH_ACTIONS);

/** The empty draft: a refresh action starts as completed with no results. */
export const emptyDraft = (event: RefreshEvent): Draft => ({
  files: [],
  log: [],
  action:
    event.kind === 'action' && REFRESH_ACTION_NAMES.has(event.name)
      ? { name: event.name, status: 'completed', results: {}, log: [] }
      : undefined,
  inProgress: 'unknown',
  refreshCompleted: false,
  snapRefreshFailed: false,
});

export const log = (d: Draft, level: LogLevel, message: string): Draft => ({ ...d, log: [...d.log, { level, message }] });

export const writeFile = (d: Draft, name: LocalFileName, content = ''): Draft => ({
  ...d,
  files: [...d.files, { op: 'write', name, content }],
});

export const removeFile = (d: Draft, name: LocalFileName): Draft => ({ ...d, files: [...d.files, { op: 'delete', name }] });

/** Whether this event runs the named refresh action. */
export const runs = (d: Draft, name: string): boolean => d.action?.name === name;

/** Fails the event's refresh action (the last message wins); no-op when the event is not one. */
export const failAction = (d: Draft, message: string): Draft =>
  d.action === undefined ? d : { ...d, action: { ...d.action, status: 'failed', message } };

export const actionLog = (d: Draft, line: string): Draft =>
  d.action === undefined ? d : { ...d, action: { ...d.action, log: [...d.action.log, line] } };

/** Sets the action's `result` (the library sets no other key). */
export const actionResult = (d: Draft, text: string): Draft =>
  d.action === undefined ? d : { ...d, action: { ...d.action, results: { ...d.action.results, result: text } } };
