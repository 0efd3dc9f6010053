import { z } from 'zod';
import { runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

export interface StorageInstance {
  readonly kind: 'block' | 'filesystem';
  readonly location: string;
}

/** `storage-list --format=json [name]`: attached storage instances, e.g. `["data/0"]`. */
export const storageList = (runner: HookToolRunner, name?: string): Promise<string[]> =>
  runToolJson(
    runner,
    'storage-list',
    ['--format=json', ...(name === undefined ? [] : [name])],
    z.array(z.string()).nullable(),
  ).then((ids) => ids ?? []);

/**
 * `storage-get --format=json -s <id>`: kind and mount point of one instance.
 * @throws {HookToolError} when the instance is unknown.
 */
export const storageGet = (runner: HookToolRunner, id: string): Promise<StorageInstance> =>
  runToolJson(
    runner,
    'storage-get',
    ['--format=json', '-s', id],
    z.object({ kind: z.enum(['block', 'filesystem']), location: z.string() }),
  );
