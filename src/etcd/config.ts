// The named export lets the bundle leave out js-yaml's loader: the charm only writes YAML.
import { dump } from 'js-yaml';
import { parseEtcdVersion } from './version.js';

/**
 * Rendering of etcd.conf.yml. The output is a pure function of its input with
 * a fixed key order, so the charm can compare it with the file on disk and
 * rewrite (and restart) only when something changed.
 *
 * The file is rendered for the etcd version that will read it: etcd 3.4 to 3.7
 * read the same keys except where {@link configDialect} says. etcd ignores
 * unknown keys silently, so the integration tests check the values etcd logs
 * at start ("starting an etcd server") and its behaviour rather than just
 * that it starts (tests/integration/etcd/config-starts.test.ts).
 */

export const CLIENT_PORT = 2379;
export const PEER_PORT = 2380;

/** Member name for a unit: `<app><unit-number>`, e.g. `charmed-etcd0`. */
export const memberName = (app: string, unitNumber: number): string => `${app}${unitNumber}`;
const scheme = (tls: boolean): string => (tls ? 'https' : 'http');
export const clientUrl = (ip: string, tls = false): string => `${scheme(tls)}://${ip}:${CLIENT_PORT}`;
export const peerUrl = (ip: string, tls = false): string => `${scheme(tls)}://${ip}:${PEER_PORT}`;

/**
 * A peer URL's `host:port`. Units and members are matched on it, not on the
 * whole URL: while peer TLS is switched on or off, a member's URL in etcd and
 * the scheme its unit last published can differ for a moment, and etcd would
 * accept `https://ip:2380` as a new member beside `http://ip:2380`.
 */
export function peerAddress(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * One side's TLS files. etcd reads them at start (and the certificate again
 * at each handshake), so the charm writes them before it restarts the member.
 */
export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** The trust bundle: every CA this side accepts certificates from. */
  readonly trustedCaFile: string;
}

/**
 * TLS on each side, or undefined for plain http. Both sides require a client
 * certificate (`client-cert-auth: true`), as Canonical's charm configures.
 */
export interface EtcdTls {
  readonly peer?: TlsFiles | undefined;
  readonly client?: TlsFiles | undefined;
}

/** Canonical's template: TLS 1.2 to 1.3 and two ECDHE-RSA AES-GCM suites for 1.2 (1.3's suites are not configurable in Go). */
export const TLS_CIPHER_SUITES = ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'] as const;

export interface InitialClusterMember {
  readonly name: string;
  readonly peerUrl: string;
}

/**
 * etcd's own log rotation (lumberjack, configured through `log-rotation-config-json`).
 * The defaults keep at most 100 MiB live plus 10 gzipped files. etcd's JSON
 * lines gzip to about a sixth or less (measured on its start-up logs), so that
 * stays well inside the 1 GiB minimum of the `logs` storage; without
 * compression 11 files of 100 MiB would not.
 */
export interface LogRotation {
  /** The live file rotates once it would exceed this many MiB (lumberjack `maxsize`). */
  readonly maxSizeMb: number;
  /** Rotated files kept; older ones are deleted (lumberjack `maxbackups`). */
  readonly maxBackups: number;
  /** gzip rotated files (lumberjack `compress`). */
  readonly compress: boolean;
}

export const DEFAULT_LOG_ROTATION: LogRotation = { maxSizeMb: 100, maxBackups: 10, compress: true };

export interface EtcdConfigInput {
  readonly app: string;
  readonly unitNumber: number;
  /** The unit's address; etcd refuses host names in listen URLs, so this is an IP. */
  readonly ip: string;
  /**
   * The etcd version that will read this file (the installed snap's), e.g.
   * "3.6.13"; undefined when unknown, which renders a file every version from
   * 3.4 to 3.7 starts with (see {@link configDialect}).
   */
  readonly etcdVersion: string | undefined;
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
  /** `rebuild-cluster`: start as a one-member cluster keeping this member's data (etcd's --force-new-cluster); for one start only. */
  readonly forceNewCluster?: boolean;
  /** Default true: etcd refuses membership changes that could lose quorum. */
  readonly strictReconfigCheck?: boolean;
  /** Serve Prometheus metrics on `http://<ip>:<port>`; omitted when undefined. */
  readonly metricsPort?: number | undefined;
  /** Default {@link DEFAULT_LOG_ROTATION}; rendered only for etcd versions that rotate (3.5+). */
  readonly logRotation?: LogRotation;
  /** Default: no TLS on either side. */
  readonly tls?: EtcdTls;
}

/** The keys that differ between the etcd versions the charm runs. */
export interface EtcdConfigDialect {
  /** `enable-v2: false`: a key in 3.4 and 3.5 only (3.6 removed the v2 API and the flag). */
  readonly enableV2Key: boolean;
  /** `max-snapshots: 5`: rendered up to 3.5; 3.6+ warn that it is deprecated at every start, and default to 5. */
  readonly maxSnapshotsKey: boolean;
  /** `enable-log-rotation` and `log-rotation-config-json` exist (3.5+; 3.4 has neither and ignores them). */
  readonly logRotation: boolean;
  /** `tls-min-version` and `tls-max-version` exist (3.5+; `etcd --help` of 3.4.23 lists only `--cipher-suites`). */
  readonly tlsVersionKeys: boolean;
}

/**
 * Which version-dependent keys to render for etcd `etcdVersion`. From the
 * etcd sources and changelogs, confirmed on the real binaries (3.4.23, 3.5.16,
 * 3.5.30, 3.6.13, 3.6.16, 3.7.3) by tests/integration/etcd/config-starts.test.ts:
 *
 * - `enable-v2`: 3.6 removed the flag (CHANGELOG-3.6 "Flags Removed");
 *   `embed.Config` of 3.6.13, 3.6.16 and 3.7.3 has no such field, so the key
 *   would be ignored. Rendered for 3.4/3.5, where `false` is also the default.
 * - `max-snapshots`: deprecated in 3.6, to be removed in 3.8 (etcdmain/config.go
 *   `deprecatedFlags`; etcd-io/etcd#21161 postponed the removal from 3.7); 3.6
 *   and 3.7 log "--max-snapshots is deprecated in 3.6 and will be decommissioned
 *   in 3.8." at every start when it is set. Their default (`DefaultMaxSnapshots`)
 *   is the 5 the charm sets, so it is left out there.
 * - Log rotation: `--enable-log-rotation` and `--log-rotation-config-json`
 *   arrived in 3.5 (CHANGELOG-3.5, etcd-io/etcd#12774); 3.4.23 has no such keys.
 *
 * An unknown or unparsable version gets every key: 3.6 and 3.7 ignore
 * `enable-v2` (and warn about `max-snapshots`), 3.4 ignores the rotation keys,
 * and every version starts.
 */
export function configDialect(etcdVersion: string | undefined): EtcdConfigDialect {
  const v = etcdVersion === undefined ? undefined : parseEtcdVersion(etcdVersion);
  if (v === undefined) return { enableV2Key: true, maxSnapshotsKey: true, logRotation: true, tlsVersionKeys: true };
  const atLeast = (minor: number): boolean => v.major > 3 || (v.major === 3 && v.minor >= minor);
  return { enableV2Key: !atLeast(6), maxSnapshotsKey: !atLeast(6), logRotation: atLeast(5), tlsVersionKeys: atLeast(5) };
}

/**
 * The `log-rotation-config-json` value. etcd unmarshals it into lumberjack's
 * Logger with encoding/json, which ignores unknown keys: the names must be
 * lumberjack's exactly (`maxsize`, `maxage`, `maxbackups`, `localtime`, `compress`).
 */
export function logRotationJson(r: LogRotation): string {
  return JSON.stringify({ maxsize: r.maxSizeMb, maxage: 0, maxbackups: r.maxBackups, localtime: false, compress: r.compress });
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
 *   (every `/v3/...` path answers 404) unless the file says so. 3.5+ default
 *   to true in a config file too (etcd-io/etcd#12297); the key stays valid.
 * - `pre-vote: true` on every version (3.4 defaults to false, 3.5+ to true), so a
 *   member rejoining after a restart does not force an election.
 * - `logger: zap` is explicit for 3.4 (whose default is capnslog); 3.5+ know
 *   only zap and still read the key.
 * - The log goes to `logFile` only, rotated by etcd itself where etcd can
 *   (3.5+). etcd refuses rotation unless `log-outputs` is exactly one file
 *   ("--log-outputs requires a single file path when --log-rotate-config-json
 *   is defined"), so stdout/stderr are never added beside it.
 * - The keys that differ between versions follow {@link configDialect}.
 * - TLS (`input.tls`) switches that side's URLs to https and adds its
 *   `*-transport-security` block with client certificates required. This
 *   member's own `initial-cluster` entry follows its peer scheme; the other
 *   members' entries are rendered as given, because during a switch some
 *   members still speak http.
 *
 * @throws TypeError when the input cannot form a valid config (no initial
 *   cluster, or this member missing from it).
 */
export function renderEtcdConfig(input: EtcdConfigInput): string {
  const name = memberName(input.app, input.unitNumber);
  const peerTls = input.tls?.peer;
  const clientTls = input.tls?.client;
  const ownPeerUrl = peerUrl(input.ip, peerTls !== undefined);
  if (input.initialCluster.length === 0) throw new TypeError('initial cluster is empty');
  if (!input.initialCluster.some((m) => m.name === name && m.peerUrl === ownPeerUrl)) {
    throw new TypeError(`initial cluster does not contain this member (${name}=${ownPeerUrl})`);
  }
  const dialect = configDialect(input.etcdVersion);
  // Object key order is insertion order; js-yaml keeps it, so the output is stable.
  const config: Record<string, unknown> = {
    name,
    'data-dir': input.dataDir,
    'listen-client-urls': clientUrl(input.ip, clientTls !== undefined),
    'advertise-client-urls': clientUrl(input.ip, clientTls !== undefined),
    'listen-peer-urls': ownPeerUrl,
    'initial-advertise-peer-urls': ownPeerUrl,
    'initial-cluster': input.initialCluster.map((m) => `${m.name}=${m.peerUrl}`).join(','),
    'initial-cluster-state': input.initialClusterState,
    'initial-cluster-token': input.initialClusterToken,
    ...(input.forceNewCluster === true ? { 'force-new-cluster': true } : {}),
    'heartbeat-interval': input.heartbeatIntervalMs,
    'election-timeout': input.electionTimeoutMs,
    'quota-backend-bytes': input.quotaBackendBytes,
    'auto-compaction-mode': input.autoCompactionMode,
    // etcd reads the retention as a string; js-yaml quotes "1000" so it stays one.
    'auto-compaction-retention': input.autoCompactionRetention,
    'snapshot-count': input.snapshotCount ?? 10000,
  };
  if (dialect.maxSnapshotsKey) config['max-snapshots'] = 5;
  config['max-wals'] = 5;
  config['strict-reconfig-check'] = input.strictReconfigCheck ?? true;
  config['pre-vote'] = true;
  if (dialect.enableV2Key) config['enable-v2'] = false;
  config['enable-grpc-gateway'] = true;
  config['logger'] = 'zap';
  config['log-level'] = 'info';
  config['log-outputs'] = [input.logFile];
  if (dialect.logRotation) {
    config['enable-log-rotation'] = true;
    config['log-rotation-config-json'] = logRotationJson(input.logRotation ?? DEFAULT_LOG_ROTATION);
  }
  if (input.metricsPort !== undefined) config['listen-metrics-urls'] = `http://${input.ip}:${input.metricsPort}`;
  if (clientTls) config['client-transport-security'] = transportSecurity(clientTls);
  if (peerTls) config['peer-transport-security'] = transportSecurity(peerTls);
  if (clientTls || peerTls) {
    config['cipher-suites'] = [...TLS_CIPHER_SUITES];
    if (dialect.tlsVersionKeys) {
      config['tls-min-version'] = 'TLS1.2';
      config['tls-max-version'] = 'TLS1.3';
    }
  }
  return dump(config, { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** etcd's `*-transport-security` block (embed.SecurityConfig's yaml names). */
function transportSecurity(files: TlsFiles): Record<string, unknown> {
  return { 'cert-file': files.certFile, 'key-file': files.keyFile, 'client-cert-auth': true, 'trusted-ca-file': files.trustedCaFile, 'auto-tls': false };
}
