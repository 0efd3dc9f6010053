import { HookToolError } from '../../../../lib/juju/hooktools/runner.js';
import type { HookToolRunOptions, HookToolRunner } from '../../../../lib/juju/hooktools/runner.js';

export interface CannedReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
}

export interface RecordedCall {
  readonly argv: readonly string[];
  readonly stdin: string | undefined;
}

/**
 * An exact-argv fake: a table from the full argv (tool first) to a canned
 * reply. Every call is recorded; a call not in the table fails the test with
 * the argv it got, so a wrong flag cannot pass unnoticed.
 */
export class FakeRunner implements HookToolRunner {
  readonly calls: RecordedCall[] = [];
  readonly #table = new Map<string, CannedReply>();

  /** Answers `argv` (tool first) with `reply` (default: exit 0, empty stdout). */
  on(argv: readonly string[], reply: CannedReply = {}): this {
    this.#table.set(JSON.stringify(argv), reply);
    return this;
  }

  /** Answers `argv` with `value` as JSON on stdout. */
  json(argv: readonly string[], value: unknown): this {
    return this.on(argv, { stdout: `${JSON.stringify(value)}\n` });
  }

  async run(tool: string, args: readonly string[], options?: HookToolRunOptions): Promise<string> {
    const argv = [tool, ...args];
    this.calls.push({ argv, stdin: options?.stdin });
    const reply = this.#table.get(JSON.stringify(argv));
    if (reply === undefined) throw new Error(`unexpected hook tool call: ${JSON.stringify(argv)}`);
    const exitCode = reply.exitCode ?? 0;
    if (exitCode !== 0) throw new HookToolError(tool, args, exitCode, reply.stderr ?? '');
    return reply.stdout ?? '';
  }

  /** The argv of every call, tool first. */
  get argvs(): string[][] {
    return this.calls.map((c) => [...c.argv]);
  }

  /** How many calls ran `tool`. */
  count(tool: string): number {
    return this.calls.filter((c) => c.argv[0] === tool).length;
  }
}
