import { restartHash } from '../charm/charm-config.js';
import { moveLeadershipAway, scanMembers } from '../etcd/cluster-scan.js';
import { EtcdUnreachableError } from '../etcd/errors/unreachable-error.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { configInput } from './etcd-config-input.js';
import type { EtcdApi } from '../etcd/api.js';
import type { MemberContext } from './first-start.js';
import { syncClientTrust } from './first-start.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { UNIT_KEYS, clientTrustExtras } from '../charm/peers.js';
import type { CharmStatus } from '../charm/status.js';
import { restartTurn } from './rolling-restart.js';
import type { UnitState } from '../charm/peers.js';
import { STATUS } from '../charm/status.js';
import { peerAddress, type EtcdConfigInput } from '../etcd/config.js';
import { waitUntilReady, writeConfigIfChanged } from '../etcd/workload.js';

/** A started member's upkeep: config file, rolling restart, self-healing. */

/** What an upkeep step reports: a candidate status, and whether it restarted etcd and etcd did not come back. */
export interface UpkeepResult {
  readonly status?: CharmStatus | undefined;
  readonly restartedUnhealthy: boolean;
}

const UPKEPT: UpkeepResult = { restartedUnhealthy: false };
const waitingFor = (message: string): UpkeepResult => ({ status: { name: 'waiting', message }, restartedUnhealthy: false });
const backUnhealthy: UpkeepResult = { status: { name: 'maintenance', message: STATUS.unhealthyAfterRestart }, restartedUnhealthy: true };

/** Keys a single start may override (src/refresh/wal-snapshot.ts: one start with `snapshot-count: 1`). */
export type ConfigOverrides = Pick<EtcdConfigInput, 'snapshotCount'>;

/** Rewrites etcd.conf.yml and the client trust bundle when their content changed (no restart: etcd reads them at its next start). */
export async function refreshConfigFile(ctx: MemberContext, overrides: ConfigOverrides = {}): Promise<boolean> {
  const { scope, self, app, config } = ctx;
  const rendered = await configInput(scope, self, config.tuning, { members: app.clusterMembers, state: 'existing', token: app.clusterToken });
  const input = { ...rendered, ...overrides };
  const bundle = await syncClientTrust(ctx);
  return (await writeConfigIfChanged(scope.paths, input)) || bundle;
}

/**
 * Restarts the local member gracefully: leadership moves away first when it
 * leads, then `snap restart`, then waits for it to rejoin.
 * Resolves true when it is back with a leader.
 */
export async function restartMember(ctx: MemberContext, client: EtcdApi): Promise<boolean> {
  const { scope, self } = ctx;
  try {
    const members = await client.memberList();
    const own = members.find((m) => m.name === self.name || m.peerUrls.some((url) => peerAddress(url) === peerAddress(self.peerUrl)));
    if (own !== undefined) {
      const moved = await moveLeadershipAway(client, own.id, members, await scanMembers(client, members));
      if (moved) scope.log.info(`moved raft leadership away from ${self.name} before restarting it`);
    }
  } catch (error) {
    // A lone or unreachable member has no leadership to hand over.
    if (!(error instanceof EtcdError)) throw error;
  }
  await scope.effects.snap.restart(ETCD_SERVICE);
  return (await waitUntilReady(client, self.clientUrl, scope.effects)) !== undefined;
}

/**
 * Applies a tuning change by restarting this unit when its turn comes (see
 * src/cluster/rolling-restart.ts). Deferred while a refresh is in progress.
 */
export async function rollingRestart(
  ctx: MemberContext,
  peers: readonly UnitState[],
  client: EtcdApi,
  refreshInProgress: boolean,
): Promise<UpkeepResult> {
  const desired = restartHash(ctx.config.tuning, clientTrustExtras(ctx.app));
  const turn = restartTurn({
    unitNumber: ctx.scope.model.unitNumber,
    desiredHash: desired,
    appliedHash: ctx.own.configHash,
    peers: peers.map((p) => ({
      unitNumber: p.unitNumber,
      memberName: p.memberName,
      started: p.started,
      configHash: p.configHash,
      healthy: p.health?.ok === true && p.health.record.healthy,
    })),
  });
  if (turn.kind === 'not-needed') return UPKEPT;
  if (refreshInProgress) return waitingFor(STATUS.configWaitsForRefresh);
  if (turn.kind === 'wait') return waitingFor(`Waiting to restart with new config after ${turn.waitingFor}`);
  ctx.scope.log.info(`restarting ${ctx.self.name} to apply new config`);
  const healthy = await restartMember(ctx, client);
  // Recorded even when slow to come back: the restart happened; the health record tells peers whether to go on.
  ctx.relation.localUnitData.set(UNIT_KEYS.configHash, desired);
  return healthy ? UPKEPT : backUnhealthy;
}

/**
 * update-status: restarts etcd when the local member does not answer (not
 * during a refresh, which stops it on purpose).
 */
export async function selfHeal(ctx: MemberContext, client: EtcdApi): Promise<UpkeepResult> {
  const { scope, self } = ctx;
  try {
    // `/version` needs neither credentials nor a raft leader: without a quorum, authenticating
    // hangs until the timeout, which would read as silence and restart a member that runs.
    await client.version(self.clientUrl);
    return UPKEPT;
  } catch (error) {
    // Any answer, even a refusal, proves etcd runs: only silence earns a restart.
    if (!(error instanceof EtcdUnreachableError)) {
      if (error instanceof EtcdError) return UPKEPT;
      throw error;
    }
  }
  scope.log.warn(`etcd on ${self.name} does not answer; restarting it`);
  if (await scope.effects.snap.isActive(ETCD_SERVICE)) await scope.effects.snap.restart(ETCD_SERVICE);
  else await scope.effects.snap.start(ETCD_SERVICE, { enable: true });
  const back = await waitUntilReady(client, self.clientUrl, scope.effects);
  return back === undefined ? backUnhealthy : UPKEPT;
}
