import type { CharmTracks, WorkloadCompatibility } from '../../lib/refresh/index.js';
import { clusterVersionAllows, parseRelease } from '../etcd/version.js';

/**
 * The lowest patch of a minor that may be upgraded to the next minor, where
 * etcd says so. Measured and cited in tests/integration/etcd/upgrade-36-37.test.ts:
 *
 * - 3.5 -> 3.6: 3.5.26. etcd before 3.5.20 recorded a learner's promotion in
 *   the v2 store only; 3.6 reads membership from the v3 store, so a 3.5.16
 *   cluster grown by learners (as this charm grows one) has a 3.6.13 member
 *   exit with "membership: too many learner members in cluster" (measured).
 *   etcd fixed that in 3.5.20 and 3.5.24 and added an automatic v3-store
 *   repair of membership (removed "zombie" members) in 3.5.26
 *   (etcd.io/blog/2025/upgrade_from_3.5_to_3.6_issue, ..._followup,
 *   etcd.io/blog/2025/zombie_members_upgrade). The v3.6 upgrade guide now asks
 *   for 3.5.32 for the later v2-store checks, which matter only to clusters
 *   that once ran with `--enable-v2`; this charm always renders it false.
 * - 3.6 -> 3.7: 3.6.11 ("Before upgrading to 3.7, make sure that all of your
 *   3.6 members are updated to 3.6.11 or later", etcd.io/docs/v3.7/upgrades/upgrade_3_7).
 */
export const MINOR_UPGRADE_FLOOR: Readonly<Record<string, number>> = { '3.5': 26, '3.6': 11 };

/**
 * The minors etcd can downgrade *from* with its own protocol (`downgrade
 * validate|enable`, the Maintenance Downgrade API, new in the 3.6 server):
 * etcd.io/docs/v3.6/downgrades/downgrade_3_6 and .../v3.7/downgrades/downgrade_3_7.
 * 3.5 -> 3.4 is not one: etcd's 3.5 guide says a rolling downgrade with auth
 * on (always on here) is not supported, as 3.5 changed auth's WAL entries.
 */
export const DOWNGRADABLE_MINORS: ReadonlySet<string> = new Set(['3.6', '3.7']);

/**
 * Which etcd version changes an in-place refresh supports (the
 * `RefreshSpec.isWorkloadCompatible` of this charm). Pure.
 *
 * - Patch versions within a minor move both ways (3.5.16 <-> 3.5.30,
 *   3.6.13 <-> 3.6.16): etcd keeps the same storage and cluster version.
 * - A minor upgrade by exactly one (3.4 -> 3.5, 3.5 -> 3.6, 3.6 -> 3.7) is
 *   supported: etcd runs a mixed cluster at the lowest minor and moves the
 *   cluster version up once every member runs the new one. Each minor has its
 *   own Charmhub track, so the charm track must move the same way
 *   (`3.5/1.1.0` -> `3.6/1.0.0`). From a patch below {@link MINOR_UPGRADE_FLOOR}
 *   it is refused: refresh to a later patch of the same minor first.
 * - A minor downgrade by exactly one from a minor in {@link DOWNGRADABLE_MINORS}
 *   (3.6 -> 3.5, 3.7 -> 3.6), with the track moving down the same way: the
 *   refresh drives etcd's downgrade (src/refresh/downgrade.ts). The target
 *   patch must be one the cluster may upgrade from again
 *   ({@link MINOR_UPGRADE_FLOOR}: 3.5.26, 3.6.11).
 * - Refused: any other minor downgrade (etcd refuses to start below the
 *   cluster version), skipping a minor, a major change, and anything that is
 *   not a plain `X.Y.Z` release (pre-releases, dev builds, unparsable text).
 *
 * A rollback during a minor upgrade never gets here (rollbacks skip the
 * check); refreshSnap guards it with the live cluster version instead
 * ({@link clusterVersionRefusal}).
 */
export function isEtcdWorkloadCompatible(oldVersion: string, newVersion: string, tracks?: CharmTracks): WorkloadCompatibility {
  const refused: WorkloadCompatibility = { compatible: false, trackChangeAllowed: false };
  const before = parseRelease(oldVersion);
  const after = parseRelease(newVersion);
  if (before === undefined || after === undefined) return refused;
  if (before.major !== after.major) return refused;
  if (before.minor === after.minor) return { compatible: true, trackChangeAllowed: false };
  if (after.minor === before.minor - 1) {
    if (!DOWNGRADABLE_MINORS.has(`${before.major}.${before.minor}`)) return refused;
    const floor = MINOR_UPGRADE_FLOOR[`${after.major}.${after.minor}`];
    if (floor !== undefined && after.patch < floor) return refused;
  } else {
    if (after.minor !== before.minor + 1) return refused;
    const floor = MINOR_UPGRADE_FLOOR[`${before.major}.${before.minor}`];
    if (floor !== undefined && before.patch < floor) return refused;
  }
  if (tracks === undefined) return { compatible: true, trackChangeAllowed: true };
  if (tracks.oldTrack === tracks.newTrack) return refused;
  // Numeric tracks name the etcd minor they carry; they must match the versions.
  const oldTrackOk = !isMinorTrack(tracks.oldTrack) || tracks.oldTrack === `${before.major}.${before.minor}`;
  const newTrackOk = !isMinorTrack(tracks.newTrack) || tracks.newTrack === `${after.major}.${after.minor}`;
  return oldTrackOk && newTrackOk ? { compatible: true, trackChangeAllowed: true } : refused;
}

/**
 * Why this unit must not refresh to etcd `target` now, or undefined when it
 * may: etcd refuses to start below the cluster version (`/version`
 * `etcdcluster`), so a unit may go back to an older minor only while the
 * cluster version is still that minor (see clusterVersionAllows). Measured:
 * 3.4.23 on a 3.5 cluster, 3.5.30 on a 3.6 cluster and 3.6.16 on a 3.7
 * cluster all exit at start. An unknown cluster version (no member answers)
 * does not refuse. The text is the unit's blocked status.
 */
export function clusterVersionRefusal(target: string, clusterVersion: string | undefined): string | undefined {
  if (clusterVersionAllows(clusterVersion, target)) return undefined;
  return `Cannot refresh to etcd ${target}: cluster version is ${clusterVersion ?? 'unknown'}, etcd would not start`;
}

/**
 * Why this unit must not refresh from the etcd its installed snap runs
 * (`installed`) to `target`, or undefined when it may: etcd moves one minor at
 * a time, up or down. The compatibility check judges a refresh from the
 * versions it started from, so a `juju refresh` to a third release in the
 * middle of one (3.6 -> 3.7, then to 3.5) would otherwise take a unit already
 * on the interim minor two minors at once; etcd 3.5 cannot read what 3.7
 * wrote. An unknown installed version does not refuse (the cluster-version
 * and downgrade checks still run). The text is the unit's blocked status. Pure.
 */
export function minorSkipRefusal(installed: string | undefined, target: string): string | undefined {
  const from = installed === undefined ? undefined : parseRelease(installed);
  const to = parseRelease(target);
  if (from === undefined || to === undefined || from.major !== to.major || Math.abs(from.minor - to.minor) <= 1) return undefined;
  return `Cannot refresh to etcd ${target}: this unit runs etcd ${installed}; etcd changes one minor at a time`;
}

const isMinorTrack = (track: string): boolean => /^\d+\.\d+$/.test(track);

/**
 * Why this unit must not move from etcd 3.6 (`installed`) to 3.7 (`target`)
 * yet, or undefined: its WAL still holds, after its latest snapshot, entries
 * etcd 3.5 wrote (`unreplayable`, from src/etcd/wal-read.ts), which 3.7
 * panics on at start (measured: tests/integration/etcd/downgrade.test.ts).
 * They go once a 3.6 snapshot follows them: after `snapshot-count` more
 * entries, or at a 3.6 restart that replays 3.5's cluster-version entry. An
 * unreadable WAL (undefined) does not refuse. The text is the unit's blocked status. Pure.
 */
export function walReplayRefusal(installed: string | undefined, target: string, unreplayable: readonly number[] | undefined): string | undefined {
  if (!upgrades36To37(installed, target) || unreplayable === undefined || unreplayable.length === 0) return undefined;
  return `Cannot refresh to etcd ${target} yet: this member's WAL holds ${unreplayable.length} etcd 3.5 entries since its last snapshot, which 3.7 cannot replay`;
}

/** The refusal once a 3.6 snapshot (src/refresh/wal-snapshot.ts) left `left` in the WAL. Pure. */
export function walSnapshotFailedRefusal(target: string, left: readonly number[]): string {
  return `Cannot refresh to etcd ${target} yet: a 3.6 snapshot left ${left.length} etcd 3.5 entries in the WAL, which 3.7 cannot replay`;
}

/** Whether `installed` -> `target` moves from etcd 3.6 to 3.7 (the WAL is worth reading only then). Pure. */
export function upgrades36To37(installed: string | undefined, target: string): boolean {
  const from = installed === undefined ? undefined : parseRelease(installed);
  const to = parseRelease(target);
  return from?.major === 3 && from.minor === 6 && to?.major === 3 && to.minor === 7;
}
