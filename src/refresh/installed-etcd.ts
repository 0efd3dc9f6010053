import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LOCAL_FILES, LOCAL_STATE_DIR } from '../../lib/refresh/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { readPinnedSnap } from '../etcd/pinned-snap.js';
import { installedRevision } from '../etcd/snap.js';

/**
 * The etcd version the installed snap runs, as this unit knows it without
 * running anything (one symlink and two small files):
 *
 * - the snap is at the revision this charm revision pins, or not installed
 *   yet (it will be): the pinned `workload`;
 * - otherwise (this charm code is newer or older than the snap, as during a
 *   refresh or a rollback) the version the refresh library recorded when the
 *   current revision was installed, in `.charm_refresh_v3/machines_installed_workload_version`
 *   (written by whichever charm revision installed it, removed when a
 *   revision nobody pinned is installed);
 * - otherwise undefined.
 *
 * Not cached: a snap refresh in the middle of a hook changes the answer.
 */
export async function installedEtcdVersion(scope: CharmHook): Promise<string | undefined> {
  const charmDir = scope.model.context.charmDir;
  const [pinned, installed] = await Promise.all([
    readPinnedSnap(charmDir, await scope.effects.architecture()),
    installedRevision(scope.paths.snapCurrent),
  ]);
  if (pinned.ok && (installed === null || installed === pinned.snap.revision)) return pinned.snap.workload;
  let recorded: string;
  try {
    recorded = await readFile(path.join(charmDir, LOCAL_STATE_DIR, LOCAL_FILES.installedWorkloadVersion), 'utf8');
  } catch {
    return undefined;
  }
  return recorded.trim() === '' ? undefined : recorded.trim();
}
