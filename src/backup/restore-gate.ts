/**
 * Whether a restore holds this hook. A restore replaces the whole cluster,
 * so while one runs nothing else may touch etcd (self-heal would restart a
 * member stopped on purpose, the leader's membership step would remove
 * members, a TLS switch or rolling restart would restart one): reconcile
 * returns after this. Cheap when there is no restore: two bag reads
 * reconcile makes anyway; the restore's code loads only when one runs.
 */
import type { Relation } from '../../lib/juju/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { RESTORE_KEYS } from './restore-plan.js';
import type { RestoreGate } from './restore-run.js';
import { RESTORE_TEXT } from './texts.js';

export type { RestoreGate } from './restore-run.js';

export async function restoreGate(scope: CharmHook, relation: Relation): Promise<RestoreGate> {
  const app = await relation.localAppData.read();
  const ownStep = await relation.localUnitData.get(RESTORE_KEYS.step);
  if ((app[RESTORE_KEYS.instruction] ?? '') === '' && (ownStep ?? '') === '') {
    // Canonical keeps saying so until the next restore clears it.
    return app[RESTORE_KEYS.verificationFailed] === 'True' ? { holds: false, unit: { name: 'blocked', message: RESTORE_TEXT.verificationFailed } } : { holds: false };
  }
  return (await import('./restore-run.js')).runRestore(scope, relation);
}
