import { z } from 'zod';
import { runTool, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

/** The statuses a charm may set. */
export type SettableStatusName = 'active' | 'blocked' | 'maintenance' | 'waiting';
/** The statuses status-get may report (Juju sets the others itself). */
export type StatusName = SettableStatusName | 'unknown' | 'error' | 'terminated';

export interface StatusValue<N extends string = StatusName> {
  readonly name: N;
  readonly message: string;
}

const statusName = z.enum(['active', 'blocked', 'maintenance', 'waiting', 'unknown', 'error', 'terminated']);
const statusEntry = z.object({ status: statusName, message: z.string().default('') });
const appStatus = z.object({ 'application-status': statusEntry });

/**
 * `status-set [--application] <name> -- <message>`. Takes effect at once in Juju.
 * @throws {NotLeaderError} when a non-leader sets the application status.
 */
export async function statusSet(
  runner: HookToolRunner,
  status: StatusValue<SettableStatusName>,
  options: { readonly application?: boolean } = {},
): Promise<void> {
  const args = [...(options.application === true ? ['--application'] : []), status.name, '--', status.message];
  await runTool(runner, 'status-set', args);
}

/**
 * `status-get --include-data --format=json [--application]`: the current unit
 * (or, leader only, application) status.
 * @throws {NotLeaderError} when a non-leader reads the application status.
 */
export async function statusGet(
  runner: HookToolRunner,
  options: { readonly application?: boolean } = {},
): Promise<StatusValue> {
  if (options.application === true) {
    const out = await runToolJson(runner, 'status-get', ['--include-data', '--format=json', '--application'], appStatus);
    return { name: out['application-status'].status, message: out['application-status'].message };
  }
  const out = await runToolJson(runner, 'status-get', ['--include-data', '--format=json'], statusEntry);
  return { name: out.status, message: out.message };
}
