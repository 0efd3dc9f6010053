/** A hook tool exited 0 but printed something that does not match its documented output. */
export class HookToolOutputError extends Error {
  override name = 'HookToolOutputError';
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdout: string;

  constructor(tool: string, args: readonly string[], stdout: string, reason: string, options?: ErrorOptions) {
    const excerpt = stdout.length > 200 ? `${stdout.slice(0, 200)}...` : stdout;
    super(`${tool} printed unexpected output (${reason}): ${JSON.stringify(excerpt)}`, options);
    this.tool = tool;
    this.args = args;
    this.stdout = stdout;
  }
}

export const isHookToolOutputError = (error: unknown): error is HookToolOutputError =>
  error instanceof HookToolOutputError;
