import type { EtcdConfigInput } from '../etcd/config.js';
import { resolveQuotaBackendBytes } from '../etcd/tuning.js';
import type { EtcdTuning } from '../etcd/tuning.js';
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import { installedEtcdVersion } from '../refresh/installed-etcd.js';
import type { ClusterMember } from '../charm/peers.js';
import { sideFiles } from '../tls/files.js';

/** The etcd token every member of one cluster shares when none was recorded (older bootstraps). */
export const DEFAULT_CLUSTER_TOKEN = 'etcd-cluster';

/**
 * The render input for this unit's etcd.conf.yml, for the etcd version the
 * installed snap runs (see installedEtcdVersion), with TLS on each side where
 * its files are installed. `initialCluster` must hold
 * this member; when it does not (the leader's list lags), this member alone
 * is used: etcd reads the initial-cluster fields only at its first start.
 */
export async function configInput(
  scope: CharmHook,
  self: SelfMember,
  tuning: EtcdTuning,
  cluster: { readonly members: readonly ClusterMember[]; readonly state: 'new' | 'existing'; readonly token: string | undefined },
): Promise<EtcdConfigInput> {
  const [capacity, etcdVersion] = await Promise.all([scope.effects.hostCapacity(scope.paths.dataDir), installedEtcdVersion(scope)]);
  const hasSelf = cluster.members.some((m) => m.name === self.name && m.peerUrl === self.peerUrl);
  return {
    app: scope.model.appName,
    unitNumber: scope.model.unitNumber,
    ip: self.ip,
    etcdVersion,
    dataDir: scope.paths.dataDir,
    logFile: scope.paths.logFile,
    initialCluster: hasSelf ? cluster.members : [{ name: self.name, peerUrl: self.peerUrl }],
    initialClusterState: cluster.state,
    initialClusterToken: cluster.token ?? DEFAULT_CLUSTER_TOKEN,
    heartbeatIntervalMs: tuning.heartbeatIntervalMs,
    electionTimeoutMs: tuning.electionTimeoutMs,
    quotaBackendBytes: resolveQuotaBackendBytes(tuning.quotaBackendBytes, capacity),
    autoCompactionMode: tuning.autoCompactionMode,
    autoCompactionRetention: tuning.autoCompactionRetention,
    // Each side as its files are installed (src/cluster/tls-switch.ts installs them before a restart).
    tls: {
      peer: self.peerTls ? sideFiles(scope.effects.root, 'peer') : undefined,
      client: self.clientTls ? sideFiles(scope.effects.root, 'client') : undefined,
    },
  };
}
