import type { CharmHook } from '../charm/charm-hook.js';
import type { CharmStatus } from '../charm/status.js';
import { installedRevision } from '../etcd/snap.js';
import { STATUS } from '../charm/status.js';

export type SnapInstallResult =
  | { readonly ok: true; readonly revision: string }
  | { readonly ok: false; readonly status: CharmStatus };

/**
 * The installed etcd snap revision. The refresh library owns the install (it
 * decides when, once every planned unit joined, and which revision, the one
 * this charm revision pins; src/refresh/callbacks.ts performs it), so until
 * then the charm waits with a status.
 */
export async function ensureSnap(scope: CharmHook): Promise<SnapInstallResult> {
  const current = await installedRevision(scope.paths.snapCurrent);
  if (current !== null) return { ok: true, revision: current };
  return { ok: false, status: { name: 'waiting', message: STATUS.waitingForInstall } };
}
