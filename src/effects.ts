import type { EtcdClient } from './etcd/client.js';
import type { EtcdCredentials } from './etcd/client-types.js';
import type { HostCapacity } from './etcd/tuning.js';
import type { RefreshStep } from './refresh-step.js';

/**
 * The snap operations the charm needs. Production runs `snap` (src/snap.ts);
 * unit tests pass a fake. Every method rejects when snapd refuses.
 */
export interface SnapAdapter {
  /** `snap install <name> --revision <revision>`. */
  install(name: string, revision: string): Promise<void>;
  /** `snap refresh <name> --hold`: never auto-refresh. */
  hold(name: string): Promise<void>;
  /** `snap refresh <name> --revision <revision>`. */
  refresh(name: string, revision: string): Promise<void>;
  /** `snap start [--enable] <service>`. */
  start(service: string, options?: { readonly enable?: boolean }): Promise<void>;
  /** `snap stop [--disable] <service>`. */
  stop(service: string, options?: { readonly disable?: boolean }): Promise<void>;
  /** `snap restart <service>`. */
  restart(service: string): Promise<void>;
  /** Whether `snap services <service>` reports it active. */
  isActive(service: string): Promise<boolean>;
}

/** The part of {@link EtcdClient} the charm uses; fakes implement this. */
export type EtcdApi = Pick<
  EtcdClient,
  | 'status'
  | 'health'
  | 'version'
  | 'memberList'
  | 'memberAdd'
  | 'memberPromote'
  | 'memberRemove'
  | 'moveLeader'
  | 'alarmList'
  | 'userAdd'
  | 'userGrantRole'
  | 'authEnable'
  | 'authStatus'
  | 'userChangePassword'
>;

/** What `etcdctl snapshot save` needs: the member to read and how to authenticate. */
export interface SnapshotTarget {
  readonly endpoint: string;
  readonly credentials?: EtcdCredentials | undefined;
}

export interface EtcdConnect {
  readonly endpoints: readonly string[];
  readonly credentials?: EtcdCredentials | undefined;
}

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
  /** A fresh random password for the `root` user. */
  generatePassword(): string;
  /**
   * `etcdctl snapshot save <file>` through the snap's `charmed-etcd.etcdctl`
   * (credentials in the environment, never on argv).
   * @throws EtcdError (EtcdctlError) when etcdctl fails.
   */
  snapshotSave(file: string, target: SnapshotTarget): Promise<void>;
  /** The refresh step run first on every event; absent until the refresh library is wired in. */
  readonly refresh?: RefreshStep;
}
