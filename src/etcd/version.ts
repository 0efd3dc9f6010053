// Only semver's parser: the package's index loads all of semver (ranges, comparators) into every hook.
import parseSemver from 'semver/functions/parse.js';

/** etcd versions and the mixed-version rule etcd enforces during minor upgrades. */

export interface EtcdVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

// etcd's cluster version is major.minor only ("3.5"); semver needs the patch.
const MAJOR_MINOR = /^v?(\d+)\.(\d+)$/;

/**
 * Parses "3.5.16", "3.5" or "v3.4.23" (a pre-release or build suffix such as "-rc.1" is ignored).
 * Returns undefined for anything else, including etcd's "not_decided".
 */
export function parseEtcdVersion(text: string): EtcdVersion | undefined {
  const trimmed = text.trim();
  const short = MAJOR_MINOR.exec(trimmed);
  const parsed = parseSemver(short === null ? trimmed : `${Number(short[1])}.${Number(short[2])}.0`);
  return parsed === null ? undefined : { major: parsed.major, minor: parsed.minor, patch: parsed.patch };
}

/** A plain release `X.Y.Z` only; `3.5.17-rc.1`, `v3.5.1`, `3.5` and the rest are undefined. */
export function parseRelease(text: string): EtcdVersion | undefined {
  const parsed = parseSemver(text);
  if (parsed === null || parsed.version !== text || parsed.prerelease.length > 0 || parsed.build.length > 0) return undefined;
  return { major: parsed.major, minor: parsed.minor, patch: parsed.patch };
}

/** "3.5.16" → "3.5"; undefined when unparsable. The cluster version only ever has major.minor meaning. */
export function majorMinor(text: string): string | undefined {
  const v = parseEtcdVersion(text);
  return v === undefined ? undefined : `${v.major}.${v.minor}`;
}

/**
 * Whether a member running etcd `memberVersion` may run in a cluster whose
 * cluster version is `clusterVersion` (as `/version`'s `etcdcluster` reports
 * it; undefined or "not_decided" while no version is agreed yet).
 *
 * The cluster runs at its lowest member's minor. A member one minor ahead may
 * start or join (that is how a minor upgrade proceeds); a member behind the
 * cluster version exits at start, so an older minor may come back only while
 * the cluster version is still that minor. Patch versions within a minor move
 * both ways. Measured on the real binaries (tests/integration/etcd/
 * mixed-versions.test.ts and upgrade-36-37.test.ts):
 * - 3.4.23 on a 3.5 cluster: "invalid downgrade; server version is lower than
 *   determined cluster version";
 * - 3.5.30 on a 3.6 cluster: the same message (determined-cluster-version 3.6);
 * - 3.6.16 on a 3.7 cluster: `version "3.7.0" is not supported` (its storage
 *   schema is 3.7);
 * - a new 3.5.30 member of a 3.6 cluster, or 3.6.16 of a 3.7 one: "incompatible
 *   with current running cluster";
 * - 3.7.3 on a member of a 3.5 cluster, or as its learner (a minor skipped):
 *   panics applying 3.5's log ("unmarshal should never fail").
 */
export function clusterVersionAllows(clusterVersion: string | undefined, memberVersion: string): boolean {
  const member = parseEtcdVersion(memberVersion);
  if (member === undefined) return false;
  const cluster = clusterVersion === undefined ? undefined : parseEtcdVersion(clusterVersion);
  if (cluster === undefined) return true;
  if (member.major !== cluster.major) return false;
  return member.minor === cluster.minor || member.minor === cluster.minor + 1;
}
