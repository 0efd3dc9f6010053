import { z } from 'zod';
import { runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

export type ConfigValue = string | number | boolean;

/**
 * `config-get --format=json`: the charm's options typed per config.yaml. Unset
 * options without a default are absent.
 * @throws {HookToolError} when the tool fails.
 */
export const configGet = (runner: HookToolRunner): Promise<Record<string, ConfigValue>> =>
  runToolJson(
    runner,
    'config-get',
    ['--format=json'],
    z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).nullable()).nullable(),
  ).then((config) => {
    const out: Record<string, ConfigValue> = {};
    for (const [key, value] of Object.entries(config ?? {})) if (value !== null) out[key] = value;
    return out;
  });
