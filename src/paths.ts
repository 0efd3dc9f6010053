import path from 'node:path';

/** The snap the charm installs, and its one service. */
export const SNAP_NAME = 'charmed-etcd';
export const ETCD_SERVICE = `${SNAP_NAME}.etcd`;
/** The snap's etcdctl app (found on PATH; /snap/bin on a real machine). */
export const ETCDCTL_APP = `${SNAP_NAME}.etcdctl`;

/** Where `data` storage is mounted (metadata.yaml's `location`, relative to the root). */
export const DATA_STORAGE_LOCATION = '/var/snap/charmed-etcd/common/var/lib/etcd';

/** Every path the charm touches on the unit, built from one root (`/`, or `CHARMED_ETCD_ROOT`). */
export interface UnitPaths {
  readonly root: string;
  /** `$SNAP_DATA/etcd.conf.yml`, read by the daemon at start. */
  readonly configFile: string;
  /** etcd's data directory: the `data` storage. */
  readonly dataDir: string;
  /** etcd's `member/` directory: present once the member has run. */
  readonly memberDir: string;
  readonly logFile: string;
  /** `snap/charmed-etcd/current`: a symlink to the installed revision (read without running `snap`). */
  readonly snapCurrent: string;
  /** `$SNAP_COMMON/archive`: keyspace snapshots taken before a refresh (writable by the snap's etcdctl). */
  readonly archiveDir: string;
}

/** Joins an absolute unit path under `root` (`/` leaves it unchanged). */
export const underRoot = (root: string, absolute: string): string => path.join(root, absolute);

export function unitPaths(root: string): UnitPaths {
  const dataDir = underRoot(root, DATA_STORAGE_LOCATION);
  return {
    root,
    configFile: underRoot(root, `/var/snap/${SNAP_NAME}/current/etcd.conf.yml`),
    dataDir,
    memberDir: path.join(dataDir, 'member'),
    logFile: underRoot(root, `/var/snap/${SNAP_NAME}/common/var/log/etcd/etcd.log`),
    snapCurrent: underRoot(root, `/snap/${SNAP_NAME}/current`),
    archiveDir: underRoot(root, `/var/snap/${SNAP_NAME}/common/archive`),
  };
}
