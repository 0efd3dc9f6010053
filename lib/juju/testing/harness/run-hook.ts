/** One run of a charm in a fake hook: the model, the charm directory, the tools, and what comes out. */
import { HookToolError } from '../../hooktools/runner.js';
import type { HookToolRunner } from '../../hooktools/runner.js';
import type { CharmMain } from '../../host.js';
import { afterHook, beforeHook } from '../fake-juju/juju-effects.js';
import type { HookIdentity } from '../fake-juju/juju-effects.js';
import { openHookSession } from '../fake-juju/session.js';
import { createCharmDir, readCharmDir, removeCharmDir } from './charm-dir.js';
import { eventEnv } from './events.js';
import type { HarnessEvent } from './events.js';
import { actionOutcome } from './run-result.js';
import type { RunResult, ToolCallRecord } from './run-result.js';
import { modelFromState, stateFromModel } from './state-model.js';
import type { Identity } from './state-model.js';
import type { State, Status } from './state.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What a run takes from its Context. */
export interface RunSetup {
  readonly identity: Identity;
  /** The charm's YAML files, written into every charm directory. */
  readonly baseFiles: Readonly<Record<string, string>>;
  readonly now: () => Date;
  /** The run's JUJU_CONTEXT_ID, asked for once the charm directory exists. */
  readonly contextId: () => string;
  /** What the consistency checks warned of. */
  readonly warnings: readonly string[];
}

/** Runs `charmMain` for `event` against `state` (already checked); see Context.run. */
export async function runHook(setup: RunSetup, event: HarnessEvent, state: State, charmMain: CharmMain): Promise<RunResult> {
  const { identity: id, baseFiles, now, warnings } = setup;
  const { unitName } = id;
  const model = modelFromState(state, id, event);
  const charmDir = createCharmDir(baseFiles, state.charmFiles);
  try {
    const contextId = setup.contextId();
    const env = eventEnv(event, { ...id, charmDir, contextId });
    const hook: HookIdentity =
      event.kind === 'hook' && event.remoteUnit ? { kind: 'hook', name: event.name, remoteUnit: event.remoteUnit } : { kind: event.kind, name: event.name };
    const at = () => now().toISOString();
    const historyStart = model.history.length;
    beforeHook(model, unitName, hook, at());
    const session = openHookSession(model, { unit: unitName, env, now, cwd: charmDir });
    const toolCalls: ToolCallRecord[] = [];
    const tools: HookToolRunner = {
      run: async (tool, args, options) => {
        const result = session.call(tool, args, options?.stdin);
        const record: Mutable<ToolCallRecord> = { tool, args: [...args], exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
        if (options?.stdin !== undefined) record.stdin = options.stdin;
        toolCalls.push(record);
        if (result.exitCode !== 0) throw new HookToolError(tool, args, result.exitCode, result.stderr);
        return result.stdout;
      },
    };
    const stderrChunks: string[] = [];
    let exitCode: number;
    let error: unknown;
    let threw = false;
    try {
      exitCode = await charmMain({ env: { ...env }, tools, stderr: { write: (text: string) => stderrChunks.push(text) } });
      if (!Number.isInteger(exitCode)) exitCode = 1;
    } catch (caught) {
      threw = true;
      error = caught;
      exitCode = 1;
    }
    const commit = session.finish(exitCode);
    afterHook(model, unitName, hook, exitCode, at());
    const charmFiles = readCharmDir(charmDir, baseFiles, state.charmFiles);
    const newState = stateFromModel(state, model, id, charmFiles);
    const history = model.history.slice(historyStart);
    const unit = model.units[unitName];
    const result: Mutable<RunResult> = {
      state: newState,
      exitCode,
      logs: model.logs.slice(),
      unitStatusHistory: history.flatMap((h) => (h.kind === 'unit-status' ? [{ name: h.status, message: h.message }] : [])),
      appStatusHistory: history.flatMap((h) => (h.kind === 'app-status' ? [{ name: h.status, message: h.message }] : [])),
      workloadVersionHistory: history.flatMap((h) => (h.kind === 'workload-version' ? [h.version] : [])),
      agentStatus: { name: unit?.agentStatus.status ?? 'idle', message: unit?.agentStatus.message ?? '' },
      toolCalls,
      commit,
      warnings,
      env,
      stderr: stderrChunks.join(''),
    };
    if (threw) result.error = error;
    if (event.kind === 'action' && model.action) result.actionResult = actionOutcome(model.action, exitCode);
    return result;
  } finally {
    removeCharmDir(charmDir);
  }
}
