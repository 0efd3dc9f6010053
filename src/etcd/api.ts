import type { EtcdClient } from './client.js';
import type { EtcdCredentials } from './client-types.js';

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
}

export interface EtcdConnect {
  readonly endpoints: readonly string[];
  readonly credentials?: EtcdCredentials | undefined;
}
