/**
 * The controller's engine: one hook at a time per unit (or one in the model when
 * seeded), Juju's commit rules through the fake Juju's hook sessions, the
 * events that follow a commit, retries with back-off, and the model topology
 * (scope, removal, leadership). Request handlers (requests.ts) drive it.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { afterHook, beforeHook } from '../../../lib/juju/testing/fake-juju/juju-effects.js';
import { compareUnitNames, findRelation, latestRevision } from '../../../lib/juju/testing/fake-juju/model.js';
import type { ActionModel, FakeModel, LogLevel } from '../../../lib/juju/testing/fake-juju/model.js';
import { openHookSession } from '../../../lib/juju/testing/fake-juju/session.js';
import type { CommitResult, HookSession, ToolResult } from '../../../lib/juju/testing/fake-juju/session.js';
import { installCharm } from '../charm-store.js';
import type { CharmRef } from '../charm-store.js';
import { appendLog } from '../debug-log.js';
import type { LogLine } from '../debug-log.js';
import type { SimHome } from '../home.js';
import { removePidFile, unitDir, writePidFile } from '../home.js';
import { shutdownSupervisor, snapToolsEnv } from '../snapd/index.js';
import { changedHook, departedHook, enqueue, eventLabel, joinedHooks, nextRandom, retryDelayMs, teardownSequence } from './events.js';
import { hookEnv } from './hook-env.js';
import type { QueuedEvent, QueuedHook, SimState, SimUnit } from './state.js';
import type { ActionOutcome } from './state.js';
import { saveState } from './state.js';
import { spawnHook } from './hook-process.js';
import type { HookExit, HookProcess } from './hook-process.js';

interface ToolCallRecord {
  tool: string;
  exitCode: number;
  /** Time the controller spent answering. */
  serverMs: number;
  /** The whole call as the tool process measured it (start-up included), when it reported it. */
  ms?: number;
}

/** One open hook context: a running hook, or a test seam's context with no process. */
interface HookContext {
  readonly id: string;
  readonly unit: string;
  readonly event: QueuedEvent;
  readonly session: HookSession;
  readonly env: Record<string, string>;
  readonly startedAt: number;
  action?: ActionModel;
  process?: HookProcess;
  readonly toolCalls: ToolCallRecord[];
}

export interface RunningInfo {
  readonly unit: string;
  readonly event: string;
  readonly since: string;
}

export class Engine {
  readonly home: SimHome;
  state: SimState;
  private readonly contexts = new Map<string, HookContext>();
  /** Unit name → its running hook's context. */
  private readonly running = new Map<string, HookContext>();
  private readonly actionWaiters = new Map<string, (outcome: ActionOutcome) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private saveScheduled = false;
  private stopped = false;
  /** Removal work still in progress (workload stop, directory removal). */
  private readonly cleanups = new Set<Promise<void>>();

  constructor(home: SimHome, state: SimState) {
    this.home = home;
    this.state = state;
  }

  get model(): FakeModel {
    return this.state.model;
  }

  // ---------------------------------------------------------------- lookups

  /** The simulator's unit record. Throws when the unit does not exist. */
  unit(name: string): SimUnit {
    const unit = this.state.units[name];
    if (!unit) throw new Error(`unit ${JSON.stringify(name)} not found`);
    return unit;
  }

  unitNames(): string[] {
    return Object.keys(this.state.units).sort(compareUnitNames);
  }

  aliveUnits(): SimUnit[] {
    return this.unitNames().map((n) => this.unit(n)).filter((u) => !u.dying);
  }

  runningUnits(): ReadonlySet<string> {
    return new Set(this.running.keys());
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
    if (this.stopped && !this.state) return;
    saveState(this.home, this.state);
  }

  log(unit: string, level: LogLevel | string, logger: string, message: string): void {
    appendLog(this.home.debugLog, [{ at: new Date().toISOString(), unit, level, logger, message }]);
  }

  /** Moves juju-log lines out of the model into the debug log, and drops status history (it is in the log). */
  private drainModelLogs(): void {
    const { model } = this;
    if (model.logs.length > 0) {
      const lines: LogLine[] = model.logs.map((l) => ({ at: l.at, unit: l.unit, level: l.level, logger: `unit.${l.unit}.juju-log`, message: l.message }));
      model.logs = [];
      appendLog(this.home.debugLog, lines);
    }
    if (model.history.length > 0) model.history = [];
  }

  // ---------------------------------------------------------------- queues

  /** How many head entries of the queue must not be coalesced with (running or failed). */
  taken(unit: SimUnit): number {
    const ctx = this.running.get(unit.name);
    return (ctx && ctx.event.kind === 'hook') || unit.failure ? 1 : 0;
  }

  /** Queues hooks on a unit (coalescing idempotent ones) and schedules. Dying units get nothing new unless `force`. */
  queue(unitName: string, hooks: readonly QueuedHook[], force = false): void {
    const unit = this.state.units[unitName];
    if (!unit || (unit.dying && !force)) return;
    unit.queue = enqueue(unit.queue, hooks, this.taken(unit));
    this.save();
    this.pump();
  }

  /** The next thing the unit would run now, if any. */
  private nextEvent(unit: SimUnit, now: number): QueuedEvent | undefined {
    const installed = !unit.queue.some((h) => h.name === 'install');
    if (unit.actions.length > 0 && installed) return unit.actions[0];
    const head = unit.queue[0];
    if (!head) return undefined;
    if (unit.failure && unit.failure.retryAt > now) return undefined;
    return head;
  }

  /** Starts every hook that may start now. */
  pump(): void {
    if (this.stopped) return;
    const now = Date.now();
    const ready = this.unitNames()
      .map((n) => this.unit(n))
      .filter((u) => !this.running.has(u.name) && this.nextEvent(u, now) !== undefined);
    if (ready.length === 0) return;
    if (this.state.settings.seed !== undefined) {
      if (this.running.size > 0) return;
      const [r, next] = nextRandom(this.state.prngState);
      this.state.prngState = next;
      const pick = ready[Math.floor(r * ready.length)] as SimUnit;
      this.start(pick, this.nextEvent(pick, now) as QueuedEvent);
      return;
    }
    for (const unit of ready) this.start(unit, this.nextEvent(unit, now) as QueuedEvent);
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  // ---------------------------------------------------------------- running hooks

  /** Opens a hook context on `unit` for `event` (Juju's pre-hook status effects included). */
  openContext(unit: SimUnit, event: QueuedEvent): HookContext {
    const model = this.model;
    if (event.kind === 'hook') this.beforeRelationHook(unit, event);
    const at = new Date().toISOString();
    beforeHook(
      model,
      unit.name,
      event.kind === 'action' ? { kind: 'action', name: event.name } : { kind: 'hook', name: event.name, ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}) },
      at,
    );
    const label = event.kind === 'action' ? event.name : event.name;
    const id = `${unit.name}-${label}-${randomBytes(8).toString('hex')}`;
    const env = hookEnv(event, {
      unit: unit.name,
      machineId: model.units[unit.name]?.machineId ?? String(unit.number),
      charmDir: unit.charmDir,
      modelName: model.name,
      modelUuid: model.uuid,
      jujuVersion: model.jujuVersion,
      contextId: id,
      socketAddress: this.home.socketAddress,
      pathDirs: [this.home.hookToolsDir, this.home.snapToolsDir],
      extra: this.unitExtraEnv(unit),
      storageLocations: Object.fromEntries((model.units[unit.name]?.storage ?? []).map((s) => [s.id, s.location])),
    });
    const session = openHookSession(model, { unit: unit.name, env });
    const ctx: HookContext = { id, unit: unit.name, event, session, env, startedAt: Date.now(), toolCalls: [] };
    if (event.kind === 'action') {
      ctx.action = { id: event.id, name: event.name, unit: unit.name, params: structuredClone(event.params), results: {}, logs: [], failed: false };
    }
    this.contexts.set(id, ctx);
    return ctx;
  }

  /** relation-list follows the joined/departed hooks: update the unit's view before they run. */
  private beforeRelationHook(unit: SimUnit, event: QueuedHook): void {
    if (event.relationId === undefined || !event.remoteUnit) return;
    const relation = findRelation(this.model, event.relationId);
    if (!relation) return;
    const seen = relation.joined[unit.name] ?? [];
    if (event.name.endsWith('-relation-joined') && !seen.includes(event.remoteUnit)) {
      relation.joined[unit.name] = [...seen, event.remoteUnit].sort(compareUnitNames);
    }
    if (event.name.endsWith('-relation-departed')) relation.joined[unit.name] = seen.filter((u) => u !== event.remoteUnit);
  }

  private start(unit: SimUnit, event: QueuedEvent): void {
    if (event.kind === 'action') unit.actions.shift();
    const ctx = this.openContext(unit, event);
    this.running.set(unit.name, ctx);
    const hookName = event.kind === 'action' ? event.name : event.name;
    const logger = `unit.${unit.name}.${hookName}`;
    const proc = spawnHook({
      charmDir: unit.charmDir,
      env: ctx.env,
      timeoutMs: this.state.settings.hookTimeoutMs,
      onStdout: (line) => this.log(unit.name, 'DEBUG', logger, line),
      onStderr: (line) => this.log(unit.name, 'WARNING', logger, line),
    });
    ctx.process = proc;
    const pidName = `hook-${unit.name.replace('/', '-')}`;
    if (proc.pid !== undefined) writePidFile(this.home, pidName, proc.pid);
    this.save();
    void proc.done.then((exit) => {
      removePidFile(this.home, pidName);
      this.finish(ctx, exit);
    });
  }

  /** Answers one hook-tool call from the context's session. */
  callTool(contextId: string, tool: string, args: readonly string[], stdin: string | undefined): ToolResult {
    const ctx = this.contexts.get(contextId);
    if (!ctx) return { stdout: '', stderr: `ERROR bad request: unknown context id ${JSON.stringify(contextId)}\n`, exitCode: 1 };
    const started = performance.now();
    // The fake model has one action slot; units run concurrently, so swap it per call.
    this.swapActionIn(ctx);
    let result: ToolResult;
    try {
      result = ctx.session.call(tool, args, stdin);
    } finally {
      this.swapActionOut(ctx);
    }
    ctx.toolCalls.push({ tool, exitCode: result.exitCode, serverMs: performance.now() - started });
    this.drainModelLogs();
    return result;
  }

  private swapActionIn(ctx: HookContext): void {
    if (ctx.action) this.model.action = ctx.action;
    else delete this.model.action;
  }

  private swapActionOut(ctx: HookContext): void {
    if (this.model.action) ctx.action = this.model.action;
    delete this.model.action;
  }

  /** The tool process's own measure of a call (start-up included). */
  recordToolTiming(contextId: string, tool: string, ms: number): void {
    const ctx = this.contexts.get(contextId);
    const call = ctx?.toolCalls.findLast((c) => c.tool === tool && c.ms === undefined);
    if (call) call.ms = ms;
  }

  /** Ends a context: commits or discards, applies Juju's status effects, queues what follows. */
  finishContext(ctx: HookContext, exitCode: number): CommitResult {
    const unit = this.state.units[ctx.unit];
    this.swapActionIn(ctx);
    const commit = ctx.session.finish(exitCode);
    this.swapActionOut(ctx);
    this.contexts.delete(ctx.id);
    this.drainModelLogs();
    if (!unit) return commit;
    const event = ctx.event;
    const at = new Date().toISOString();
    if (event.kind === 'action') {
      const agent = this.model.units[unit.name]?.agentStatus;
      afterHook(this.model, unit.name, { kind: 'action', name: event.name }, exitCode, at);
      // An action never changes a unit's hook-error state.
      if (unit.failure && agent && this.model.units[unit.name]) (this.model.units[unit.name] as { agentStatus: typeof agent }).agentStatus = agent;
    } else {
      afterHook(this.model, unit.name, { kind: 'hook', name: event.name, ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}) }, exitCode, at);
    }
    if (commit.committed) this.fanOut(unit, commit);
    return commit;
  }

  private finish(ctx: HookContext, exit: HookExit): void {
    // The unit stays "running" until its queue is updated: what this hook queues must not restart it.
    const unit = this.state.units[ctx.unit];
    const event = ctx.event;
    const label = event.kind === 'action' ? `action "${event.name}"` : `"${event.name}" hook`;
    if (this.stopped) {
      this.running.delete(ctx.unit);
      return;
    }
    // Killed from outside (the agent died mid-hook, `sim inject-fault --do kill-hook`): Juju finds
    // the hook unfinished when it comes back and treats it as failed: nothing committed, retried.
    if (exit.signal !== null && !exit.timedOut) this.log(ctx.unit, 'ERROR', 'juju.worker.uniter', `${label} killed by ${exit.signal}`);
    let code = exit.exitCode ?? 1;
    if (exit.spawnError) this.log(ctx.unit, 'ERROR', 'juju.worker.uniter', `cannot run dispatch: ${exit.spawnError}`);
    if (exit.timedOut) this.log(ctx.unit, 'ERROR', 'juju.worker.uniter', `${label} timed out after ${this.state.settings.hookTimeoutMs} ms; killed`);
    if (event.kind === 'hook' && unit?.failNext && code === 0 && (unit.failNext.hook === undefined || unit.failNext.hook === event.name)) {
      delete unit.failNext;
      code = 1;
      this.log(ctx.unit, 'WARNING', `unit.${ctx.unit}.${event.name}`, 'sim fail-next-hook: the charm raised at the end of the hook');
    }
    this.finishContext(ctx, code);
    if (!unit) {
      this.running.delete(ctx.unit);
      return;
    }
    if (event.kind === 'action') {
      this.completeAction(ctx, event.id, code, exit);
    } else if (code === 0) {
      this.log(ctx.unit, 'INFO', 'juju.worker.uniter.operation', `ran ${JSON.stringify(event.name)} hook (via hook dispatching script: dispatch)`);
      unit.queue.shift();
      delete unit.failure;
      this.afterSuccess(unit, event);
    } else {
      const attempts = (unit.failure?.attempts ?? 0) + 1;
      const delay = retryDelayMs(attempts, this.state.settings.retryScale);
      unit.failure = { attempts, retryAt: Date.now() + delay };
      this.log(ctx.unit, 'ERROR', 'juju.worker.uniter.operation', `hook ${JSON.stringify(event.name)} (via hook dispatching script: dispatch) failed: exit status ${code}`);
      this.log(ctx.unit, 'INFO', 'juju.worker.uniter', `awaiting error resolution for "${event.name}" hook (retry in ${delay} ms)`);
      this.later(delay + 1, () => this.pump());
    }
    this.afterRun(ctx, exit, code);
  }

  private afterRun(ctx: HookContext, exit: HookExit, code: number | null): void {
    this.running.delete(ctx.unit);
    const unit = this.state.units[ctx.unit];
    if (unit?.pendingCharm) this.swapCharm(unit);
    const record = {
      unit: ctx.unit,
      event: eventLabel(ctx.event),
      kind: ctx.event.kind,
      startedAt: new Date(ctx.startedAt).toISOString(),
      durationMs: Date.now() - ctx.startedAt,
      exitCode: code,
      signal: exit.signal,
      toolCalls: ctx.toolCalls.map((c) => ({ tool: c.tool, exitCode: c.exitCode, ms: c.ms ?? null, serverMs: Math.round(c.serverMs * 1000) / 1000 })),
    };
    appendFileSync(this.home.hookLog, `${JSON.stringify(record)}\n`);
    this.save();
    this.pump();
  }

  private completeAction(ctx: HookContext, id: string, code: number, exit: HookExit): void {
    const action = ctx.action;
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
    const outcome: ActionOutcome = {
      id,
      unit: ctx.unit,
      action: ctx.event.name,
      status: failed ? 'failed' : 'completed',
      message,
      results,
      logs: action?.logs ?? [],
    };
    this.state.actionResults[id] = outcome;
    this.log(ctx.unit, 'INFO', 'juju.worker.uniter.operation', `ran ${JSON.stringify(ctx.event.name)} action (id ${id}): ${outcome.status}`);
    this.actionWaiters.get(id)?.(outcome);
    this.actionWaiters.delete(id);
  }

  /** Resolves once action `id` has finished. */
  waitForAction(id: string): Promise<ActionOutcome> {
    const done = this.state.actionResults[id];
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.actionWaiters.set(id, resolve));
  }

  // ---------------------------------------------------------------- what follows a hook

  private afterSuccess(unit: SimUnit, event: QueuedHook): void {
    if (event.name === 'start') unit.started = true;
    if (event.relationId !== undefined && event.name.endsWith('-relation-created')) this.enterScope(unit, event.relationId);
    if (event.name === 'remove') this.finalizeRemoval(unit);
  }

  /** Committed writes wake the other units; new secret revisions wake their consumers. */
  private fanOut(writer: SimUnit, commit: CommitResult): void {
    const app = this.model.application.name;
    for (const change of commit.relationChanges) {
      const relation = findRelation(this.model, change.relationId);
      if (!relation) continue;
      for (const other of this.aliveUnits()) {
        if (other.name === writer.name || !other.inScope.includes(relation.id)) continue;
        if (change.bag === 'app') this.queue(other.name, [changedHook(relation, app, '')]);
        else if ((relation.joined[other.name] ?? []).includes(change.owner)) this.queue(other.name, [changedHook(relation, app, change.owner)]);
      }
    }
    for (const { id, revision } of commit.secretRevisions) this.secretChanged(id, revision);
  }

  /** `secret-changed` for every consumer tracking an older revision. */
  secretChanged(id: string, revision: number): void {
    const secret = this.model.secrets.find((s) => s.id === id);
    if (!secret) return;
    for (const [consumer, record] of Object.entries(secret.consumers)) {
      if (record.revision >= revision) continue;
      this.queue(consumer, [{ kind: 'hook', name: 'secret-changed', secretId: id, ...(record.label === undefined ? {} : { secretLabel: record.label }) }]);
    }
  }

  /** The unit entered the relation: it and every peer already in scope see each other join. */
  private enterScope(unit: SimUnit, relationId: number): void {
    if (unit.inScope.includes(relationId)) return;
    unit.inScope.push(relationId);
    const relation = findRelation(this.model, relationId);
    if (!relation || unit.dying) return;
    const app = this.model.application.name;
    for (const other of this.aliveUnits()) {
      if (other.name === unit.name || !other.inScope.includes(relationId)) continue;
      this.queue(other.name, joinedHooks(relation, app, unit.name));
      this.queue(unit.name, joinedHooks(relation, app, other.name));
    }
  }

  /** Units whose join `observer` has seen or will see (a joined hook is queued). */
  private knownPeers(observer: SimUnit, relationId: number): string[] {
    const relation = findRelation(this.model, relationId);
    const seen = relation?.joined[observer.name] ?? [];
    const pending = observer.queue.filter((h) => h.relationId === relationId && h.name.endsWith('-relation-joined')).map((h) => h.remoteUnit ?? '');
    return [...new Set([...seen, ...pending])].filter((u) => u !== '').sort(compareUnitNames);
  }

  /** Starts removing a unit (contract §3.6 "Unit removal"). */
  beginRemoval(unit: SimUnit): void {
    if (unit.dying) return;
    const app = this.model.application.name;
    const peers: Array<{ relation: { id: number; endpoint: string }; units: string[] }> = [];
    for (const relationId of unit.inScope) {
      const relation = findRelation(this.model, relationId);
      if (!relation) continue;
      peers.push({ relation, units: this.knownPeers(unit, relationId).filter((u) => u !== unit.name) });
      for (const other of this.aliveUnits()) {
        if (other.name === unit.name || !this.knownPeers(other, relationId).includes(unit.name)) continue;
        this.queue(other.name, [departedHook(relation, app, unit.name, unit.name)]);
      }
    }
    unit.dying = true;
    const model = this.model.units[unit.name];
    if (model) model.life = 'dying';
    const storage = (model?.storage ?? []).map((s) => ({ name: s.id.split('/')[0] ?? 'data', id: s.id }));
    this.queue(unit.name, teardownSequence({ app, self: unit.name, peers, storage }), true);
  }

  /** After `remove`: the workload stops, the unit leaves the model, a new leader is elected if needed. */
  private finalizeRemoval(unit: SimUnit): void {
    const wasLeader = this.model.units[unit.name]?.leader === true;
    for (const relation of this.model.relations) {
      if (relation.unitData[unit.name] !== undefined && !relation.departed.includes(unit.name)) relation.departed.push(unit.name);
      delete relation.joined[unit.name];
    }
    delete this.model.units[unit.name];
    delete this.state.units[unit.name];
    this.log(unit.name, 'INFO', 'juju.worker.uniter', 'unit removed');
    const cleanup = shutdownSupervisor(unit.root, 10_000)
      .catch(() => undefined)
      .then(() => rmSync(unitDir(this.home, unit.name), { recursive: true, force: true }));
    this.cleanups.add(cleanup);
    void cleanup.finally(() => this.cleanups.delete(cleanup));
    if (wasLeader) this.electLeader();
  }

  /** Makes the lowest-numbered live unit leader: it gets leader-elected, the others leader-settings-changed. */
  electLeader(): void {
    const alive = this.aliveUnits();
    const next = alive[0];
    if (!next) return;
    for (const unit of Object.values(this.model.units)) unit.leader = unit.name === next.name;
    this.queue(next.name, [{ kind: 'hook', name: 'leader-elected' }]);
    for (const other of alive.slice(1)) this.queue(other.name, [{ kind: 'hook', name: 'leader-settings-changed' }]);
  }

  // ---------------------------------------------------------------- refresh

  /** Replaces a unit's charm code now, or after its running hook. */
  setUnitCharm(unit: SimUnit, charm: CharmRef): void {
    unit.pendingCharm = charm;
    if (!this.running.has(unit.name)) this.swapCharm(unit);
  }

  private swapCharm(unit: SimUnit): void {
    const next = unit.pendingCharm;
    if (!next) return;
    installCharm(this.home, unit.charmDir, next, unit.charm);
    unit.charm = next;
    delete unit.pendingCharm;
    this.log(unit.name, 'INFO', 'juju.worker.uniter.charm', `charm directory now holds ${next.url}`);
  }

  // ---------------------------------------------------------------- errors, waiting, shutdown

  /** `resolved`: retry the failed hook now, or skip it (`noRetry`). Throws when the unit is not in error. */
  resolve(unit: SimUnit, noRetry: boolean): void {
    if (!unit.failure) throw new Error(`unit ${JSON.stringify(unit.name)} is not in an error state`);
    if (noRetry) {
      const skipped = unit.queue.shift();
      delete unit.failure;
      const model = this.model.units[unit.name];
      if (model) model.agentStatus = { status: 'idle', message: '', since: new Date().toISOString() };
      if (skipped) this.afterSkipped(unit, skipped);
    } else {
      unit.failure.retryAt = 0;
    }
    this.save();
    this.pump();
  }

  /** A hook skipped with `--no-retry` still moves the unit along (a skipped remove still removes it). */
  private afterSkipped(unit: SimUnit, hook: QueuedHook): void {
    if (hook.name === 'start') unit.started = true;
    if (hook.relationId !== undefined && hook.name.endsWith('-relation-created')) this.enterScope(unit, hook.relationId);
    if (hook.name === 'remove') this.finalizeRemoval(unit);
  }

  /** What `sim wait` needs: what runs, what waits, which units are stuck in error. */
  idle(): { settled: boolean; running: RunningInfo[]; queued: Record<string, string[]>; errors: Record<string, { hook: string; attempts: number }> } {
    const settle = this.state.settings.settleAfterFailures;
    const running: RunningInfo[] = [...this.running.values()].map((c) => ({ unit: c.unit, event: eventLabel(c.event), since: new Date(c.startedAt).toISOString() }));
    const queued: Record<string, string[]> = {};
    const errors: Record<string, { hook: string; attempts: number }> = {};
    let busy = running.length > 0 || this.cleanups.size > 0;
    for (const unit of Object.values(this.state.units)) {
      const waiting = [...unit.actions.map(eventLabel), ...unit.queue.map(eventLabel)];
      if (waiting.length > 0) queued[unit.name] = waiting;
      if (unit.failure) errors[unit.name] = { hook: unit.queue[0]?.name ?? '?', attempts: unit.failure.attempts };
      const stuck = unit.failure !== undefined && unit.failure.attempts >= settle;
      if (unit.actions.length > 0 || (unit.queue.length > 0 && !stuck) || unit.pendingCharm) busy = true;
    }
    return { settled: !busy, running, queued, errors };
  }

  /** Queues update-status on every started unit. */
  updateStatusTick(): void {
    for (const unit of this.aliveUnits()) if (unit.started) this.queue(unit.name, [{ kind: 'hook', name: 'update-status' }]);
  }

  /** Stops scheduling, kills running hooks and waits for removals in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const ctx of this.running.values()) ctx.process?.kill('SIGKILL');
    await Promise.all([...this.running.values()].map((c) => c.process?.done));
    for (const name of this.running.keys()) removePidFile(this.home, `hook-${name.replace('/', '-')}`);
    await Promise.all([...this.cleanups]);
  }

  /** Looks up a context opened with {@link openContext} (test seam). */
  context(id: string): HookContext | undefined {
    return this.contexts.get(id);
  }

  /** For `secret-changed` after a user secret update. */
  latestSecretRevision(id: string): number | undefined {
    const secret = this.model.secrets.find((s) => s.id === id);
    return secret ? latestRevision(secret).revision : undefined;
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
