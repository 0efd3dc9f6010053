/**
 * Whether a restore holds this hook. A restore replaces the whole cluster,
 * so while one runs nothing else may touch etcd (self-heal would restart a
 * member stopped on purpose, the leader's membership step would remove
 * members, a TLS switch or rolling restart would restart one): reconcile
 * returns after this. Cheap when there is no restore: two bag reads
 * reconcile makes anyway (src/cluster/reconcile/observe.ts); the restore's
 * code loads only when one runs.
 */
import type { Relation } from '../../lib/juju/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { RESTORE_KEYS } from './restore-plan.js';
import type { RestoreGate } from './restore-run.js';
import { RESTORE_TEXT } from './texts.js';

export type { RestoreGate } from './restore-run.js';

/**
 * The gate from the two bags alone: undefined when a restore is under way (or
 * this unit is part-way through one), so {@link runRestore} must decide.
 */
export function idleRestoreGate(appBag: Readonly<Record<string, string>>, ownBag: Readonly<Record<string, string>>): RestoreGate | undefined {
  if ((appBag[RESTORE_KEYS.instruction] ?? '') !== '' || (ownBag[RESTORE_KEYS.step] ?? '') !== '') return undefined;
  // Canonical keeps saying so until the next restore clears it.
  return appBag[RESTORE_KEYS.verificationFailed] === 'True' ? { holds: false, unit: { name: 'blocked', message: RESTORE_TEXT.verificationFailed } } : { holds: false };
}

/** This hook's step of the restore under way; its code loads only now. */
export async function runRestore(scope: CharmHook, relation: Relation): Promise<RestoreGate> {
  return (await import('./restore-run.js')).runRestore(scope, relation);
}
