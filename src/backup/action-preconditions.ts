/**
 * What every backup action checks first, with Canonical's texts (§3.3): the
 * leader runs it, an S3 relation with usable credentials exists, and no
 * restore is running. A failure sets the `error` result too, as Canonical's
 * charm does.
 */
import type { ActionScope } from '../../lib/juju/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { RESTORE_KEYS } from './restore-plan.js';
import { APP_KEYS } from '../charm/peers.js';
import { describeProblems } from './s3-params.js';
import type { S3Params } from './s3-params.js';
import { readS3Relation } from './s3-relation.js';
import { BACKUP_TEXT, RESTORE_TEXT } from './texts.js';
import { BUSY_TEXT } from '../charm/busy-texts.js';

/** Fails the action with `message`, also in the `error` result. */
export function fail(action: ActionScope, message: string): void {
  action.setResults({ error: message });
  action.fail(message);
}

/** The common preconditions. Fails the action and returns undefined when one does not hold. */
export async function s3Target(scope: CharmHook, action: ActionScope): Promise<S3Params | undefined> {
  if (!(await scope.model.isLeader())) return void fail(action, BACKUP_TEXT.notLeader);
  const s3 = await readS3Relation(scope.model);
  if (s3 === undefined) return void fail(action, BACKUP_TEXT.noStorage);
  if (!s3.read.ok) {
    scope.log.warn(`s3-credentials: ${describeProblems(s3.read.problems)}`);
    return void fail(action, BACKUP_TEXT.noCredentials);
  }
  const relation = await scope.peer();
  const instruction = relation === undefined ? undefined : await relation.localAppData.get(RESTORE_KEYS.instruction);
  if (instruction !== undefined && instruction !== '') return void fail(action, RESTORE_TEXT.restoreInProgress);
  const rebuilding = relation === undefined ? undefined : await relation.localAppData.get(APP_KEYS.rebuildCluster);
  if (rebuilding !== undefined && rebuilding !== '') return void fail(action, BUSY_TEXT.rebuild);
  return s3.read.params;
}
