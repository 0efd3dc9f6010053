import type { z } from 'zod';
import { HookToolOutputError } from '../errors/hook-tool-output-error.js';
import { translateHookToolError } from '../errors/translate.js';
import { isHookToolError } from './runner.js';
import type { HookToolRunOptions, HookToolRunner } from './runner.js';

/**
 * Runs one hook tool and translates its failure once, here, into the typed
 * errors of `lib/juju/errors` (RelationNotFoundError, NotLeaderError,
 * SecretNotFoundError, UsageError, or the plain HookToolError).
 */
export async function runTool(
  runner: HookToolRunner,
  tool: string,
  args: readonly string[],
  options?: HookToolRunOptions,
): Promise<string> {
  try {
    return await runner.run(tool, args, options);
  } catch (error) {
    throw isHookToolError(error) ? translateHookToolError(error) : error;
  }
}

/**
 * Runs a tool that prints JSON (`--format=json` must be in `args`) and parses
 * its stdout with `schema`.
 * @throws {HookToolOutputError} when stdout is not JSON or does not match.
 */
export async function runToolJson<S extends z.ZodType>(
  runner: HookToolRunner,
  tool: string,
  args: readonly string[],
  schema: S,
): Promise<z.output<S>> {
  const stdout = await runTool(runner, tool, args);
  let value: unknown;
  try {
    // Some tools print nothing at all for "no value"; treat it as JSON null.
    value = stdout.trim() === '' ? null : JSON.parse(stdout);
  } catch (error) {
    throw new HookToolOutputError(tool, args, stdout, 'not JSON', { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new HookToolOutputError(tool, args, stdout, `${issue?.message ?? 'invalid'}${where}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** `-r <endpoint:id>` when a relation is given; Juju's own default (the hook's relation) otherwise. */
export const relationFlag = (relationId: string | undefined): string[] =>
  relationId === undefined ? [] : ['-r', relationId];
