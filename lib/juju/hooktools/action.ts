import { z } from 'zod';
import { ActionError } from '../errors/action-error.js';
import { runTool, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

const SEGMENT = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RESERVED = new Set(['stdout', 'stdout-encoding', 'stderr', 'stderr-encoding']);

/**
 * Checks a dotted action-result key against Juju's rules: every segment matches
 * `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$` and none is reserved
 * (`stdout`, `stdout-encoding`, `stderr`, `stderr-encoding`).
 * @throws {ActionError} naming the key and the rule it breaks.
 */
export function assertActionResultKey(key: string): void {
  for (const segment of key.split('.')) {
    if (!SEGMENT.test(segment)) {
      throw new ActionError(
        `invalid action result key "${key}": segment "${segment}" must match ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$ (lower case, digits, inner hyphens)`,
      );
    }
    if (RESERVED.has(segment)) throw new ActionError(`invalid action result key "${key}": "${segment}" is reserved by Juju`);
  }
}

/**
 * `action-get --format=json`: the action's parameters, with Juju's defaults filled in.
 * @throws {HookToolError} when not running an action.
 */
export const actionGet = (runner: HookToolRunner): Promise<Record<string, unknown>> =>
  runToolJson(runner, 'action-get', ['--format=json'], z.record(z.string(), z.unknown()).nullable()).then((p) => p ?? {});

/**
 * `action-set k=v a.b=v ...` with flat dotted keys. Every key is checked with
 * {@link assertActionResultKey} before the tool runs.
 * @throws {ActionError} for a key Juju would refuse (no tool is run).
 */
export async function actionSet(runner: HookToolRunner, results: Readonly<Record<string, string>>): Promise<void> {
  const entries = Object.entries(results);
  for (const [key] of entries) assertActionResultKey(key);
  if (entries.length === 0) return;
  await runTool(
    runner,
    'action-set',
    entries.map(([key, value]) => `${key}=${value}`),
  );
}

/** `action-fail -- <message>`: marks the action failed; the process carries on. */
export async function actionFail(runner: HookToolRunner, message: string): Promise<void> {
  await runTool(runner, 'action-fail', ['--', message]);
}

/** `action-log -- <message>`: progress shown to the user at once. */
export async function actionLog(runner: HookToolRunner, message: string): Promise<void> {
  await runTool(runner, 'action-log', ['--', message]);
}
