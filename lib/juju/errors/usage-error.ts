import { HookToolError } from '../hooktools/runner.js';

/**
 * A hook tool rejected its argv (exit code 2: unknown option, bad value, failed
 * argument check). This is a bug in the caller, never a transient condition.
 */
export class UsageError extends HookToolError {
  override name = 'UsageError';

  constructor(source: HookToolError) {
    super(source.tool, source.args, source.exitCode, source.stderr, { cause: source });
  }
}

export const isUsageError = (error: unknown): error is UsageError => error instanceof UsageError;
