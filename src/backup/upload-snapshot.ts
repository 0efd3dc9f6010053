/**
 * Uploads a snapshot file etcd has saved as one backup object, with the
 * metadata a restore checks (sha256, size, etcd version, cluster id,
 * revision). Used by `create-backup` and by the pre-refresh restore point.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { CharmHook } from '../charm/charm-hook.js';
import type { MemberStatus } from '../etcd/client-types.js';
import type { BackupMetadata } from './object-store.js';
import type { S3Params } from './s3-params.js';
import { objectKey } from './s3-params.js';

export interface UploadedBackup {
  readonly backupId: string;
  readonly key: string;
  readonly metadata: BackupMetadata;
}

/** sha256 of a file, streamed. */
export async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * etcd's own reading of `file` first (a truncated or corrupt snapshot fails
 * before any upload), then a streamed multipart upload to `<path>/<backupId>`.
 * @throws EtcdError or ObjectStoreError
 */
export async function uploadSnapshot(scope: CharmHook, params: S3Params, file: string, backupId: string, member: MemberStatus): Promise<UploadedBackup> {
  const snapshot = await scope.effects.snapshotStatus(file);
  const size = (await stat(file)).size;
  const metadata: BackupMetadata = {
    sha256: await sha256Of(file),
    size: String(size),
    'etcd-version': member.version,
    'cluster-id': member.clusterId ?? '',
    revision: String(snapshot.revision),
  };
  const key = objectKey(params, backupId);
  const store = await scope.effects.objectStore(params);
  try {
    await store.ensureBucket();
    await store.upload(key, createReadStream(file), metadata);
  } finally {
    store.close();
  }
  scope.log.info(`backup ${backupId} uploaded to ${params.endpoint}, bucket ${params.bucket}, key ${key} (${size} bytes, sha256 ${metadata.sha256}, revision ${metadata.revision})`);
  return { backupId, key, metadata };
}
