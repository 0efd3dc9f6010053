import { HookToolError } from '../hooktools/runner.js';

/** A `secret-*` tool reported that the secret (or the revision asked for) does not exist. */
export class SecretNotFoundError extends HookToolError {
  override name = 'SecretNotFoundError';

  constructor(source: HookToolError) {
    super(source.tool, source.args, source.exitCode, source.stderr, { cause: source });
  }
}

export const isSecretNotFoundError = (error: unknown): error is SecretNotFoundError =>
  error instanceof SecretNotFoundError;
