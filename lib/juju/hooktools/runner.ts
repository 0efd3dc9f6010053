/**
 * The one seam between the charm and Juju: every hook tool call goes through
 * a `HookToolRunner`. Production runs the executables on PATH; the testing
 * harness answers in-process with the same argv contract.
 */
export interface HookToolRunner {
  /**
   * Runs `tool` with `args` (already in Juju's argv form) and resolves with its stdout.
   * Rejects with a {@link HookToolError} when the tool exits non-zero.
   */
  run(tool: string, args: readonly string[], options?: HookToolRunOptions): Promise<string>;
}

export interface HookToolRunOptions {
  /** Text written to the tool's stdin (relation-set --file -, state-set --file -). */
  readonly stdin?: string;
}

/** A hook tool exited non-zero. `stderr` holds Juju's `ERROR <message>` line. */
export class HookToolError extends Error {
  override name = 'HookToolError';
  readonly tool: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;

  constructor(tool: string, args: readonly string[], exitCode: number, stderr: string, options?: ErrorOptions) {
    super(`${tool} exited ${exitCode}: ${stderr.trim() || '(no stderr)'}`, options);
    this.tool = tool;
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

export const isHookToolError = (error: unknown): error is HookToolError => error instanceof HookToolError;
