import { readdir, rm } from 'node:fs/promises';
import { prepareDaemonDirs } from '../etcd/daemon-dirs.js';
import path from 'node:path';
import { parseCharmConfig, restartHash } from '../charm/charm-config.js';
import { scanMembers } from '../etcd/cluster-scan.js';
import { currentPassword, rootCredentials } from '../charm/credentials.js';
import type { Alarm } from '../etcd/client-types.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import type { HealthRecordParse } from '../etcd/health-record.js';
import type { Member } from '../etcd/membership.js';
import { probeSelf } from '../cluster/health-step.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { clusterEndpoints } from '../charm/charm-hook.js';
import { installedRevision } from '../etcd/snap.js';
import { sideFiles } from '../tls/files.js';
import { peerUrl, peerAddress } from '../etcd/config.js';
import { clientTrustExtras, servesTls } from '../charm/peers.js';
import type { EtcdApi } from '../etcd/api.js';
import { EtcdServerError } from '../etcd/errors/server-error.js';
import { readPinnedSnap } from '../etcd/pinned-snap.js';
import { downgradeStep, etcdSays } from './downgrade.js';
import { RESTORE_KEYS } from '../backup/restore-plan.js';

/**
 * The checks that must pass before the first unit refreshes (the
 * `pre-refresh-check` action on the leader, and automatically on the
 * highest unit before it starts): a pure judgement over what the cluster
 * and the peer relation say, then a keyspace snapshot as the restore point.
 */

/** Failure texts (at most 64 characters once a member name is added). */
export const PRECHECK = {
  notHealthy: 'Cluster is not healthy',
  learner: 'A learner is waiting for promotion',
  noPeerRelation: 'No peer relation',
  notInitialized: 'Cluster is not initialized',
  rollingRestart: 'Rolling restart in progress',
  rebuildInProgress: 'A cluster rebuild is in progress',
  restoreInProgress: 'A restore is in progress',
  snapshotFailed: 'Snapshot of the keyspace failed',
  uploadFailed: 'Upload of the restore point to S3 failed (see debug-log)',
  downgradeRefused: 'etcd refuses the downgrade',
} as const;

/** One unit of the peer relation as the check sees it. */
export interface PrecheckUnit {
  readonly memberName: string;
  /** Undefined until the unit published its address. */
  readonly peerUrl: string | undefined;
  readonly started: boolean;
  /** Published (or, for this unit, freshly probed) health record. */
  readonly health: HealthRecordParse | undefined;
  readonly configHash: string | undefined;
}

export interface PrecheckFacts {
  /** Undefined when no member answered `member list`. */
  readonly members: readonly Member[] | undefined;
  /** Ids of members that answered a live probe and know a leader. */
  readonly healthy: ReadonlySet<string>;
  /** Undefined when the alarms could not be read. */
  readonly alarms: readonly Alarm[] | undefined;
  /** Every unit of the application, this one included. */
  readonly units: readonly PrecheckUnit[];
  /** The tuning fingerprint the current config asks for (undefined: config invalid). */
  readonly desiredConfigHash: string | undefined;
}

const MAX = 64;
const unhealthy = (detail: string): string => `${PRECHECK.notHealthy}: ${detail}`.slice(0, MAX);

/** The first reason the cluster is not ready to refresh, or undefined. Pure. */
export function findPrecheckProblem(facts: PrecheckFacts): string | undefined {
  const { members } = facts;
  if (members === undefined || members.length === 0) return PRECHECK.notHealthy;
  if (members.some((m) => m.isLearner)) return PRECHECK.learner;
  const down = members.find((m) => !facts.healthy.has(m.id));
  if (down !== undefined) return unhealthy(`${down.name || down.id} down`);
  if (facts.alarms === undefined) return unhealthy('alarms unreadable');
  const alarm = facts.alarms[0];
  if (alarm !== undefined) return unhealthy(`alarm ${alarm.alarm} raised`);
  // Matched on host and port: the scheme follows TLS, which the records may show a moment late.
  const memberUrls = new Set(members.flatMap((m) => m.peerUrls.map(peerAddress)));
  const missing = facts.units.find((u) => u.peerUrl === undefined || !u.started || !memberUrls.has(peerAddress(u.peerUrl)));
  if (missing !== undefined) return unhealthy(`${missing.memberName} is not a member`);
  const unitUrls = new Set(facts.units.flatMap((u) => (u.peerUrl === undefined ? [] : [peerAddress(u.peerUrl)])));
  const orphan = members.find((m) => !m.peerUrls.some((url) => unitUrls.has(peerAddress(url))));
  if (orphan !== undefined) return unhealthy(`member ${orphan.name || orphan.id} has no unit`);
  for (const u of facts.units) {
    if (u.health === undefined) return unhealthy(`${u.memberName} no health record`);
    if (!u.health.ok) return unhealthy(`${u.memberName} health record malformed`);
    if (!u.health.record.healthy) return unhealthy(`${u.memberName} ${u.health.record.problems[0] ?? 'unhealthy'}`);
  }
  if (facts.desiredConfigHash !== undefined && facts.units.some((u) => u.configHash !== facts.desiredConfigHash)) {
    return PRECHECK.rollingRestart;
  }
  return undefined;
}

export type PrecheckReport =
  | { readonly ok: true; readonly snapshot: string; /** The backup the snapshot was uploaded as, with S3 related. */ readonly backupId?: string | undefined }
  | { readonly ok: false; readonly message: string };

/** Snapshots kept in the archive; older pre-refresh snapshots are deleted. */
export const SNAPSHOTS_KEPT = 3;
const SNAPSHOT_PREFIX = 'pre-refresh-';

/**
 * Runs the checks against the live cluster and, when they pass, saves a
 * snapshot of the keyspace from this unit's member into the archive
 * directory. Never throws for etcd failures (they are failed checks).
 */
export async function runPreRefreshChecks(scope: CharmHook): Promise<PrecheckReport> {
  const relation = await scope.peer();
  if (relation === undefined) return { ok: false, message: PRECHECK.noPeerRelation };
  const app = await scope.app(relation);
  if (app.clusterState === undefined) return { ok: false, message: PRECHECK.notInitialized };
  if (app.rebuild !== undefined) return { ok: false, message: PRECHECK.rebuildInProgress };
  if (((await relation.localAppData.get(RESTORE_KEYS.instruction)) ?? '') !== '') return { ok: false, message: PRECHECK.restoreInProgress };
  const self = await scope.self();
  const own = await scope.own(relation);
  const peers = await scope.peers(relation);
  const password = await currentPassword(scope.model, app);
  const credentials = password === undefined ? undefined : rootCredentials(password);
  // The snapshot below needs the credentials themselves, not only a client.
  const client = scope.client(clusterEndpoints(self, peers), credentials);

  let members: readonly Member[] | undefined;
  let alarms: readonly Alarm[] | undefined;
  try {
    members = await client.memberList();
    alarms = await client.alarmList();
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
  }
  const scan = members === undefined ? undefined : await scanMembers(client, members);
  const revision = (await installedRevision(scope.paths.snapCurrent)) ?? '';
  const probe = await probeSelf(client, self.clientUrl, revision);
  const parsed = parseCharmConfig(await scope.model.rawConfig());
  const units: PrecheckUnit[] = [
    { memberName: self.name, peerUrl: self.peerUrl, started: own.started, health: { ok: true, record: probe.record }, configHash: own.configHash },
    ...peers.map((p) => ({
      memberName: p.memberName,
      peerUrl: p.ip === undefined ? undefined : peerUrl(p.ip, servesTls(p.tls.peer)),
      started: p.started,
      health: p.health,
      configHash: p.configHash,
    })),
  ];
  const problem = findPrecheckProblem({
    members,
    healthy: scan?.healthy ?? new Set(),
    alarms,
    units,
    desiredConfigHash: parsed.ok ? restartHash(parsed.config.tuning, clientTrustExtras(app)) : undefined,
  });
  if (problem !== undefined) return { ok: false, message: problem };
  const refused = await downgradeRefusal(scope, client, self.clientUrl);
  if (refused !== undefined) return { ok: false, message: refused };

  const file = path.join(scope.paths.archiveDir, `${SNAPSHOT_PREFIX}${timestamp(scope.effects.now())}.db`);
  try {
    // The snap's etcdctl writes the file as snap_daemon.
    await prepareDaemonDirs(scope.paths);
    await scope.effects.snapshotSave(file, { endpoint: self.clientUrl, credentials, tls: sideFiles(scope.effects.root, 'client') });
  } catch (error) {
    scope.log.error(`saving a snapshot of the keyspace to ${file} failed: ${(error as Error).message}`);
    return { ok: false, message: PRECHECK.snapshotFailed };
  }
  scope.log.info(`saved a snapshot of the keyspace to ${file}`);
  await pruneSnapshots(scope.paths.archiveDir);
  const { uploadRestorePoint } = await import('../backup/restore-point.js');
  const point = await uploadRestorePoint(scope, file, () => client.status(self.clientUrl));
  if (point.kind === 'failed') {
    scope.log.error(`uploading the restore point ${file} failed: ${point.reason}`);
    return { ok: false, message: PRECHECK.uploadFailed };
  }
  return { ok: true, snapshot: file, backupId: point.kind === 'uploaded' ? point.backupId : undefined };
}

/**
 * When this charm's etcd is one minor below the cluster version (the checks
 * run by the new charm as a downgrade starts), etcd's own `downgrade
 * validate` for it: its refusal, quoted, is the failed check. A downgrade to
 * that minor already enabled (a retried start) passes. Undefined otherwise.
 */
async function downgradeRefusal(scope: CharmHook, client: EtcdApi, endpoint: string): Promise<string | undefined> {
  const pinned = await readPinnedSnap(scope.model.context.charmDir, await scope.effects.architecture());
  const target = pinned.ok ? pinned.snap.workload : undefined;
  if (target === undefined) return undefined;
  try {
    const cluster = (await client.version(endpoint)).cluster;
    const step = downgradeStep({ target, clusterVersion: cluster, downgradeTarget: undefined, ownStorageVersion: undefined });
    if (step.kind !== 'enable') return undefined;
    if ((await client.status(endpoint)).downgradeTarget !== undefined) return undefined;
    await client.downgrade('VALIDATE', step.version);
    return undefined;
  } catch (error) {
    if (error instanceof EtcdServerError) return `${PRECHECK.downgradeRefused}: ${etcdSays(error)}`.slice(0, MAX);
    if (error instanceof EtcdError) return unhealthy(`${self(endpoint)} down`);
    throw error;
  }
}

const self = (endpoint: string): string => endpoint.replace(/^https?:\/\//, '');

/** `20250101T000000Z`: sorts by time, safe in a file name. */
const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

async function pruneSnapshots(dir: string): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.startsWith(SNAPSHOT_PREFIX) && n.endsWith('.db')).sort();
  for (const old of names.slice(0, Math.max(0, names.length - SNAPSHOTS_KEPT))) await rm(path.join(dir, old), { force: true });
}
