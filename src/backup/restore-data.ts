/**
 * The restore's effects on a unit's files: the backup downloaded into the
 * `archive` storage and checked, and etcd's `member/` directory replaced by
 * one `etcdutl snapshot restore` built. Each function is idempotent: a hook
 * killed at any line is retried and redoes only what is missing.
 *
 * The member's own data is never deleted before the restore is over: it is
 * renamed to `member.pre-restore` (same storage, no copy), put back if the
 * verification fails, and removed only once the restored cluster is healthy.
 */
import { chown, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CharmHook } from '../charm/charm-hook.js';
import { prepareDaemonDirs } from '../etcd/daemon-dirs.js';
import { SNAP_DAEMON_ID } from '../etcd/paths.js';
import type { UnitPaths } from '../etcd/paths.js';
import type { ObjectStore } from './object-store.js';
import { CHECKSUM_MISMATCH, ObjectStoreError } from './object-store.js';
import type { RestoreMember } from './restore-plan.js';
import { sha256Of } from './upload-snapshot.js';

/** The downloaded backup, in the `archive` storage (not Canonical's staging name: a create-backup may use that one). */
export const RESTORE_FILE = 'charmed-etcd_restore.db';

export interface RestorePaths {
  readonly file: string;
  readonly partial: string;
  /** The member's data before the restore, kept until the restored cluster is healthy. */
  readonly aside: string;
  /** Where etcdutl builds the new data (it wants an empty directory; the data storage's root is not). */
  readonly staging: string;
}

export const restorePaths = (paths: UnitPaths): RestorePaths => ({
  file: path.join(paths.archiveDir, RESTORE_FILE),
  partial: path.join(paths.archiveDir, `${RESTORE_FILE}.part`),
  aside: path.join(paths.dataDir, 'member.pre-restore'),
  staging: path.join(paths.dataDir, 'restore.tmp'),
});

const exists = async (p: string): Promise<boolean> => {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
};

export type FetchResult = { readonly ok: true; readonly sha256: string } | { readonly ok: false; readonly reason: string };

/**
 * Downloads `key` (streamed) and checks it against `sha256` (skipped when
 * the object carried none); a file already there that checks out is kept.
 * A mismatch leaves no file behind.
 * @throws ObjectStoreError when the download fails.
 */
export async function fetchBackup(scope: CharmHook, store: ObjectStore, key: string, sha256: string): Promise<FetchResult> {
  const files = restorePaths(scope.paths);
  await prepareDaemonDirs(scope.paths);
  if (await exists(files.file)) {
    const have = await sha256Of(files.file);
    if (sha256 === '' || have === sha256) return { ok: true, sha256: have };
    await rm(files.file, { force: true });
  }
  await rm(files.partial, { force: true });
  try {
    await store.download(key, files.partial);
  } catch (error) {
    await rm(files.partial, { force: true });
    if (error instanceof ObjectStoreError && error.code === CHECKSUM_MISMATCH) return { ok: false, reason: `the object store's checksum does not match the downloaded bytes` };
    throw error;
  }
  const got = await sha256Of(files.partial);
  if (sha256 !== '' && got !== sha256) {
    await rm(files.partial, { force: true });
    return { ok: false, reason: `the downloaded object's sha256 is ${got}, its metadata says ${sha256}` };
  }
  // etcdutl runs as snap_daemon and must read it.
  await chown(files.partial, SNAP_DAEMON_ID, SNAP_DAEMON_ID);
  await rename(files.partial, files.file);
  return { ok: true, sha256: got };
}

/** Whether the checked download is on this unit. */
export const haveBackup = (paths: UnitPaths): Promise<boolean> => exists(restorePaths(paths).file);

/** Moves the member's data aside (once); a later call drops whatever `member/` holds then (a trial or partial restore). */
async function setAside(paths: UnitPaths): Promise<void> {
  const files = restorePaths(paths);
  if (await exists(files.aside)) await rm(paths.memberDir, { recursive: true, force: true });
  else if (await exists(paths.memberDir)) await rename(paths.memberDir, files.aside);
}

/**
 * Replaces `member/` with the backup restored for `self` in a cluster of
 * `members` (etcd must be stopped).
 * @throws EtcdError when etcdutl fails (the member's own data stays aside).
 */
export async function restoreMemberDir(scope: CharmHook, self: RestoreMember, members: readonly RestoreMember[], token: string): Promise<void> {
  const { paths } = scope;
  const files = restorePaths(paths);
  await prepareDaemonDirs(paths);
  await setAside(paths);
  await rm(files.staging, { recursive: true, force: true });
  await scope.effects.snapshotRestore(files.file, {
    dataDir: files.staging,
    name: self.name,
    peerUrl: self.peerUrl,
    initialCluster: members.map((m) => `${m.name}=${m.peerUrl}`).join(','),
    token,
  });
  await rename(path.join(files.staging, 'member'), paths.memberDir);
  await rm(files.staging, { recursive: true, force: true });
}

/** Puts the member's own data back (after a failed verification); a no-op when it was never moved. */
export async function putBack(paths: UnitPaths): Promise<void> {
  const files = restorePaths(paths);
  if (!(await exists(files.aside))) return;
  await rm(paths.memberDir, { recursive: true, force: true });
  await rename(files.aside, paths.memberDir);
}

/** Drops what the restore left: the download and the old data (only once the new cluster is healthy, or put back). */
export async function dropLeftovers(paths: UnitPaths): Promise<void> {
  const files = restorePaths(paths);
  for (const p of [files.file, files.partial, files.staging, files.aside]) await rm(p, { recursive: true, force: true });
}
