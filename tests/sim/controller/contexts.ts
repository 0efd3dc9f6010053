/**
 * Open hook contexts: each a hook session over its application's view of the
 * model (so Juju's commit rules are the fake Juju's), the hook's environment,
 * and the tool calls it made. A context with no process is the test seam's.
 */
import { randomBytes } from 'node:crypto';
import { appView } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { CoreModel } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { FakeModel } from '../../../lib/juju/testing/fake-juju/model.js';
import { openHookSession } from '../../../lib/juju/testing/fake-juju/session.js';
import type { CommitResult, HookSession, ToolResult } from '../../../lib/juju/testing/fake-juju/session.js';
import type { LogLine } from '../debug-log.js';
import { hookEnv } from './hook-env.js';
import type { UnitEnvBase } from './hook-env.js';
import type { HookProcess } from './hook-process.js';
import type { QueuedEvent } from './state.js';

interface ToolCallRecord {
  tool: string;
  exitCode: number;
  /** Time the controller spent answering. */
  serverMs: number;
  /** The whole call as the tool process measured it (start-up included), when it reported it. */
  ms?: number;
}

export interface HookContext {
  readonly id: string;
  readonly unit: string;
  readonly event: QueuedEvent;
  /** The application's view; its `action` slot is this context's running action. */
  readonly view: FakeModel;
  readonly session: HookSession;
  readonly env: Record<string, string>;
  readonly startedAt: number;
  process?: HookProcess;
  readonly toolCalls: ToolCallRecord[];
}

export class HookContexts {
  private readonly open = new Map<string, HookContext>();

  constructor(
    private readonly model: () => CoreModel,
    /** Takes juju-log lines out of the model into the debug log. */
    private readonly drainLogs: (lines: LogLine[]) => void,
  ) {}

  /** Opens a context on `unit` for `event`. Throws when the unit is not in the model. */
  openContext(unit: string, event: QueuedEvent, base: Omit<UnitEnvBase, 'contextId' | 'unit'>): HookContext {
    const app = this.model().units[unit]?.app;
    if (app === undefined) throw new Error(`unit ${JSON.stringify(unit)} not found`);
    const id = `${unit}-${event.name}-${randomBytes(8).toString('hex')}`;
    const env = hookEnv(event, { ...base, unit, contextId: id });
    const view = appView(this.model, app);
    const session = openHookSession(view, { unit, env });
    if (event.kind === 'action') view.action = { id: event.id, name: event.name, unit, params: structuredClone(event.params), results: {}, logs: [], failed: false };
    const ctx: HookContext = { id, unit, event, view, session, env, startedAt: Date.now(), toolCalls: [] };
    this.open.set(id, ctx);
    return ctx;
  }

  get(id: string): HookContext | undefined {
    return this.open.get(id);
  }

  /** Answers one hook-tool call from the context's session. */
  call(contextId: string, tool: string, args: readonly string[], stdin: string | undefined): ToolResult {
    const ctx = this.open.get(contextId);
    if (!ctx) return { stdout: '', stderr: `ERROR bad request: unknown context id ${JSON.stringify(contextId)}\n`, exitCode: 1 };
    const started = performance.now();
    const result = ctx.session.call(tool, args, stdin);
    ctx.toolCalls.push({ tool, exitCode: result.exitCode, serverMs: performance.now() - started });
    this.drain();
    return result;
  }

  /** The tool process's own measure of a call (start-up included). */
  recordTiming(contextId: string, tool: string, ms: number): void {
    const call = this.open.get(contextId)?.toolCalls.findLast((c) => c.tool === tool && c.ms === undefined);
    if (call) call.ms = ms;
  }

  /** Ends the context's session: exit 0 commits, anything else discards. */
  close(ctx: HookContext, exitCode: number): CommitResult {
    const commit = ctx.session.finish(exitCode);
    this.open.delete(ctx.id);
    this.drain();
    return commit;
  }

  /** juju-log lines go to the debug log; status history is dropped (it is in the log). */
  private drain(): void {
    const model = this.model();
    if (model.logs.length > 0) {
      this.drainLogs(model.logs.map((l) => ({ at: l.at, unit: l.unit, level: l.level, logger: `unit.${l.unit}.juju-log`, message: l.message })));
      model.logs = [];
    }
    if (model.history.length > 0) model.history = [];
  }
}

/** The tool calls of a context as the hook log records them. */
export const toolCallRecords = (ctx: HookContext) =>
  ctx.toolCalls.map((c) => ({ tool: c.tool, exitCode: c.exitCode, ms: c.ms ?? null, serverMs: Math.round(c.serverMs * 1000) / 1000 }));

export type { CommitResult };
