/**
 * `restore backup-id=<id>` (Canonical's texts, reference §3.3). Before
 * anything stops, the leader downloads the object into the `archive` storage
 * and checks it (the sha256 in its metadata, then etcd's own reading of the
 * file); only then does it start the whole-cluster restore over the peer
 * relation (src/backup/restore-run.ts) and take its own first steps.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { z } from 'zod';
import type { CharmHook } from '../charm/charm-hook.js';
import { servesTls } from '../charm/peers.js';
import { peerUrl } from '../etcd/config.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { inTransition } from '../tls/phase.js';
import { fail, s3Target } from './action-preconditions.js';
import { ObjectStoreError } from './object-store.js';
import { fetchBackup, restorePaths } from './restore-data.js';
import { RESTORE_KEYS } from './restore-plan.js';
import type { RestoreMember, RestoreTarget } from './restore-plan.js';
import { runRestore } from './restore-run.js';
import { objectKey } from './s3-params.js';
import { RESTORE_TEXT, couldNotDownload, integrityFailed, notAllMembers, restoreInitiated } from './texts.js';

const paramsSchema = z.looseObject({ 'backup-id': z.string().optional() });

/**
 * `backup-id=2025-06-16T16:42:45Z` on the command line is YAML, and a YAML
 * timestamp may reach the charm re-rendered with milliseconds
 * (`...45.000Z`): backup ids have whole seconds, so those go.
 */
export const normaliseBackupId = (raw: string): string => raw.trim().replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.0+Z$/, '$1Z');

export async function restoreAction(scope: CharmHook, refreshInProgress: boolean): Promise<void> {
  const action = scope.model.action!;
  const { model, log, effects } = scope;
  const params = await s3Target(scope, action);
  if (params === undefined) return;
  const id = normaliseBackupId((await action.params(paramsSchema))['backup-id'] ?? '');
  if (id === '') return fail(action, RESTORE_TEXT.noBackupId);
  if (refreshInProgress) return fail(action, RESTORE_TEXT.refreshInProgress);
  const relation = await scope.peer();
  if (relation === undefined) return fail(action, RESTORE_TEXT.failed);

  // The new cluster's members: every unit, each a running member now (its peer URL settled).
  const self = await scope.self();
  const own = await scope.own(relation);
  if (!own.started || inTransition(own.tls.peer)) return fail(action, notAllMembers(model.unitName));
  const members: RestoreMember[] = [{ unit: model.unitName, name: self.name, peerUrl: self.peerUrl }];
  for (const p of await scope.peers(relation)) {
    if (!p.started || p.ip === undefined || inTransition(p.tls.peer)) return fail(action, notAllMembers(p.unit));
    members.push({ unit: p.unit, name: p.memberName, peerUrl: peerUrl(p.ip, servesTls(p.tls.peer)) });
  }

  await action.log(`Initiating restore process for backup-id ${id}`);
  const key = objectKey(params, id);
  const file = restorePaths(scope.paths).file;
  const store = await effects.objectStore(params);
  let sha256: string;
  try {
    const metadata = await store.metadata(key);
    if (metadata === undefined) return fail(action, RESTORE_TEXT.notFound);
    sha256 = metadata['sha256'] ?? '';
    if (sha256 === '') log.warn(`backup ${id} carries no sha256 (not made by this charm?); only etcd's own check of the file applies`);
    // A file left by an earlier attempt may be another backup's.
    await rm(file, { force: true });
    const got = await fetchBackup(scope, store, key, sha256);
    if (!got.ok) {
      log.error(`backup ${id} refused: ${got.reason}; nothing was stopped`);
      return fail(action, integrityFailed(id, got.reason));
    }
    sha256 = got.sha256;
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    log.error(`downloading backup ${id} (${key}) failed: ${error.message}`);
    return fail(action, couldNotDownload(id));
  } finally {
    store.close();
  }
  try {
    const snapshot = await effects.snapshotStatus(file);
    log.info(`backup ${id} downloaded and checked: sha256 ${sha256}, revision ${snapshot.revision}, ${snapshot.totalKey} keys`);
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    await rm(file, { force: true });
    log.error(`backup ${id} is not a snapshot etcd can read: ${error.message}`);
    return fail(action, integrityFailed(id, 'etcd cannot read it as a snapshot'));
  }

  const target: RestoreTarget = { key, sha256, token: `etcd-cluster-${randomUUID()}`, members };
  relation.localAppData.set(RESTORE_KEYS.verificationFailed, undefined);
  relation.localAppData.set(RESTORE_KEYS.id, id);
  relation.localAppData.set(RESTORE_KEYS.target, JSON.stringify(target));
  relation.localAppData.set(RESTORE_KEYS.instruction, 'download_backup');
  relation.localUnitData.set(RESTORE_KEYS.step, 'download_backup');
  action.setResults({ success: restoreInitiated(id) });
  // The leader's own steps, as far as they go without the others (all of them with one unit).
  const gate = await runRestore(scope, relation);
  if (gate.unit !== undefined) model.unitStatus.set(gate.unit);
  if (gate.app !== undefined) model.appStatus.set(gate.app);
}
