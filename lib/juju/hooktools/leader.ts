import { z } from 'zod';
import { runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

/**
 * `is-leader --format=json`. A `true` holds for about 30 s.
 * @throws {HookToolError} when leadership cannot be determined.
 */
export const isLeader = (runner: HookToolRunner): Promise<boolean> =>
  runToolJson(runner, 'is-leader', ['--format=json'], z.boolean());
