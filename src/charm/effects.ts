import type { OpenObjectStore } from '../backup/object-store.js';
import type { EtcdApi, EtcdConnect, SnapshotTarget } from '../etcd/api.js';
import type { SnapshotStatus } from '../etcd/snapshot-status.js';
import type { SnapshotRestoreOptions } from '../etcd/etcdutl.js';
import type { HostCapacity } from '../etcd/tuning.js';
import type { SnapAdapter } from '../etcd/snap.js';

/**
 * Every effect the charm performs besides hook tools, in one object: the one
 * seam tests replace. Nothing here is global, so tests run in parallel.
 */
export interface CharmEffects {
  /** The unit's filesystem root (`CHARMED_ETCD_ROOT`, default `/`). */
  readonly root: string;
  readonly snap: SnapAdapter;
  /** A client for these endpoints (no request is made until a method is called). */
  etcd(connect: EtcdConnect): EtcdApi;
  /** Milliseconds since the epoch. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** `uname -m`: `x86_64`, `aarch64`, ... */
  architecture(): Promise<string>;
  /** Memory and the size of the filesystem holding `dataDir` (for `quota-backend-bytes: auto`). */
  hostCapacity(dataDir: string): Promise<HostCapacity>;
  /** The machine's host name (a SAN of the unit's certificates). */
  hostname(): string;
  /** A fresh random password for the `root` user. */
  generatePassword(): string;
  /**
   * `etcdctl snapshot save <file>` through the snap's `charmed-etcd.etcdctl`
   * (credentials in the environment, never on argv).
   * @throws EtcdError (EtcdctlError) when etcdctl fails.
   */
  snapshotSave(file: string, target: SnapshotTarget): Promise<void>;
  /**
   * `etcdutl snapshot status` of a saved snapshot, through the snap's app.
   * @throws EtcdError (EtcdctlError) when the file is not a whole snapshot.
   */
  snapshotStatus(file: string): Promise<SnapshotStatus>;
  /**
   * `etcdutl snapshot restore <file>` into `options.dataDir`, through the snap's app.
   * @throws EtcdError (EtcdctlError) when etcdutl fails.
   */
  snapshotRestore(file: string, options: SnapshotRestoreOptions): Promise<void>;
  /** The backups' object storage (the real one loads the S3 SDK on first use). */
  objectStore: OpenObjectStore;
}
