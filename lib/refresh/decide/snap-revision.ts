/** Recording a newly installed snap revision in this unit's state (reference §1.3 step 7). */
import { LOCAL_FILES } from '../constants.js';
import { log, removeFile, writeFile } from './draft.js';
import type { Walk } from './walk.js';

/** A revision change resets the gate; the workload version file follows the pinned revision only. */
export const recordSnapRevision = <T extends Walk>(w: T, revision: string | null): T => {
  const pinned = w.code.pinned;
  const installed = revision ?? undefined;
  if (installed === w.own.installedSnapRevision) return w;
  let draft = log(w.draft, 'info', `Snap refreshed to (or installed at) revision ${revision ?? 'None'}`);
  const own = { ...w.own, gate: false, installedSnapRevision: installed };
  if (installed === pinned.snapRevision) {
    draft = writeFile(draft, LOCAL_FILES.installedWorkloadVersion, pinned.workload);
    return { ...w, draft, own: { ...own, workloadVersion: pinned.workload } };
  }
  if (installed !== undefined) {
    draft = log(
      draft,
      'warning',
      `Unrecognized snap revision ${installed} installed. Expected snap revision ${pinned.snapRevision}. If this unit was ` +
        'previously in error state and that error state was resolved with a `juju refresh`, this situation is expected. ' +
        `However, if the '${pinned.snapName}' snap was refreshed or installed manually, that is not supported.`,
    );
  }
  draft = removeFile(draft, LOCAL_FILES.installedWorkloadVersion);
  return { ...w, draft, own: { ...own, workloadVersion: undefined } };
};
