import { compareRelease, parseCharmVersion } from './charm-version.js';

/**
 * The charm's verdict on a workload change (the etcd-specific part). `trackChangeAllowed`
 * says whether this workload change may come with a change of Charmhub track, as a
 * workload minor upgrade does when each minor has its own track (3.4 -> 3.5).
 */
export interface WorkloadCompatibility {
  readonly compatible: boolean;
  readonly trackChangeAllowed: boolean;
}

/** The Charmhub tracks of the old and new charm versions, for workloads whose minors have their own track. */
export interface CharmTracks {
  readonly oldTrack: string;
  readonly newTrack: string;
}

/**
 * Pure callback the charm provides; must answer `compatible: true` for identical versions.
 * `tracks` lets it tie a workload change to the track change (e.g. 3.4 -> 3.5 only with track 3.4 -> 3.5).
 */
export type IsWorkloadCompatible = (oldVersion: string, newVersion: string, tracks: CharmTracks) => WorkloadCompatibility;

export interface CompatibilityInput {
  readonly oldCharmVersion: string;
  readonly newCharmVersion: string;
  readonly oldWorkloadVersion: string;
  readonly newWorkloadVersion: string;
}

export type CompatibilityVerdict =
  | { readonly compatible: true }
  | { readonly compatible: false; readonly reason: string };

/**
 * Decides whether a refresh from the original versions to this code's versions is
 * supported (reference §5.2). Both charm versions must be released builds of the
 * same `charm_major`; within a track the charm version must not go down; the track
 * may differ only when the workload callback allows it for this workload change.
 * Never throws: an unparsable version is incompatible. Rollbacks never get here.
 */
export const isCompatible = (input: CompatibilityInput, isWorkloadCompatible: IsWorkloadCompatible): CompatibilityVerdict => {
  const oldParse = parseCharmVersion(input.oldCharmVersion);
  const newParse = parseCharmVersion(input.newCharmVersion);
  if (!oldParse.ok) return { compatible: false, reason: oldParse.error };
  if (!newParse.ok) return { compatible: false, reason: newParse.error };
  const oldCharm = oldParse.version;
  const newCharm = newParse.version;
  if (!oldCharm.released || !newCharm.released) {
    // Unreleased builds carry changes the version number does not describe.
    return { compatible: false, reason: 'charm version is not a released version' };
  }
  if (oldCharm.release[0] !== newCharm.release[0]) {
    return { compatible: false, reason: `charm major changes from ${oldCharm.release[0]} to ${newCharm.release[0]}` };
  }
  const workload = isWorkloadCompatible(input.oldWorkloadVersion, input.newWorkloadVersion, {
    oldTrack: oldCharm.track,
    newTrack: newCharm.track,
  });
  if (!workload.compatible) {
    return {
      compatible: false,
      reason: `workload ${input.oldWorkloadVersion} to ${input.newWorkloadVersion} is not supported`,
    };
  }
  if (oldCharm.track !== newCharm.track) {
    // Versions on different tracks are numbered independently: only the major is comparable.
    return workload.trackChangeAllowed
      ? { compatible: true }
      : { compatible: false, reason: `charm track changes from ${oldCharm.track} to ${newCharm.track}` };
  }
  if (compareRelease(newCharm, oldCharm) < 0) {
    return { compatible: false, reason: 'charm downgrade is not supported' };
  }
  return { compatible: true };
};
