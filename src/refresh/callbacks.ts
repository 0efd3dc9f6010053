import { moveLeadershipAway, scanMembers } from '../etcd/cluster-scan.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import type { EtcdApi } from '../etcd/api.js';
import { showProgress } from '../charm/status-resolver.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { clusterEndpoints } from '../charm/charm-hook.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { readPinnedSnap } from '../etcd/pinned-snap.js';
import { runPreRefreshChecks } from './pre-refresh-checks.js';
import { clusterVersionRefusal, minorSkipRefusal, upgrades36To37 } from './compat.js';
import { snapshotPast35Entries } from './wal-snapshot.js';
import type { MemberContext } from '../cluster/first-start.js';
import { installedEtcdVersion } from './installed-etcd.js';
import { cancelDowngrade, prepareDowngrade } from './downgrade.js';
import { judgeGateHealth, type GateFacts } from './gate-health.js';
import { refreshConfigFile } from '../cluster/running-member.js';
import { installedRevision } from '../etcd/snap.js';
import { STATUS } from '../charm/status.js';
import { peerAddress } from '../etcd/config.js';
import { waitUntilReady } from '../etcd/workload.js';

/**
 * The etcd work the refresh library asks for (its RefreshCallbacks): plain
 * functions over one hook's scope. What they learn that the library has no
 * field for (the snapshot a passing check saved, a refused downgrade) is
 * left in `notes` for the refresh step to show.
 */

export type PreRefreshCheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };
export type GateHealth = { readonly healthy: true } | { readonly healthy: false; readonly reason: string };

export interface EtcdRefreshCallbacks {
  installedSnapRevision(snapName: string): Promise<string | null>;
  isWorkloadRunning(): Promise<boolean>;
  runPreRefreshChecks(): Promise<PreRefreshCheckResult>;
  refreshSnap(request: { readonly snapName: string; readonly revision: string; readonly install: boolean }): Promise<string | null>;
  checkHealthForGate(): Promise<GateHealth>;
}

/** What the callbacks noticed in this hook. */
export interface RefreshNotes {
  /** The keyspace snapshot a passing pre-refresh check saved. */
  snapshot?: string;
  /** The backup id that snapshot was uploaded as (S3 related). */
  backupId?: string;
  /** Why refreshSnap refused to run (nothing was stopped). */
  refusal?: string;
  /** What refreshSnap was asked to do in this hook. */
  attempted?: 'install' | 'refresh';
  /** refreshSnap waits for etcd's downgrade to get where this unit may go (nothing was stopped; the hook is retried). */
  waiting?: string;
}

/** refreshSnap declined: the target etcd could not start on this cluster. Nothing was stopped. */
export class RefreshRefusedError extends Error {
  override name = 'RefreshRefusedError';
}

/**
 * How long a refreshed member may take to rejoin; how long a later hook waits for
 * a member it started (short: a broken release must not make every hook slow, and
 * later hooks check again); how long the cluster version may take to settle.
 */
export const REJOIN_TIMEOUT_MS = 30_000;
export const RESTART_TIMEOUT_MS = 10_000;
export const CLUSTER_VERSION_TIMEOUT_MS = 30_000;
/** How long refreshSnap waits for etcd to lower the cluster version and migrate this member's storage. */
export const DOWNGRADE_TIMEOUT_MS = 60_000;

interface ClusterHandle {
  readonly client: EtcdApi;
  /** Every known member's client URL, this unit's first. */
  readonly endpoints: readonly string[];
  readonly endpoint: string;
  readonly peerUrl: string;
  readonly started: boolean;
}

async function clusterClient(scope: CharmHook): Promise<ClusterHandle | undefined> {
  const relation = await scope.peer();
  if (relation === undefined) return undefined;
  const self = await scope.self();
  const client = await scope.rootClient(relation, await scope.app(relation));
  const endpoints = clusterEndpoints(self, await scope.peers(relation));
  return { client, endpoints, endpoint: self.clientUrl, peerUrl: self.peerUrl, started: (await scope.own(relation)).started };
}

/** What re-rendering this unit's config needs; undefined without a peer relation or with invalid config. */
async function memberContext(scope: CharmHook): Promise<MemberContext | undefined> {
  const relation = await scope.peer();
  const parsed = await scope.config();
  if (relation === undefined || !parsed.ok) return undefined;
  return { scope, relation, self: await scope.self(), own: await scope.own(relation), app: await scope.app(relation), config: parsed.config };
}

/** The cluster version (`/version` `etcdcluster`) from the first member that answers; undefined when none does or it is undecided. */
async function clusterVersion(client: EtcdApi, endpoints: readonly string[]): Promise<string | undefined> {
  for (const endpoint of endpoints) {
    try {
      const v = await client.version(endpoint);
      if (v.cluster !== undefined) return v.cluster;
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
    }
  }
  return undefined;
}

/** Builds the callbacks for one hook; `notes` collects what the refresh step reports. */
export function createRefreshCallbacks(scope: CharmHook, notes: RefreshNotes = {}): EtcdRefreshCallbacks {
  const { snap } = scope.effects;

  /** Facts for the gate, waiting up to a deadline for the cluster version to follow the member versions. */
  const gateFacts = async (c: ClusterHandle): Promise<GateFacts> => {
    const deadline = scope.effects.now() + CLUSTER_VERSION_TIMEOUT_MS;
    for (;;) {
      let members;
      try {
        members = await c.client.memberList();
      } catch (error) {
        if (!(error instanceof EtcdError)) throw error;
      }
      const scan = members === undefined ? undefined : await scanMembers(c.client, members);
      const facts: GateFacts = {
        selfPeerUrl: c.peerUrl,
        members,
        statuses: scan?.statuses ?? new Map(),
        leaderId: scan?.leaderId,
        clusterVersion: await clusterVersion(c.client, c.endpoints),
      };
      const verdict = judgeGateHealth(facts);
      // Only the cluster version lags on its own (etcd's leader moves it every few seconds).
      if (verdict.healthy || !verdict.waitable || scope.effects.now() >= deadline) return facts;
      await scope.effects.sleep(1000);
    }
  };

  return {
    installedSnapRevision: () => installedRevision(scope.paths.snapCurrent),

    /**
     * A member that answers `/version` is running: the common case costs one
     * loopback request, not a `snap services` process. No snap yet (first
     * hooks of a new unit): nothing can be running, and `snap services` would fail.
     */
    async isWorkloadRunning() {
      if ((await installedRevision(scope.paths.snapCurrent)) === null) return false;
      const c = await clusterClient(scope);
      if (c !== undefined) {
        try {
          await c.client.version(c.endpoint);
          return true;
        } catch (error) {
          if (!(error instanceof EtcdError)) throw error;
        }
      }
      return snap.isActive(ETCD_SERVICE);
    },

    async runPreRefreshChecks() {
      const report = await runPreRefreshChecks(scope);
      if (!report.ok) return report;
      notes.snapshot = report.snapshot;
      if (report.backupId !== undefined) notes.backupId = report.backupId;
      return { ok: true };
    },

    /**
     * Install: `snap install --revision` and hold. Refresh: refuses (stopping
     * nothing) when the target etcd is more than one minor from the one this
     * unit runs, or older than the cluster version allows;
     * otherwise moves raft leadership away, stops and disables etcd, refreshes
     * the snap to `revision` and holds it, re-renders the config, starts and
     * enables etcd (on the old revision if the refresh failed) and waits for it
     * to rejoin. Resolves with the installed revision; health is the gate's job.
     * A minor downgrade first brings etcd's downgrade where this unit may go
     * (src/refresh/downgrade.ts); what etcd refuses, or a wait that outlives
     * its deadline, stops nothing. 3.6 -> 3.7 first has etcd 3.6 snapshot past
     * entries 3.7 cannot replay (src/refresh/wal-snapshot.ts: one more restart).
     * @throws RefreshRefusedError for a refused or not yet ready downgrade; the snap or etcd error otherwise.
     */
    async refreshSnap({ snapName, revision, install }) {
      notes.attempted = install ? 'install' : 'refresh';
      if (install) {
        // Installing takes a while: show it now rather than at the end of the hook.
        await showProgress(scope.model, { name: 'maintenance', message: STATUS.installing });
        await snap.install(snapName, revision);
        await snap.hold(snapName);
        return installedRevision(scope.paths.snapCurrent);
      }
      const c = await clusterClient(scope);
      const pinned = await readPinnedSnap(scope.model.context.charmDir, await scope.effects.architecture());
      const target = pinned.ok && pinned.snap.revision === revision ? pinned.snap.workload : undefined;
      let enabledDowngrade = false;
      const refuse = (text: string): never => {
        notes.refusal = text;
        throw new RefreshRefusedError(text);
      };
      if (target !== undefined && c?.started === true) {
        // Before etcd's downgrade is touched: a skipped minor is refused whatever the cluster says.
        // A member that never started has no data any etcd could misread.
        const installed = await installedEtcdVersion(scope);
        const skipped = minorSkipRefusal(installed, target);
        if (skipped !== undefined) refuse(skipped);
        // 3.6 -> 3.7 only: 3.7 panics replaying entries 3.5 wrote, still in this member's WAL, until 3.6 snapshots past them.
        const ctx = upgrades36To37(installed, target) ? await memberContext(scope) : undefined;
        const unreplayable = ctx === undefined ? undefined : await snapshotPast35Entries(ctx, c.client, installed, target);
        if (unreplayable !== undefined) refuse(unreplayable);
      }
      if (c !== undefined && target !== undefined) {
        // A minor downgrade goes through etcd's own protocol first; a rollback cancels it.
        const downgrade = await prepareDowngrade(
          {
            client: c.client,
            endpoints: c.endpoints,
            endpoint: c.endpoint,
            now: () => scope.effects.now(),
            sleep: (ms) => scope.effects.sleep(ms),
            log: (message) => scope.log.info(message),
          },
          target,
          DOWNGRADE_TIMEOUT_MS,
        );
        if (!downgrade.ok) {
          if ('waiting' in downgrade) {
            notes.waiting = downgrade.waiting;
            throw new RefreshRefusedError(downgrade.waiting);
          }
          refuse(downgrade.refused);
        } else enabledDowngrade = downgrade.enabled;
        const refusal = clusterVersionRefusal(target, await clusterVersion(c.client, c.endpoints));
        if (refusal !== undefined) refuse(refusal);
      }
      if (c !== undefined) {
        try {
          const members = await c.client.memberList();
          const own = members.find((m) => m.peerUrls.some((url) => peerAddress(url) === peerAddress(c.peerUrl)));
          if (own !== undefined && (await moveLeadershipAway(c.client, own.id, members, await scanMembers(c.client, members)))) {
            scope.log.info('moved raft leadership away before refreshing the snap');
          }
        } catch (error) {
          if (!(error instanceof EtcdError)) throw error;
        }
      }
      // Disabled, so snapd does not start the new revision before the config is re-rendered.
      await snap.stop(ETCD_SERVICE, { disable: true });
      try {
        await snap.refresh(snapName, revision);
        await snap.hold(snapName);
      } catch (error) {
        // This unit stays on the newer etcd: a downgrade it enabled would be left with no unit carrying it out
        // (a rollback never refreshes this unit again), holding the cluster version one minor low.
        if (enabledDowngrade && c !== undefined) {
          scope.log.warn('the snap refresh failed: cancelling the etcd downgrade this unit enabled');
          await cancelDowngrade(c.client).catch((cancelError: unknown) => scope.log.warn(`could not cancel the etcd downgrade: ${String(cancelError)}`));
        }
        throw error;
      } finally {
        // Whatever happened, etcd runs again (on the old revision if the refresh failed).
        const ctx = await memberContext(scope);
        if (ctx !== undefined) await refreshConfigFile(ctx);
        await snap.start(ETCD_SERVICE, { enable: true });
      }
      if (c !== undefined) await waitUntilReady(c.client, c.endpoint, scope.effects, REJOIN_TIMEOUT_MS);
      return installedRevision(scope.paths.snapCurrent);
    },

    /**
     * Whether this unit may let the next one refresh: its member is back as a
     * voting member, caught up with the leader, every member answers with a
     * leader, no learner waits, and the cluster version is the lowest member
     * version. A started member that does not answer is started once (the
     * refresh stopped it); a member that never started is left alone.
     */
    async checkHealthForGate() {
      const c = await clusterClient(scope);
      if (c === undefined) return { healthy: false, reason: 'no peer relation' };
      if (!c.started) return { healthy: false, reason: 'etcd member not started yet' };
      let answering = true;
      try {
        await c.client.status(c.endpoint);
      } catch (error) {
        if (!(error instanceof EtcdError)) throw error;
        answering = false;
      }
      if (!answering) {
        scope.log.info('etcd does not answer; starting it before the health check');
        await snap.start(ETCD_SERVICE, { enable: true });
        await waitUntilReady(c.client, c.endpoint, scope.effects, RESTART_TIMEOUT_MS);
      }
      const verdict = judgeGateHealth(await gateFacts(c));
      return verdict.healthy ? { healthy: true } : { healthy: false, reason: verdict.reason };
    },
  };
}
