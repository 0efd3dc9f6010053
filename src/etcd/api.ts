import type { EtcdClient } from './client.js';
import type { EtcdCredentials } from './client-types.js';
import type { TlsFiles } from './config.js';

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
  | 'memberUpdate'
  | 'moveLeader'
  | 'alarmList'
  | 'downgrade'
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
  /** The unit's client certificate, key and trust bundle, used when `endpoint` is https. */
  readonly tls?: TlsFiles | undefined;
}

export interface EtcdConnect {
  readonly endpoints: readonly string[];
  readonly credentials?: EtcdCredentials | undefined;
  /** The unit's client certificate, key and trust bundle, read at the first https request (members on http are reached without). */
  readonly tls?: TlsFiles | undefined;
}
