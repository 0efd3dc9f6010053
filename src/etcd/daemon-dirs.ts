import { chmod, chown, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { SNAP_DAEMON_ID, type UnitPaths } from './paths.js';

/**
 * The snap's daemon, etcdctl and etcdutl run as snap_daemon (uid/gid 584788),
 * while Juju mounts the `data`, `logs` and `archive` storages root-owned before
 * `install`, and the snap's install hook leaves an existing data directory as
 * it finds it. So the charm gives these directories to snap_daemon, mode 0750
 * (as Canonical's charm does on storage-attached); a re-attached volume with
 * root-owned files inside is fixed recursively.
 */

/** Directories the daemon must own; each is a Juju storage mount point. */
const daemonDirs = (paths: UnitPaths): string[] => [paths.dataDir, paths.logDir, paths.archiveDir];

/** chown -R to snap_daemon, not following symlinks. */
async function chownTree(target: string): Promise<void> {
  const st = await lstat(target);
  if (st.isSymbolicLink()) return;
  if (st.uid !== SNAP_DAEMON_ID || st.gid !== SNAP_DAEMON_ID) await chown(target, SNAP_DAEMON_ID, SNAP_DAEMON_ID);
  if (st.isDirectory()) for (const entry of await readdir(target)) await chownTree(path.join(target, entry));
}

/**
 * Makes the storages usable by snap_daemon: created when missing, owned by it,
 * mode 0750. Cheap when nothing is wrong (one stat each), so it runs before
 * every start of etcd.
 */
export async function prepareDaemonDirs(paths: UnitPaths): Promise<void> {
  for (const dir of daemonDirs(paths)) {
    await mkdir(dir, { recursive: true });
    const st = await lstat(dir);
    if (st.uid !== SNAP_DAEMON_ID || st.gid !== SNAP_DAEMON_ID) await chownTree(dir);
    if ((st.mode & 0o777) !== 0o750) await chmod(dir, 0o750);
  }
}

/** The daemon reads its config file as snap_daemon; nobody else may (mode 0600). */
export async function giveConfigToDaemon(file: string): Promise<void> {
  await chown(file, SNAP_DAEMON_ID, SNAP_DAEMON_ID);
  await chmod(file, 0o600);
}
