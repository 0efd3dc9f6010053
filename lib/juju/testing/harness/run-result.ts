/** What Context.run reports of a run. */
import type { CommitResult } from '../fake-juju/commit.js';
import type { ActionModel, AgentStatusValue, LogEntry } from '../fake-juju/model.js';
import type { StatusValue } from '../../hooktools/status.js';
import type { State, Status } from './state.js';

export interface ToolCallRecord {
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin?: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ActionResult {
  readonly status: 'completed' | 'failed';
  readonly message?: string;
  /** The `action-set` results (nested by dotted keys; leaves are strings). */
  readonly results: Readonly<Record<string, unknown>>;
  readonly logs: readonly string[];
}

export interface RunResult {
  readonly state: State;
  readonly exitCode: number;
  /** What the charm threw, if it threw (counted as exit 1). */
  readonly error?: unknown;
  /** `juju-log` lines of this run. */
  readonly logs: readonly LogEntry[];
  /** Every unit status the unit went through during the run, in order (the charm's and Juju's own). */
  readonly unitStatusHistory: readonly Status[];
  readonly appStatusHistory: readonly Status[];
  readonly workloadVersionHistory: readonly string[];
  /** The unit agent's status after the hook: `error` / `hook failed: "<hook>"` when the hook failed. */
  readonly agentStatus: AgentStatus;

  /** Present for action events. */
  readonly actionResult?: ActionResult;
  readonly toolCalls: readonly ToolCallRecord[];
  /** What the hook committed (nothing when it failed). */
  readonly commit: CommitResult;
  readonly warnings: readonly string[];
  /** The environment the charm was given. */
  readonly env: Readonly<Record<string, string>>;
  /** What the charm wrote to `host.stderr` (Juju copies it into the unit log at WARNING). */
  readonly stderr: string;
}

// Contract §3.5: exit ≠ 0 fails with "exit status N" (and nothing was committed);
// action-fail then exit 0 fails with its message (changes committed).
export const actionOutcome = (action: ActionModel, exitCode: number): ActionResult => {
  const base = { results: structuredClone(action.results), logs: [...action.logs] };
  if (exitCode !== 0) return { status: 'failed', message: `exit status ${exitCode}`, ...base };
  if (action.failed) return { status: 'failed', message: action.failMessage ?? '', ...base };
  return { status: 'completed', ...base };
};

/** The unit agent's status, in the same `{ name, message }` shape as workload statuses. */
export type AgentStatus = StatusValue<AgentStatusValue['status']>;
