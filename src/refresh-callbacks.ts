import { parseCharmConfig } from './charm-config.js';
import { moveLeadershipAway, scanMembers } from './cluster-scan.js';
import { currentPassword, rootCredentials } from './credentials.js';
import { EtcdError } from './etcd/errors/etcd-error.js';
import { probeSelf } from './health-step.js';
import type { EtcdApi } from './effects.js';
import type { HookScope } from './hook-scope.js';
import { clusterEndpoints } from './hook-scope.js';
import { ETCD_SERVICE } from './paths.js';
import { refreshConfigFile } from './running-member.js';
import { installedRevision } from './snap.js';
import { waitUntilReady } from './workload.js';

/**
 * The etcd work the refresh library asks for (its RefreshCallbacks). Plain
 * functions over one hook's scope; src/main.ts hands them to lib/refresh.
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

async function clusterClient(scope: HookScope): Promise<{ client: EtcdApi; endpoint: string } | undefined> {
  const relation = await scope.peer();
  if (relation === undefined) return undefined;
  const self = await scope.self();
  const app = await scope.app(relation);
  const password = await currentPassword(scope.model, app);
  const peers = await scope.peers(relation);
  const client = scope.client(clusterEndpoints(self, peers), password === undefined ? undefined : rootCredentials(password));
  return { client, endpoint: self.clientUrl };
}

/** Builds the callbacks for one hook. */
export function createRefreshCallbacks(scope: HookScope): EtcdRefreshCallbacks {
  const { snap } = scope.effects;

  /** Every member answers with a leader, none is a learner, and this member's own probe is clean. */
  const clusterProblem = async (): Promise<string | undefined> => {
    const c = await clusterClient(scope);
    if (c === undefined) return 'No peer relation';
    let members;
    try {
      members = await c.client.memberList();
    } catch (error) {
      if (!(error instanceof EtcdError)) throw error;
      return 'Cluster is not healthy';
    }
    if (members.some((m) => m.isLearner)) return 'A learner is waiting for promotion';
    const scan = await scanMembers(c.client, members);
    const down = members.find((m) => !scan.healthy.has(m.id));
    if (down !== undefined) return `Cluster is not healthy: ${down.name || down.id} down`;
    return undefined;
  };

  return {
    installedSnapRevision: () => installedRevision(scope.paths.snapCurrent),

    isWorkloadRunning: () => snap.isActive(ETCD_SERVICE),

    async runPreRefreshChecks() {
      const problem = await clusterProblem();
      return problem === undefined ? { ok: true } : { ok: false, message: problem.slice(0, 64) };
    },

    /**
     * Moves leadership away, stops etcd, refreshes the snap to `revision` and
     * holds it, re-renders the config, starts etcd and waits for it to rejoin.
     * Resolves with the installed revision.
     */
    async refreshSnap({ snapName, revision, install }) {
      if (install) {
        await snap.install(snapName, revision);
        await snap.hold(snapName);
        return installedRevision(scope.paths.snapCurrent);
      }
      const c = await clusterClient(scope);
      if (c !== undefined) {
        try {
          const members = await c.client.memberList();
          const own = members.find((m) => m.clientUrls.includes(c.endpoint));
          if (own !== undefined) await moveLeadershipAway(c.client, own.id, members, await scanMembers(c.client, members));
        } catch (error) {
          if (!(error instanceof EtcdError)) throw error;
        }
      }
      await snap.stop(ETCD_SERVICE);
      try {
        await snap.refresh(snapName, revision);
        await snap.hold(snapName);
      } finally {
        // Whatever happened, etcd runs again (on the old revision if the refresh failed).
        const relation = await scope.peer();
        const parsed = parseCharmConfig(await scope.model.rawConfig());
        if (relation !== undefined && parsed.ok) {
          const self = await scope.self();
          await refreshConfigFile({ scope, relation, self, own: await scope.own(relation), app: await scope.app(relation), config: parsed.config });
        }
        await snap.start(ETCD_SERVICE, { enable: true });
      }
      if (c !== undefined) await waitUntilReady(c.client, c.endpoint, scope.effects);
      return installedRevision(scope.paths.snapCurrent);
    },

    /** This member is healthy (restarting it once if it does not answer) and every member has a leader. */
    async checkHealthForGate() {
      const c = await clusterClient(scope);
      if (c === undefined) return { healthy: false, reason: 'No peer relation' };
      const revision = (await installedRevision(scope.paths.snapCurrent)) ?? '';
      let probe = await probeSelf(c.client, c.endpoint, revision);
      if (probe.raw.status === undefined) {
        await snap.start(ETCD_SERVICE, { enable: true });
        await waitUntilReady(c.client, c.endpoint, scope.effects);
        probe = await probeSelf(c.client, c.endpoint, revision);
      }
      if (!probe.record.healthy) return { healthy: false, reason: probe.record.problems.join(', ') };
      const problem = await clusterProblem();
      return problem === undefined ? { healthy: true } : { healthy: false, reason: problem };
    },
  };
}
