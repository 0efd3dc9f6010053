import { HookToolError } from '../hooktools/runner.js';

/**
 * Juju refused an operation that needs leadership or a permission this unit
 * lacks: `not the leader`, `permission denied`, `access denied`, or
 * `cannot write relation settings` (a non-leader writing its app databag).
 */
export class NotLeaderError extends HookToolError {
  override name = 'NotLeaderError';

  constructor(source: HookToolError) {
    super(source.tool, source.args, source.exitCode, source.stderr, { cause: source });
  }
}

export const isNotLeaderError = (error: unknown): error is NotLeaderError => error instanceof NotLeaderError;
