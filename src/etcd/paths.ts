import path from 'node:path';

/** The snap the charm installs, and its one service. */
export const SNAP_NAME = 'charmed-etcd';
export const ETCD_SERVICE = `${SNAP_NAME}.etcd`;
/** The snap's etcdctl app (found on PATH; /snap/bin on a real machine). */
export const ETCDCTL_APP = `${SNAP_NAME}.etcdctl`;
/** The snap's etcdutl app (3.5+ snaps). */
export const ETCDUTL_APP = `${SNAP_NAME}.etcdutl`;

/** Where the storages are mounted (metadata.yaml's `location`s, relative to the root), as Canonical's charm declares them. */
export const DATA_STORAGE_LOCATION = '/var/snap/charmed-etcd/common/var/lib/etcd';
export const LOGS_STORAGE_LOCATION = '/var/snap/charmed-etcd/common/var/log/etcd';
export const ARCHIVE_STORAGE_LOCATION = '/var/snap/charmed-etcd/common/archive';

/** snapd's shared `snap_daemon` user and group (uid = gid): the snap's daemon and tools run as it. */
export const SNAP_DAEMON_ID = 584788;

/** Every path the charm touches on the unit, built from one root (`/`, or `CHARMED_ETCD_ROOT`). */
export interface UnitPaths {
  readonly root: string;
  /** `$SNAP_DATA/etcd.conf.yml`, read by the daemon at start. */
  readonly configFile: string;
  /** etcd's data directory: the `data` storage. */
  readonly dataDir: string;
  /** etcd's `member/` directory: present once the member has run. */
  readonly memberDir: string;
  /** Who last started etcd on this data: travels with the `data` storage (see storage-reuse.ts). */
  readonly memberMarker: string;
  /** The `logs` storage: etcd's own log file and its rotated copies. */
  readonly logDir: string;
  readonly logFile: string;
  /** `snap/charmed-etcd/current`: a symlink to the installed revision (read without running `snap`). */
  readonly snapCurrent: string;
  /** `$SNAP_COMMON/archive`, the `archive` storage: keyspace snapshots taken before a refresh (written by the snap's etcdctl). */
  readonly archiveDir: string;
}

/** Joins an absolute unit path under `root` (`/` leaves it unchanged). */
export const underRoot = (root: string, absolute: string): string => path.join(root, absolute);

export function unitPaths(root: string): UnitPaths {
  const dataDir = underRoot(root, DATA_STORAGE_LOCATION);
  const logDir = underRoot(root, LOGS_STORAGE_LOCATION);
  return {
    root,
    configFile: underRoot(root, `/var/snap/${SNAP_NAME}/current/etcd.conf.yml`),
    dataDir,
    memberDir: path.join(dataDir, 'member'),
    memberMarker: path.join(dataDir, '.charmed-etcd-member.json'),
    logDir,
    logFile: path.join(logDir, 'etcd.log'),
    snapCurrent: underRoot(root, `/snap/${SNAP_NAME}/current`),
    archiveDir: underRoot(root, ARCHIVE_STORAGE_LOCATION),
  };
}
