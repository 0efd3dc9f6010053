/**
 * Just enough of etcd's cluster version for minor upgrades and downgrades
 * (written from etcd's behaviour, independently of the charm), and the charm's
 * side of a snap refresh that changes the minor, which uses the charm's own
 * pure functions (src/refresh/downgrade.ts, compat.ts) so the model follows
 * what the charm ships. Times collapse: etcd's leader moves the cluster version
 * at once, and a member's storage follows a lowered cluster version at once.
 */
import { clusterVersionRefusal, minorSkipRefusal } from '../../../../../src/refresh/compat.js';
import { downgradeStep, orphanedDowngrade } from '../../../../../src/refresh/downgrade.js';

export interface Member {
  readonly minor: number;
  readonly up: boolean;
}

export class EtcdCluster {
  /** Minor of `/version` etcdcluster (3.x). */
  minor: number;
  /** Minor an enabled downgrade goes to; undefined when none is enabled. */
  downgradeTo: number | undefined;

  constructor(minor: number, downgradeTo?: number) {
    this.minor = minor;
    this.downgradeTo = downgradeTo;
  }

  clone(): EtcdCluster {
    return new EtcdCluster(this.minor, this.downgradeTo);
  }

  /** etcd starts a member only at the cluster version's minor or one above it. */
  mayStart(minor: number): boolean {
    return minor === this.minor || minor === this.minor + 1;
  }

  /**
   * etcd's leader: with a downgrade enabled, ends it once every member runs the
   * target; otherwise raises the cluster version to the lowest member's minor
   * once every member answers (it never lowers it on its own).
   */
  settle(members: readonly Member[]): void {
    if (members.length === 0) return;
    if (this.downgradeTo !== undefined) {
      if (members.every((m) => m.up && m.minor === this.downgradeTo)) this.downgradeTo = undefined;
      return;
    }
    if (!members.every((m) => m.up)) return;
    const lowest = Math.min(...members.map((m) => m.minor));
    if (lowest > this.minor) this.minor = lowest;
  }

  key(): string {
    return `${this.minor}/${this.downgradeTo ?? '-'}`;
  }
}

const version = (minor: number): string => `3.${minor}.0`;

/**
 * What the charm's refreshSnap does before it stops etcd (src/refresh/callbacks.ts):
 * refuses a target more than one minor from the etcd the unit's snap runs
 * (`installed`; undefined for a member that never started), brings etcd's downgrade where this unit may go to etcd `target`, then refuses
 * when the cluster version would not let `target` start. Returns the refusal
 * (nothing was stopped) or undefined, and whether this call enabled the
 * downgrade (the charm cancels it if the snap refresh then fails). `answering`:
 * some member answers.
 */
export const prepareMinorChange = (
  etcd: EtcdCluster,
  installed: string | undefined,
  target: string,
  answering: boolean,
): { readonly refusal: string | undefined; readonly enabled: boolean } => {
  const skipped = minorSkipRefusal(installed, target);
  if (skipped !== undefined) return { refusal: skipped, enabled: false };
  let cancelled = false;
  let enabled = false;
  for (let round = 0; round < 4; round += 1) {
    const step = downgradeStep({
      target,
      clusterVersion: answering ? version(etcd.minor) : undefined,
      downgradeTarget: etcd.downgradeTo === undefined ? undefined : version(etcd.downgradeTo),
      // Storage follows the cluster version at once here.
      ownStorageVersion: answering ? version(etcd.minor) : undefined,
    });
    if (step.kind === 'none') break;
    if (step.kind === 'cancel') {
      if (cancelled) break;
      cancelled = true;
      etcd.downgradeTo = undefined;
      continue;
    }
    if (step.kind === 'enable') {
      const to = Number(step.version.split('.')[1]);
      // etcd's `downgrade validate`: only to one minor below the cluster version.
      if (to !== etcd.minor - 1) return { refusal: `Cannot refresh to etcd ${target}: etcd says invalid downgrade target`, enabled };
      etcd.downgradeTo = to;
      etcd.minor = to;
      enabled = true;
      continue;
    }
    throw new Error(`model: etcd lowers the cluster version and migrates storage at once, so '${step.kind}' cannot happen`);
  }
  return { refusal: clusterVersionRefusal(target, answering ? version(etcd.minor) : undefined), enabled };
};

/**
 * The leader's cleanup once no refresh is in progress (src/refresh/orphaned-downgrade.ts):
 * cancels an enabled downgrade that aims below `running`, the etcd its member runs.
 * Returns whether it cancelled one.
 */
export const cancelOrphanedDowngrade = (etcd: EtcdCluster, running: string): boolean => {
  if (etcd.downgradeTo === undefined || !orphanedDowngrade(version(etcd.downgradeTo), running)) return false;
  etcd.downgradeTo = undefined;
  return true;
};
