/**
 * `create-backup` and `list-backups`, with Canonical's texts (its backup
 * events; reference §3.3). A backup is one object, `<path>/<backup-id>`, the
 * raw etcd snapshot, carrying its sha256, size, etcd version, cluster id and
 * revision as S3 user metadata.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ActionScope, StatusValue, SettableStatusName } from '../../lib/juju/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { clusterEndpoints } from '../charm/charm-hook.js';
import { currentPassword, rootCredentials } from '../charm/credentials.js';
import { showProgress } from '../charm/status-resolver.js';
import { prepareDaemonDirs } from '../etcd/daemon-dirs.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { formatBackupTable, backupIdAt } from './backup-list.js';
import { ObjectStoreError } from './object-store.js';
import { backupPrefix } from './s3-params.js';
import { uploadSnapshot } from './upload-snapshot.js';
import { fail, s3Target } from './action-preconditions.js';
import { sideFiles } from '../tls/files.js';
import { BACKUP_TEXT } from './texts.js';

/** Where the snapshot is staged before upload (Canonical's name, in the `archive` storage). */
export const STAGED_SNAPSHOT = 'charmed-etcd_snapshot.db';

const isSettable = (s: StatusValue): s is StatusValue<SettableStatusName> => ['active', 'blocked', 'maintenance', 'waiting'].includes(s.name);

async function createBackup(scope: CharmHook, action: ActionScope): Promise<void> {
  const params = await s3Target(scope, action);
  if (params === undefined) return;
  const relation = await scope.peer();
  if (relation === undefined) return fail(action, BACKUP_TEXT.backupFailed);
  await action.log('Initiating backup process ...');
  const before: StatusValue = await scope.model.unitStatus.get();
  await showProgress(scope.model, { name: 'maintenance', message: BACKUP_TEXT.creatingBackup });
  const file = path.join(scope.paths.archiveDir, STAGED_SNAPSHOT);
  const backupId = backupIdAt(scope.effects.now());
  try {
    const app = await scope.app(relation);
    const password = await currentPassword(scope.model, app);
    const credentials = password === undefined ? undefined : rootCredentials(password);
    const self = await scope.self();
    const client = scope.client(clusterEndpoints(self, await scope.peers(relation)), credentials);
    // The snap's etcdctl writes the file as snap_daemon, into the archive storage.
    await prepareDaemonDirs(scope.paths);
    await rm(file, { force: true });
    const member = await client.status(self.clientUrl);
    await scope.effects.snapshotSave(file, { endpoint: self.clientUrl, credentials, tls: sideFiles(scope.effects.root, 'client') });
    const { key, metadata } = await uploadSnapshot(scope, params, file, backupId, member);
    action.setResults({ 'backup-id': backupId, key, sha256: metadata.sha256, size: metadata.size, revision: metadata.revision, 'etcd-version': member.version });
  } catch (error) {
    if (!(error instanceof EtcdError || error instanceof ObjectStoreError)) throw error;
    scope.log.error(`backup ${backupId} failed: ${error.message}`);
    fail(action, BACKUP_TEXT.backupFailed);
  } finally {
    await rm(file, { force: true });
    // Actions do not resolve statuses: put back what the unit showed.
    if (isSettable(before)) scope.model.unitStatus.set(before);
  }
}

async function listBackups(scope: CharmHook, action: ActionScope): Promise<void> {
  const params = await s3Target(scope, action);
  if (params === undefined) return;
  const store = await scope.effects.objectStore(params);
  try {
    const prefix = backupPrefix(params);
    const objects = await store.list(prefix);
    const rows = await Promise.all(
      objects
        .filter((o) => o.key.length > prefix.length && !o.key.slice(prefix.length).includes('/'))
        .map(async (o) => ({ id: o.key.slice(prefix.length), size: o.size, etcdVersion: (await store.metadata(o.key))?.['etcd-version'] })),
    );
    action.setResults({ backups: formatBackupTable(rows) });
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    scope.log.error(`listing backups failed: ${error.message}`);
    fail(action, `Could not list backups: ${error.message}`);
  } finally {
    store.close();
  }
}

/** Routes the backup actions; false when `name` is not one of them. */
export async function handleBackupAction(scope: CharmHook, name: string): Promise<boolean> {
  const action = scope.model.action;
  if (action === undefined) return false;
  switch (name) {
    case 'create-backup':
      await createBackup(scope, action);
      return true;
    case 'list-backups':
      await listBackups(scope, action);
      return true;
    default:
      return false;
  }
}
