import type { HookToolError } from '../hooktools/runner.js';
import { NotLeaderError } from './not-leader-error.js';
import { RelationNotFoundError } from './relation-not-found-error.js';
import { SecretNotFoundError } from './secret-not-found-error.js';
import { UsageError } from './usage-error.js';

const TYPED = [RelationNotFoundError, SecretNotFoundError, NotLeaderError, UsageError];
const AUTHORISATION = /not the leader|permission denied|access denied|cannot write relation settings/i;

/**
 * Maps a raw {@link HookToolError} to the typed error its stderr describes, the
 * way ops does (exit code plus Juju's `ERROR ...` text). Errors that are already
 * typed, and failures no rule matches, are returned unchanged. Never throws.
 */
export function translateHookToolError(error: HookToolError): HookToolError {
  // Already typed; other subclasses (a harness's own, say) are still translated.
  if (TYPED.some((type) => error instanceof type)) return error;
  const { stderr, tool } = error;
  // `-r db:99` fails the flag parse (exit 2) with "relation not found": check it before usage.
  if (/relation not found/i.test(stderr)) return new RelationNotFoundError(error);
  if (tool.startsWith('secret-') && /not found/i.test(stderr)) return new SecretNotFoundError(error);
  if (AUTHORISATION.test(stderr)) return new NotLeaderError(error);
  if (error.exitCode === 2) return new UsageError(error);
  return error;
}
