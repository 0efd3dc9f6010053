import yaml from 'js-yaml';

/**
 * Rendering of etcd.conf.yml. The output is a pure function of its input with
 * a fixed key order, so the charm can compare it with the file on disk and
 * rewrite (and restart) only when something changed.
 *
 * Every key is one that etcd 3.4, 3.5 and 3.6 read from a config file. etcd
 * ignores unknown keys silently, so the integration tests check the values
 * etcd logs at start ("starting an etcd server") rather than just that it starts.
 */

export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;

/** Member name for a unit: `<app><unit-number>`, e.g. `charmed-etcd0`. */
export const memberName = (app: string, unitNumber: number): string => `${app}${unitNumber}`;
export const clientUrl = (ip: string): string => `http://${ip}:${CLIENT_PORT}`;
export const peerUrl = (ip: string): string => `http://${ip}:${PEER_PORT}`;

export interface InitialClusterMember {
  readonly name: string;
  readonly peerUrl: string;
}

export interface EtcdConfigInput {
  readonly app: string;
  readonly unitNumber: number;
  /** The unit's address; etcd refuses host names in listen URLs, so this is an IP. */
  readonly ip: string;
  readonly dataDir: string;
  /** etcd's log file (the snap's `common/var/log/etcd/etcd.log`). */
  readonly logFile: string;
  /** The members etcd should expect at first start, this unit included. */
  readonly initialCluster: readonly InitialClusterMember[];
  /** `new` for the bootstrapping unit, `existing` for a learner joining a running cluster. */
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  /** Already resolved (see resolveQuotaBackendBytes). */
  readonly quotaBackendBytes: number;
  readonly autoCompactionMode: 'periodic' | 'revision';
  readonly autoCompactionRetention: string;
  /** Default 10000 (etcd 3.6's default; 3.4/3.5 default to 100000 and hold more entries in memory). */
  readonly snapshotCount?: number;
  /** Default true: etcd refuses membership changes that could lose quorum. */
  readonly strictReconfigCheck?: boolean;
  /** Serve Prometheus metrics on `http://<ip>:<port>`; omitted when undefined. */
  readonly metricsPort?: number | undefined;
}

/**
 * Renders etcd.conf.yml for one member.
 *
 * Decisions worth knowing:
 * - Client and peer listen on the unit's IP only, not also on 127.0.0.1:
 *   several units can share one machine (the simulator, or LXD with host
 *   networking) and would fight over 127.0.0.1:2379, and the charm reaches its
 *   own member through the unit IP anyway.
 * - `enable-grpc-gateway: true` is explicit: etcd 3.4 turns the JSON gateway on
 *   only through its command-line default, so with a config file it is off
 *   (every `/v3/...` path answers 404) unless the file says so.
 * - `pre-vote: true` on every version (3.4 defaults to false, 3.5 to true), so a
 *   member rejoining after a restart does not force an election.
 * - `enable-v2: false`: the charm and its clients speak v3 only (3.6 drops v2
 *   and ignores the key).
 *
 * @throws TypeError when the input cannot form a valid config (no initial
 *   cluster, or this member missing from it).
 */
export function renderEtcdConfig(input: EtcdConfigInput): string {
  const name = memberName(input.app, input.unitNumber);
  if (input.initialCluster.length === 0) throw new TypeError('initial cluster is empty');
  if (!input.initialCluster.some((m) => m.name === name && m.peerUrl === peerUrl(input.ip))) {
    throw new TypeError(`initial cluster does not contain this member (${name}=${peerUrl(input.ip)})`);
  }
  // Object key order is insertion order; js-yaml keeps it, so the output is stable.
  const config: Record<string, unknown> = {
    name,
    'data-dir': input.dataDir,
    'listen-client-urls': clientUrl(input.ip),
    'advertise-client-urls': clientUrl(input.ip),
    'listen-peer-urls': peerUrl(input.ip),
    'initial-advertise-peer-urls': peerUrl(input.ip),
    'initial-cluster': input.initialCluster.map((m) => `${m.name}=${m.peerUrl}`).join(','),
    'initial-cluster-state': input.initialClusterState,
    'initial-cluster-token': input.initialClusterToken,
    'heartbeat-interval': input.heartbeatIntervalMs,
    'election-timeout': input.electionTimeoutMs,
    'quota-backend-bytes': input.quotaBackendBytes,
    'auto-compaction-mode': input.autoCompactionMode,
    // etcd reads the retention as a string; js-yaml quotes "1000" so it stays one.
    'auto-compaction-retention': input.autoCompactionRetention,
    'snapshot-count': input.snapshotCount ?? 10000,
    'max-snapshots': 5,
    'max-wals': 5,
    'strict-reconfig-check': input.strictReconfigCheck ?? true,
    'pre-vote': true,
    'enable-v2': false,
    'enable-grpc-gateway': true,
    logger: 'zap',
    'log-level': 'info',
    'log-outputs': [input.logFile],
  };
  if (input.metricsPort !== undefined) config['listen-metrics-urls'] = `http://${input.ip}:${input.metricsPort}`;
  return yaml.dump(config, { lineWidth: -1, noRefs: true, sortKeys: false });
}
