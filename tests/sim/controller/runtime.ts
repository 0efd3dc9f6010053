/**
 * The controller's runtime: it holds the model, feeds inputs to the pure core
 * (`step`) and carries out the commands it returns: hook processes (hook-run.ts),
 * timers, unit directories (unit-layout.ts) and the state file.
 */
import { step } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { Command, CoreModel, CoreUnit, Input } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { LogLevel } from '../../../lib/juju/testing/fake-juju/model.js';
import { appendLog } from '../debug-log.js';
import type { SimHome } from '../home.js';
import { removePidFile } from '../home.js';
import { snapToolsEnv } from '../snapd/index.js';
import { HookContexts } from './contexts.js';
import type { HookContext } from './contexts.js';
import { eventLabel } from './events.js';
import { HookRunner } from './hook-run.js';
import { installUnitCharm, layOutUnit, removeUnitMachine } from './unit-layout.js';
import { saveState } from './state.js';
import type { ActionOutcome, QueuedEvent, SimState, SimUnit } from './state.js';

type InputBody = Input extends infer I ? (I extends { at: number } ? Omit<I, 'at'> : never) : never;

export interface RunningInfo {
  readonly unit: string;
  readonly event: string;
  readonly since: string;
}

export class Runtime {
  readonly home: SimHome;
  state: SimState;
  readonly contexts: HookContexts;
  readonly hooks: HookRunner;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly actionWaiters = new Map<string, (outcome: ActionOutcome) => void>();
  private saveScheduled = false;
  stopped = false;
  /** Removal work still in progress (workload stop, directory removal). */
  private readonly cleanups = new Set<Promise<void>>();

  constructor(home: SimHome, state: SimState) {
    this.home = home;
    this.state = state;
    this.contexts = new HookContexts(() => this.state.model, (lines) => appendLog(this.home.debugLog, lines));
    this.hooks = new HookRunner(this);
  }

  get model(): CoreModel {
    return this.state.model;
  }

  /** Feeds one input to the core at the wall clock's time and carries out its commands. Throws what the core refuses. */
  dispatch(body: InputBody): Record<string, unknown> {
    if (this.stopped) return {};
    const result = step(this.state.model, { ...body, at: Date.now() } as Input);
    this.state.model = result.model;
    for (const command of result.commands) this.carryOut(command);
    return result.reply;
  }

  /** Starts what is ready and re-arms timers (after a restart, or when a retry is due). */
  resume(): void {
    for (const unit of Object.values(this.model.units)) {
      // A hook the previous controller was running did not finish: Juju runs it again.
      if (unit.running?.kind === 'action') unit.actions.unshift(unit.running);
      delete unit.running;
    }
    this.dispatch({ kind: 'timer', id: 'retry' });
    this.startTimer('update-status', Date.now() + this.state.settings.updateStatusMs);
  }

  private carryOut(command: Command): void {
    switch (command.kind) {
      case 'run':
        this.hooks.start(command.unit, command.event);
        return;
      case 'timer':
        this.startTimer(command.id, command.at);
        return;
      case 'persist':
        this.save();
        return;
      case 'unit-added':
        this.state.units[command.unit] = layOutUnit(this.home, this.coreUnit(command.unit));
        return;
      case 'unit-removed': {
        const sim = this.state.units[command.unit];
        delete this.state.units[command.unit];
        if (!sim) return;
        const cleanup = removeUnitMachine(this.home, sim);
        this.cleanups.add(cleanup);
        void cleanup.finally(() => this.cleanups.delete(cleanup));
        return;
      }
      case 'install-charm': {
        const sim = this.state.units[command.unit];
        if (sim) installUnitCharm(this.home, sim, command.charm, command.previous);
        this.log(command.unit, 'INFO', 'juju.worker.uniter.charm', `charm directory now holds ${command.charm.url}`);
        return;
      }
      case 'log':
        this.log(command.unit, command.level, command.logger, command.message);
        return;
    }
  }

  private startTimer(id: string, at: number): void {
    const previous = this.timers.get(id);
    if (previous) clearTimeout(previous);
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.dispatch({ kind: 'timer', id });
    }, Math.max(0, at - Date.now()) + 1);
    this.timers.set(id, timer);
  }

  // ---------------------------------------------------------------- lookups

  coreUnit(name: string): CoreUnit {
    const unit = this.model.units[name];
    if (!unit) throw new Error(`unit ${JSON.stringify(name)} not found`);
    return unit;
  }

  /** The simulator's record of a unit, if it is in the model. */
  simUnit(name: string): SimUnit | undefined {
    return this.model.units[name] ? this.state.units[name] : undefined;
  }

  /** The environment a unit's processes get for the snap tools (hooks and `sim exec`). */
  unitExtraEnv(unit: SimUnit): Record<string, string> {
    return snapToolsEnv(unit.root, this.home.snapStoreFile, this.state.settings.testParentPid);
  }

  // ---------------------------------------------------------------- persistence and logs

  /** Saves the state soon (once per tick). */
  save(): void {
    if (this.saveScheduled) return;
    this.saveScheduled = true;
    setImmediate(() => {
      this.saveScheduled = false;
      this.saveNow();
    });
  }

  saveNow(): void {
    saveState(this.home, this.state);
  }

  log(unit: string, level: LogLevel | string, logger: string, message: string): void {
    appendLog(this.home.debugLog, [{ at: new Date().toISOString(), unit, level, logger, message }]);
  }

  // ---------------------------------------------------------------- actions

  /** Records an action's outcome and wakes whoever waits for it. */
  actionDone(outcome: ActionOutcome): void {
    this.state.actionResults[outcome.id] = outcome;
    this.actionWaiters.get(outcome.id)?.(outcome);
    this.actionWaiters.delete(outcome.id);
  }

  /** Resolves once action `id` has finished. */
  waitForAction(id: string): Promise<ActionOutcome> {
    const done = this.state.actionResults[id];
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.actionWaiters.set(id, resolve));
  }

  // ---------------------------------------------------------------- test seam contexts

  /** Opens a context with no process behind it (Juju's effects before the hook applied). */
  openSeamContext(unit: string, event: QueuedEvent): HookContext {
    this.dispatch({ kind: 'context-opened', unit, event });
    return this.hooks.openContext(unit, event);
  }

  /** Ends a seam context: commit or discard, Juju's effects after the hook, what the commit wakes. */
  closeSeamContext(ctx: HookContext, exitCode: number): Record<string, unknown> {
    const commit = this.contexts.close(ctx, exitCode);
    this.dispatch({ kind: 'context-closed', unit: ctx.unit, event: ctx.event, exitCode, commit });
    return { commit };
  }

  // ---------------------------------------------------------------- waiting and shutdown

  /** What `sim wait` needs: what runs, what waits, which units are stuck in error. */
  idle(): { settled: boolean; running: RunningInfo[]; queued: Record<string, string[]>; errors: Record<string, { hook: string; attempts: number }> } {
    const settle = this.state.settings.settleAfterFailures;
    const running: RunningInfo[] = this.hooks.running().map((c) => ({ unit: c.unit, event: eventLabel(c.event), since: new Date(c.startedAt).toISOString() }));
    const queued: Record<string, string[]> = {};
    const errors: Record<string, { hook: string; attempts: number }> = {};
    let busy = running.length > 0 || this.cleanups.size > 0;
    for (const unit of Object.values(this.model.units)) {
      const waiting = [...unit.actions.map(eventLabel), ...unit.queue.map(eventLabel)];
      if (waiting.length > 0) queued[unit.name] = waiting;
      if (unit.failure) errors[unit.name] = { hook: unit.queue[0]?.name ?? '?', attempts: unit.failure.attempts };
      const stuck = unit.failure !== undefined && unit.failure.attempts >= settle;
      if (unit.running || unit.actions.length > 0 || (unit.queue.length > 0 && !stuck) || unit.pendingCharm) busy = true;
    }
    return { settled: !busy, running, queued, errors };
  }

  /** Stops scheduling, kills running hooks and waits for removals in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const running = this.hooks.running();
    for (const ctx of running) ctx.process?.kill('SIGKILL');
    await Promise.all(running.map((c) => c.process?.done));
    for (const ctx of running) removePidFile(this.home, `hook-${ctx.unit.replace('/', '-')}`);
    await Promise.all([...this.cleanups]);
  }
}
