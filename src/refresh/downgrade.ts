import type { EtcdApi } from '../etcd/api.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { EtcdServerError } from '../etcd/errors/server-error.js';
import { parseEtcdVersion } from '../etcd/version.js';
import { DOWNGRADABLE_MINORS } from './compat.js';

/**
 * etcd's own rolling downgrade (3.6 -> 3.5, 3.7 -> 3.6) as the refresh drives
 * it, measured in tests/integration/etcd/downgrade.test.ts:
 *
 * 1. `downgrade validate X.Y` then `downgrade enable X.Y`, once (etcd refuses a
 *    second enable with "cluster has a downgrade job in progress");
 * 2. etcd's leader lowers the cluster version to X.Y within seconds, then each
 *    member migrates its storage version (`status` storageVersion) to X.Y;
 * 3. only then may a member be replaced by the older binary: 3.5 panics on a
 *    newer ClusterVersionSet entry left in the WAL, and 3.6 refuses a 3.7
 *    storage version at start (`version "3.7.0" is not supported`);
 * 4. once every member runs X.Y, etcd ends the downgrade on its own.
 *
 * A rollback in the middle (back to the newer minor) cancels it; the cluster
 * version then rises again once every member runs the newer minor.
 */

/** What a unit about to run etcd `target` does about etcd's downgrade now. Pure. */
export type DowngradeStep =
  | { readonly kind: 'none' }
  /** Ask etcd to downgrade the cluster version to `version` (`major.minor`). */
  | { readonly kind: 'enable'; readonly version: string }
  /** A downgrade to a lower minor than `target` is enabled: this is a rollback, cancel it. */
  | { readonly kind: 'cancel' }
  /** Enabled; etcd has not lowered the cluster version yet. */
  | { readonly kind: 'wait-cluster'; readonly version: string }
  /** The cluster version is lowered; this member's storage has not followed yet. */
  | { readonly kind: 'wait-storage'; readonly version: string };

export interface DowngradeFacts {
  /** The etcd version this unit is about to run. */
  readonly target: string;
  /** `/version` etcdcluster; undefined while undecided or unreadable. */
  readonly clusterVersion: string | undefined;
  /** The downgrade target a 3.6+ member reports (`3.5.0`); undefined when none is enabled. */
  readonly downgradeTarget: string | undefined;
  /** This unit's member storage version (3.6+); undefined on 3.5 or when not answering. */
  readonly ownStorageVersion: string | undefined;
}

const mm = (text: string | undefined): { major: number; minor: number } | undefined => {
  const v = text === undefined ? undefined : parseEtcdVersion(text);
  return v === undefined ? undefined : { major: v.major, minor: v.minor };
};

/** The next downgrade step for a unit about to run `facts.target`. Pure. */
export function downgradeStep(facts: DowngradeFacts): DowngradeStep {
  const target = mm(facts.target);
  const cluster = mm(facts.clusterVersion);
  const enabled = mm(facts.downgradeTarget);
  if (target === undefined) return { kind: 'none' };
  const version = `${target.major}.${target.minor}`;
  if (enabled !== undefined && (enabled.major !== target.major || enabled.minor < target.minor)) return { kind: 'cancel' };
  if (cluster === undefined || cluster.major !== target.major) return { kind: 'none' };
  if (cluster.minor === target.minor + 1) {
    if (!DOWNGRADABLE_MINORS.has(`${cluster.major}.${cluster.minor}`)) return { kind: 'none' };
    return enabled === undefined ? { kind: 'enable', version } : { kind: 'wait-cluster', version };
  }
  if (cluster.minor !== target.minor || enabled === undefined) return { kind: 'none' };
  const storage = mm(facts.ownStorageVersion);
  if (storage !== undefined && storage.minor !== target.minor) return { kind: 'wait-storage', version };
  return { kind: 'none' };
}

/**
 * Whether etcd's enabled downgrade (`downgradeTarget`, as a 3.6+ member reports
 * it) is one no unit carries out, given the etcd every unit runs once no
 * refresh is in progress (`running`): it aims below that minor. It is left
 * behind when the unit that enabled it was removed before a rollback reached
 * it; etcd would hold the cluster version one minor low (and the refresh gate
 * shut) until the next refresh. Pure.
 */
export function orphanedDowngrade(downgradeTarget: string | undefined, running: string | undefined): boolean {
  const aim = mm(downgradeTarget);
  const runs = mm(running);
  return aim !== undefined && runs !== undefined && aim.major === runs.major && aim.minor < runs.minor;
}

/** etcd's refusal text without its `etcdserver: ` prefix (status texts are short). */
export const etcdSays = (error: EtcdServerError): string => error.serverMessage.replace(/^etcdserver: /, '');

/** etcd's answer to a CANCEL when no downgrade is enabled (3.5; 3.6 and 3.7 answer with the cluster version). */
const NO_INFLIGHT = /no inflight downgrade job/;
/** etcd's answer to an ENABLE when one is enabled already (another hook or unit did it). */
const IN_PROGRESS = /downgrade job in progress/;

export interface DowngradeIO {
  readonly client: EtcdApi;
  /** Every member's client URL, this unit's first. */
  readonly endpoints: readonly string[];
  /** This unit's client URL. */
  readonly endpoint: string;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (message: string) => void;
}

export type DowngradeOutcome =
  /** `enabled`: this call enabled etcd's downgrade (so it is this unit's to cancel if its refresh fails). */
  | { readonly ok: true; readonly enabled: boolean }
  /** etcd refused (nothing was stopped): the text quotes etcd. */
  | { readonly ok: false; readonly refused: string }
  /** etcd accepted but has not got there within the deadline: retry later. */
  | { readonly ok: false; readonly waiting: string };

async function readFacts(io: DowngradeIO, target: string): Promise<DowngradeFacts> {
  let clusterVersion: string | undefined;
  let downgradeTarget: string | undefined;
  let ownStorageVersion: string | undefined;
  for (const endpoint of io.endpoints) {
    try {
      if (clusterVersion === undefined) clusterVersion = (await io.client.version(endpoint)).cluster;
      const s = await io.client.status(endpoint);
      if (endpoint === io.endpoint) ownStorageVersion = s.storageVersion;
      downgradeTarget ??= s.downgradeTarget;
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
    }
  }
  return { target, clusterVersion, downgradeTarget, ownStorageVersion };
}

/**
 * Brings etcd's downgrade to where this unit may stop etcd and run `target`:
 * enables it (validated first), waits for the cluster and this member's
 * storage version to drop, or cancels one a rollback no longer wants. Stops
 * nothing. A wait that outlives `timeoutMs` cancels the downgrade this call
 * enabled (so no downgrade is left enabled that no unit is carrying out) and
 * answers `waiting`; the hook is retried.
 */
export async function prepareDowngrade(io: DowngradeIO, target: string, timeoutMs: number): Promise<DowngradeOutcome> {
  const deadline = io.now() + timeoutMs;
  let enabledHere = false;
  let cancelled = false;
  for (;;) {
    const step = downgradeStep(await readFacts(io, target));
    try {
      if (step.kind === 'none') return { ok: true, enabled: enabledHere };
      if (step.kind === 'cancel') {
        // Once: a member restarted into a 3.5-led cluster may still report the downgrade etcd has ended.
        if (cancelled) return { ok: true, enabled: enabledHere };
        cancelled = true;
        io.log(`cancelling the etcd downgrade: this unit goes back to etcd ${target}`);
        await cancel(io.client);
        continue;
      }
      if (step.kind === 'enable') {
        await io.client.downgrade('VALIDATE', step.version);
        io.log(`enabling the etcd downgrade to ${step.version}`);
        try {
          await io.client.downgrade('ENABLE', step.version);
          enabledHere = true;
        } catch (error) {
          if (!(error instanceof EtcdServerError && IN_PROGRESS.test(error.serverMessage))) throw error;
        }
        continue;
      }
    } catch (error) {
      if (error instanceof EtcdServerError) return { ok: false, refused: `Cannot refresh to etcd ${target}: etcd says ${etcdSays(error)}` };
      throw error;
    }
    if (io.now() >= deadline) {
      if (enabledHere) await cancel(io.client).catch(() => undefined);
      return {
        ok: false,
        waiting:
          step.kind === 'wait-cluster'
            ? `Waiting for etcd to lower the cluster version to ${step.version}`
            : `Waiting for etcd to migrate this member's storage to ${step.version}`,
      };
    }
    await io.sleep(1000);
  }
}

/** Cancels etcd's downgrade; none enabled is not an error. */
export async function cancelDowngrade(client: EtcdApi): Promise<void> {
  await cancel(client);
}

async function cancel(client: EtcdApi): Promise<void> {
  try {
    await client.downgrade('CANCEL');
  } catch (error) {
    if (!(error instanceof EtcdServerError && NO_INFLIGHT.test(error.serverMessage))) throw error;
  }
}
