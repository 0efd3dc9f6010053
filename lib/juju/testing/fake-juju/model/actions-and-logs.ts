/** Actions, logs and history. */
import type { WorkloadStatusName } from './status.js';

export interface ActionModel {
  /** Numeric string, as Juju 3.x uses. */
  id: string;
  name: string;
  unit: string;
  /** Params after schema defaults are filled in. */
  params: Record<string, unknown>;
  /** Nested as `action-set a.b=v` builds them; leaves are strings. */
  results: Record<string, unknown>;
  /** `action-log` messages, in order. */
  logs: string[];
  failed: boolean;
  /** The `action-fail` message. */
  failMessage?: string;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface LogEntry {
  unit: string;
  level: LogLevel;
  message: string;
  at: string;
}

/** A "Now" effect that happened, in order; the simulator turns these into debug-log and status history. */
export type HistoryEntry =
  | { kind: 'unit-status'; unit: string; status: WorkloadStatusName; message: string; at: string }
  | { kind: 'app-status'; unit: string; status: WorkloadStatusName; message: string; at: string }
  | { kind: 'workload-version'; unit: string; version: string; at: string }
  | { kind: 'action-log'; unit: string; actionId: string; message: string; at: string };
