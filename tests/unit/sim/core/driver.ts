/**
 * A runtime for the core with no processes: hooks "run" in memory through real
 * hook sessions over the application's view (so commit rules are the fake Juju's),
 * timers fire on a simulated clock. What each hook does is a script a test gives.
 */
import { appView, emptyCoreModel, step } from '../../../../lib/juju/testing/fake-juju/core/index.js';
import type { CharmRef, CoreModel, Input, QueuedEvent } from '../../../../lib/juju/testing/fake-juju/core/index.js';
import type { CharmFiles, CharmMetadata } from '../../../../lib/juju/testing/fake-juju/model.js';
import { openHookSession } from '../../../../lib/juju/testing/fake-juju/session.js';
import type { HookSession } from '../../../../lib/juju/testing/fake-juju/session.js';

type InputBody = Input extends infer I ? (I extends { at: number } ? Omit<I, 'at'> : never) : never;

/** What a hook does: call tools on its session; the returned exit code (default 0) ends it. */
export type HookScript = (unit: string, event: QueuedEvent, tool: (name: string, ...args: string[]) => string) => number | void;

export const charm = (name: string, meta: Partial<CharmMetadata> = {}): { charm: CharmRef; files: CharmFiles } => ({
  charm: { kind: 'local', revision: 1, url: `local:${name}-1`, dir: name },
  files: {
    metadata: { name, peers: {}, provides: {}, requires: {}, storage: {}, extraBindings: [], ...meta },
    config: { greeting: { type: 'string', default: 'hi' } },
    actions: {},
  },
});

export class Driver {
  model: CoreModel;
  now = 1_000_000;
  /** `unit: hook [remote]` in the order hooks ran. */
  readonly ran: string[] = [];
  readonly removed: string[] = [];
  private readonly runs: Array<{ unit: string; event: QueuedEvent }> = [];
  private readonly timers = new Map<string, number>();
  script: HookScript = () => 0;

  constructor(options: { seed?: number; retryScale?: number } = {}) {
    this.model = emptyCoreModel({
      uuid: 'u',
      name: 'test',
      subnet: '127.1.2',
      unitsDir: '/nonexistent/units',
      settings: { retryScale: options.retryScale ?? 1, startAfterRefresh: false, updateStatusMs: 300_000, ...(options.seed === undefined ? {} : { seed: options.seed }) },
      now: this.now,
    });
  }

  /** Sends one input (its time is the simulated clock) and takes its commands. */
  send(body: InputBody): Record<string, unknown> {
    const result = step(this.model, { ...body, at: this.now } as Input);
    this.model = result.model;
    for (const command of result.commands) {
      if (command.kind === 'run') this.runs.push({ unit: command.unit, event: command.event });
      if (command.kind === 'timer') this.timers.set(command.id, command.at);
      if (command.kind === 'unit-removed') this.removed.push(command.unit);
    }
    return result.reply;
  }

  private runOne(): void {
    const next = this.runs.shift();
    if (!next) return;
    const { unit, event } = next;
    const view = appView(() => this.model, this.model.units[unit]?.app ?? '');
    const env: Record<string, string> = { JUJU_UNIT_NAME: unit };
    if (event.kind === 'hook' && event.relationId !== undefined) {
      env['JUJU_RELATION_ID'] = `${event.endpoint}:${event.relationId}`;
      env['JUJU_REMOTE_APP'] = event.remoteApp ?? '';
      env['JUJU_REMOTE_UNIT'] = event.remoteUnit ?? '';
    }
    if (event.kind === 'hook' && event.secretId !== undefined) env['JUJU_SECRET_ID'] = `secret:${event.secretId}`;
    if (event.kind === 'hook' && event.secretRevision !== undefined) env['JUJU_SECRET_REVISION'] = String(event.secretRevision);
    const session: HookSession = openHookSession(view, { unit, env, now: () => new Date(this.now) });
    const tool = (name: string, ...args: string[]): string => {
      const r = session.call(name, args);
      return r.exitCode === 0 ? r.stdout : `ERROR(${r.exitCode}) ${r.stderr.trim()}`;
    };
    this.ran.push(`${unit}: ${event.name}${event.kind === 'hook' && event.remoteUnit ? ` ${event.remoteUnit}` : ''}`);
    const code = this.script(unit, event, tool) ?? 0;
    this.send({ kind: 'hook-done', unit, exitCode: code, commit: session.finish(code) });
  }

  /** Runs hooks until nothing is ready; fires the retry timer at most `retries` times. */
  settle(retries = 0): void {
    for (let guard = 0; guard < 10_000; guard++) {
      if (this.runs.length > 0) {
        this.runOne();
        continue;
      }
      const retryAt = this.timers.get('retry');
      if (retries > 0 && retryAt !== undefined && Object.values(this.model.units).some((u) => u.failure)) {
        retries -= 1;
        this.timers.delete('retry');
        this.now = Math.max(this.now, retryAt);
        this.send({ kind: 'timer', id: 'retry' });
        continue;
      }
      return;
    }
    throw new Error('the model never settled');
  }

  /** The hooks unit `unit` ran since `mark`. */
  hooksOf(unit: string, mark = 0): string[] {
    return this.ran.slice(mark).filter((l) => l.startsWith(`${unit}: `)).map((l) => l.slice(unit.length + 2));
  }

  /** Moves the simulated clock to timer `id` and fires it; false when no such timer is set. */
  fire(id: string): boolean {
    const at = this.timers.get(id);
    if (at === undefined) return false;
    this.timers.delete(id);
    this.now = Math.max(this.now, at);
    this.send({ kind: 'timer', id });
    return true;
  }

  timer(id: string): number | undefined {
    return this.timers.get(id);
  }
}
