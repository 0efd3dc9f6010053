import { HookToolError } from '../hooktools/runner.js';

/**
 * A hook tool was given a relation id Juju does not know (the relation is gone
 * or was never there). Juju reports it as `relation not found`, usually with exit 2.
 */
export class RelationNotFoundError extends HookToolError {
  override name = 'RelationNotFoundError';

  constructor(source: HookToolError) {
    super(source.tool, source.args, source.exitCode, source.stderr, { cause: source });
  }
}

export const isRelationNotFoundError = (error: unknown): error is RelationNotFoundError =>
  error instanceof RelationNotFoundError;
