/**
 * Runs the hooks and actions the core starts: a `dispatch` process per event
 * with the hook's context, then the exit folded into a result for the core
 * (fail-next-hook, kills and timeouts count as failures, as Juju counts an
 * interrupted hook), the action's outcome, and one line in the hook log.
 */
import { appendFileSync } from 'node:fs';
import { removePidFile, writePidFile } from '../home.js';
import type { HookContext } from './contexts.js';
import { toolCallRecords } from './contexts.js';
import { eventLabel } from './events.js';
import { spawnHook } from './hook-process.js';
import type { HookExit } from './hook-process.js';
import type { Runtime } from './runtime.js';
import type { ActionOutcome, QueuedEvent } from './state.js';

export class HookRunner {
  /** Unit name → its running hook's context. */
  private readonly byUnit = new Map<string, HookContext>();

  constructor(private readonly runtime: Runtime) {}

  running(): HookContext[] {
    return [...this.byUnit.values()];
  }

  /** A context for `event` on `unit`, with the unit's environment. */
  openContext(unit: string, event: QueuedEvent): HookContext {
    const { home, model, state } = this.runtime;
    const core = this.runtime.coreUnit(unit);
    const sim = state.units[unit];
    if (!sim) throw new Error(`unit ${JSON.stringify(unit)} has no machine`);
    return this.runtime.contexts.openContext(unit, event, {
      machineId: core.juju.machineId,
      charmDir: sim.charmDir,
      modelName: model.name,
      modelUuid: model.uuid,
      jujuVersion: model.jujuVersion,
      socketAddress: home.socketAddress,
      pathDirs: [home.hookToolsDir, home.snapToolsDir],
      extra: this.runtime.unitExtraEnv(sim),
      storageLocations: Object.fromEntries(core.juju.storage.map((s) => [s.id, s.location])),
    });
  }

  /** Spawns the unit's dispatch for `event` (the core has marked it running). */
  start(unit: string, event: QueuedEvent): void {
    const { home, state } = this.runtime;
    const ctx = this.openContext(unit, event);
    this.byUnit.set(unit, ctx);
    const logger = `unit.${unit}.${event.name}`;
    const proc = spawnHook({
      charmDir: state.units[unit]?.charmDir ?? '',
      env: ctx.env,
      timeoutMs: state.settings.hookTimeoutMs,
      onStdout: (line) => this.runtime.log(unit, 'DEBUG', logger, line),
      onStderr: (line) => this.runtime.log(unit, 'WARNING', logger, line),
    });
    ctx.process = proc;
    const pidName = `hook-${unit.replace('/', '-')}`;
    if (proc.pid !== undefined) writePidFile(home, pidName, proc.pid);
    void proc.done.then((exit) => {
      removePidFile(home, pidName);
      this.finish(ctx, exit);
    });
  }

  private finish(ctx: HookContext, exit: HookExit): void {
    const { runtime } = this;
    const { event, unit } = ctx;
    if (runtime.stopped) {
      this.byUnit.delete(unit);
      return;
    }
    const label = event.kind === 'action' ? `action "${event.name}"` : `"${event.name}" hook`;
    // Killed from outside (the agent died mid-hook, `sim inject-fault --do kill-hook`): Juju finds
    // the hook unfinished when it comes back and treats it as failed: nothing committed, retried.
    if (exit.signal !== null && !exit.timedOut) runtime.log(unit, 'ERROR', 'juju.worker.uniter', `${label} killed by ${exit.signal}`);
    let code = exit.exitCode ?? 1;
    if (exit.spawnError) runtime.log(unit, 'ERROR', 'juju.worker.uniter', `cannot run dispatch: ${exit.spawnError}`);
    if (exit.timedOut) runtime.log(unit, 'ERROR', 'juju.worker.uniter', `${label} timed out after ${runtime.state.settings.hookTimeoutMs} ms; killed`);
    const sim = runtime.state.units[unit];
    if (event.kind === 'hook' && sim?.failNext && code === 0 && (sim.failNext.hook === undefined || sim.failNext.hook === event.name)) {
      delete sim.failNext;
      code = 1;
      runtime.log(unit, 'WARNING', `unit.${unit}.${event.name}`, 'sim fail-next-hook: the charm raised at the end of the hook');
    }
    const commit = runtime.contexts.close(ctx, code);
    const endedAt = Date.now();
    // The unit counts as running until the core has moved its queue on.
    this.byUnit.delete(unit);
    if (event.kind === 'action') this.completeAction(ctx, event.id, code, exit);
    if (runtime.model.units[unit]) runtime.dispatch({ kind: 'hook-done', unit, exitCode: code, commit });
    const record = {
      unit,
      event: eventLabel(event),
      kind: event.kind,
      startedAt: new Date(ctx.startedAt).toISOString(),
      durationMs: endedAt - ctx.startedAt,
      exitCode: code,
      signal: exit.signal,
      toolCalls: toolCallRecords(ctx),
    };
    appendFileSync(runtime.home.hookLog, `${JSON.stringify(record)}\n`);
  }

  private completeAction(ctx: HookContext, id: string, code: number, exit: HookExit): void {
    const action = ctx.view.action;
    const failed = code !== 0 || action?.failed === true;
    const message = code !== 0 ? `exit status ${code}` : failed ? (action?.failMessage ?? '') : '';
    const results: Record<string, unknown> = { ...(action?.results ?? {}), 'return-code': code };
    for (const [key, buffer] of [['stdout', exit.stdout], ['stderr', exit.stderr]] as const) {
      const text = decodeUtf8(buffer);
      if (text === undefined) {
        results[key] = buffer.toString('base64');
        results[`${key}-encoding`] = 'base64';
      } else {
        results[key] = text;
      }
    }
    const outcome: ActionOutcome = { id, unit: ctx.unit, action: ctx.event.name, status: failed ? 'failed' : 'completed', message, results, logs: action?.logs ?? [] };
    this.runtime.log(ctx.unit, 'INFO', 'juju.worker.uniter.operation', `ran ${JSON.stringify(ctx.event.name)} action (id ${id}): ${outcome.status}`);
    this.runtime.actionDone(outcome);
  }
}

/** The text when `buffer` is valid UTF-8, else undefined (then Juju reports it base64-encoded). */
function decodeUtf8(buffer: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return undefined;
  }
}
