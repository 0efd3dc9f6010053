import { z } from 'zod';
import { runTool, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

/**
 * `state-get --format=json -`: the unit's server-side key/value store
 * (some Juju versions print `null` when it is empty; that reads as `{}`).
 */
export const stateGet = (runner: HookToolRunner): Promise<Record<string, string>> =>
  runToolJson(runner, 'state-get', ['--format=json', '-'], z.record(z.string(), z.string()).nullable()).then((s) => s ?? {});

/** `state-set --file -` with `data` as JSON on stdin. Transactional. */
export async function stateSet(runner: HookToolRunner, data: Readonly<Record<string, string>>): Promise<void> {
  await runTool(runner, 'state-set', ['--file', '-'], { stdin: JSON.stringify(data) });
}

/** `state-delete <key>`. Transactional. */
export async function stateDelete(runner: HookToolRunner, key: string): Promise<void> {
  await runTool(runner, 'state-delete', [key]);
}
