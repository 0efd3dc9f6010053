/**
 * The charm releases the refresh model can be refreshed between, and the
 * compatibility rule it judges them with. The rule is the charm's own
 * (src/refresh/compat.ts): the dependency rules bind src/ and lib/ only, and a
 * copy here could drift from what the charm ships (one-minor-down downgrades
 * from 3.6 and 3.7, a patch floor on the lower minor).
 */
import type { RefreshSpec } from '../../../../../lib/refresh/types.js';
import { isEtcdWorkloadCompatible } from '../../../../../src/refresh/compat.js';
import type { CharmRev } from './fixtures.js';
import { spec } from './fixtures.js';

export type ReleaseName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

export const RELEASES: Readonly<Record<ReleaseName, CharmRev>> = {
  /** 3.5.16: below the 3.5 -> 3.6 floor (3.5.26), so E is refused from here. */
  A: { revision: 1, charm: '3.5/1.0.0', workload: '3.5.16', snap: '10' },
  B: { revision: 2, charm: '3.5/1.1.0', workload: '3.5.30', snap: '11' },
  /** A bad release: its workload never starts. */
  C: { revision: 3, charm: '3.5/1.2.0', workload: '3.5.31', snap: '12' },
  /** A development build: always incompatible. */
  D: { revision: 4, charm: '3.5/1.3.0.post1.dev0+abc.dirty', workload: '3.5.30', snap: '13' },
  /** The next minor: an upgrade from B or C; B and C are one-minor-down downgrades from it. */
  E: { revision: 5, charm: '3.6/1.0.0', workload: '3.6.13', snap: '14' },
  /** Two minors above B: compatible only from E; forced from 3.5, the charm must refuse it. */
  F: { revision: 6, charm: '3.7/1.0.0', workload: '3.7.0', snap: '15' },
};

/** Snap revisions whose workload never starts. */
export const BAD_SNAPS: ReadonlySet<string> = new Set([RELEASES.C.snap]);

const minors = new Map(Object.values(RELEASES).map((r) => [r.snap, Number(r.workload.split('.')[1])]));

/** The etcd minor a snap revision carries (3.x). */
export const minorOfSnap = (snap: string): number => {
  const minor = minors.get(snap);
  if (minor === undefined) throw new Error(`no release has snap ${snap}`);
  return minor;
};

/** The etcd version a snap revision carries. */
export const workloadOfSnap = (snap: string): string => {
  const release = Object.values(RELEASES).find((r) => r.snap === snap);
  if (!release) throw new Error(`no release has snap ${snap}`);
  return release.workload;
};

export const releaseByRevision = (revision: number): CharmRev | undefined => Object.values(RELEASES).find((r) => r.revision === revision);

/** The table tests' spec with the charm's real workload rule. */
export const worldSpec: RefreshSpec = { ...spec, isWorkloadCompatible: isEtcdWorkloadCompatible };
