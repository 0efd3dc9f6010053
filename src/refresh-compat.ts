import type { CharmTracks, WorkloadCompatibility } from '../lib/refresh/compatibility.js';

/**
 * Which etcd version changes an in-place refresh supports (the
 * `RefreshSpec.isWorkloadCompatible` of this charm). Pure.
 *
 * - Patch versions within a minor move both ways (3.5.16 <-> 3.5.30): etcd
 *   keeps the same storage and cluster version.
 * - A minor upgrade by exactly one (3.4 -> 3.5) is supported: etcd runs a
 *   mixed cluster at the lowest minor and moves the cluster version up once
 *   every member runs 3.5. Each minor has its own Charmhub track, so the
 *   charm track must move the same way (`3.4/1.0.0` -> `3.5/1.0.0`).
 * - Refused: a minor downgrade (etcd refuses to start below the cluster
 *   version), skipping a minor, a major change, and anything that is not a
 *   plain `X.Y.Z` release (pre-releases, dev builds, unparsable text).
 *
 * A rollback during a minor upgrade never gets here (rollbacks skip the
 * check); refreshSnap guards it with the live cluster version instead.
 */
export function isEtcdWorkloadCompatible(oldVersion: string, newVersion: string, tracks?: CharmTracks): WorkloadCompatibility {
  const refused: WorkloadCompatibility = { compatible: false, trackChangeAllowed: false };
  const before = parseRelease(oldVersion);
  const after = parseRelease(newVersion);
  if (before === undefined || after === undefined) return refused;
  if (before.major !== after.major) return refused;
  if (before.minor === after.minor) return { compatible: true, trackChangeAllowed: false };
  if (after.minor !== before.minor + 1) return refused;
  if (tracks === undefined) return { compatible: true, trackChangeAllowed: true };
  if (tracks.oldTrack === tracks.newTrack) return refused;
  // Numeric tracks name the etcd minor they carry; they must match the versions.
  const oldTrackOk = !isMinorTrack(tracks.oldTrack) || tracks.oldTrack === `${before.major}.${before.minor}`;
  const newTrackOk = !isMinorTrack(tracks.newTrack) || tracks.newTrack === `${after.major}.${after.minor}`;
  return oldTrackOk && newTrackOk ? { compatible: true, trackChangeAllowed: true } : refused;
}

interface Release {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `X.Y.Z` with plain decimal numbers only; anything else (`3.5.17-rc.1`, `v3.5.1`, `3.5`) is undefined. */
export function parseRelease(text: string): Release | undefined {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  if (match === null) return undefined;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

const isMinorTrack = (track: string): boolean => /^\d+\.\d+$/.test(track);
