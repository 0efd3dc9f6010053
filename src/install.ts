import type { HookScope } from './hook-scope.js';
import { readPinnedSnap } from './pinned-snap.js';
import type { CharmStatus } from './refresh-step.js';
import { installedRevision } from './snap.js';
import { STATUS } from './status.js';

export type SnapInstallResult =
  | { readonly ok: true; readonly revision: string }
  | { readonly ok: false; readonly status: CharmStatus };

/**
 * Makes sure the etcd snap is installed, at the revision pinned for this
 * machine's architecture, and held. Once installed, the revision is left to
 * the refresh process. Failures are a blocked status, retried on later hooks.
 */
export async function ensureSnap(scope: HookScope): Promise<SnapInstallResult> {
  const current = await installedRevision(scope.paths.snapCurrent);
  if (current !== null) return { ok: true, revision: current };
  const architecture = await scope.effects.architecture();
  const pinned = await readPinnedSnap(scope.model.context.charmDir, architecture);
  if (!pinned.ok) {
    scope.log.error(`not installing etcd: ${pinned.error}`);
    return { ok: false, status: { name: 'blocked', message: pinned.error } };
  }
  // Installing takes a while: show it now rather than at the end of the hook.
  scope.model.unitStatus.set({ name: 'maintenance', message: STATUS.installing });
  await scope.model.unitStatus.flush();
  try {
    await scope.effects.snap.install(pinned.snap.name, pinned.snap.revision);
    await scope.effects.snap.hold(pinned.snap.name);
  } catch (error) {
    scope.log.error(`installing snap ${pinned.snap.name} revision ${pinned.snap.revision} failed: ${(error as Error).message}`);
    return { ok: false, status: { name: 'blocked', message: STATUS.installFailed } };
  }
  scope.log.info(`installed snap ${pinned.snap.name} revision ${pinned.snap.revision} (held)`);
  const revision = (await installedRevision(scope.paths.snapCurrent)) ?? pinned.snap.revision;
  return { ok: true, revision };
}
