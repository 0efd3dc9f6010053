import { z } from 'zod';
import { relationFlag, runTool, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

/** Relation ids are passed as Juju prints them: `endpoint:id`. */
export type RelationIdString = string;

const stringMap = z.record(z.string(), z.string());

/**
 * `relation-ids <endpoint> --format=json`: the live relations on an endpoint, e.g. `["db:3"]`.
 * @throws {HookToolError} (typed per `lib/juju/errors`) when the tool fails.
 */
export const relationIds = (runner: HookToolRunner, endpoint: string): Promise<RelationIdString[]> =>
  runToolJson(runner, 'relation-ids', [endpoint, '--format=json'], z.array(z.string()).nullable()).then((ids) => ids ?? []);

/**
 * `relation-list --format=json -r <id>`: the remote units currently in the relation
 * (the departing unit is already gone in `-departed`).
 * @throws {RelationNotFoundError} when the relation does not exist.
 */
export const relationList = (runner: HookToolRunner, relationId: RelationIdString): Promise<string[]> =>
  runToolJson(runner, 'relation-list', ['--format=json', ...relationFlag(relationId)], z.array(z.string()).nullable()).then(
    (units) => units ?? [],
  );

/**
 * `relation-list --format=json -r <id> --app`: the remote application's name.
 * @throws {RelationNotFoundError} when the relation does not exist.
 */
export const relationRemoteApp = (runner: HookToolRunner, relationId: RelationIdString): Promise<string> =>
  runToolJson(runner, 'relation-list', ['--format=json', ...relationFlag(relationId), '--app'], z.string());

export interface RelationGetOptions {
  /** Read the application bag of `owner` (an application name) rather than a unit's. */
  readonly app?: boolean;
}

/**
 * `relation-get --format=json -r <id> [--app] - <owner>`: the whole databag of a
 * unit or (with `app`) an application, as a string map.
 * @throws {RelationNotFoundError} when the relation does not exist.
 * @throws {NotLeaderError} when a non-leader reads its own app bag in a non-peer relation.
 */
export const relationGet = (
  runner: HookToolRunner,
  relationId: RelationIdString,
  owner: string,
  options: RelationGetOptions = {},
): Promise<Record<string, string>> =>
  runToolJson(
    runner,
    'relation-get',
    ['--format=json', ...relationFlag(relationId), ...(options.app === true ? ['--app'] : []), '-', owner],
    stringMap.nullable(),
  ).then((bag) => bag ?? {});

export interface RelationSetOptions {
  /** Write this application's bag (leader only) instead of this unit's. */
  readonly app?: boolean;
}

/**
 * `relation-set -r <id> [--app] --file -` with `data` as JSON on stdin. This is
 * a merge: keys not in `data` keep their value; an empty string deletes a key.
 * Transactional: Juju commits it only if the hook exits 0.
 * @throws {NotLeaderError} when a non-leader writes the app bag.
 */
export async function relationSet(
  runner: HookToolRunner,
  relationId: RelationIdString,
  data: Readonly<Record<string, string>>,
  options: RelationSetOptions = {},
): Promise<void> {
  const args = [...relationFlag(relationId), ...(options.app === true ? ['--app'] : []), '--file', '-'];
  await runTool(runner, 'relation-set', args, { stdin: JSON.stringify(data) });
}
