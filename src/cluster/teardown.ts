import { scanMembers, moveLeadershipAway } from '../etcd/cluster-scan.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { EtcdMemberNotFoundError } from '../etcd/errors/member-not-found-error.js';
import type { Member } from '../etcd/membership.js';
import { isSafeToRemoveMember } from '../etcd/membership.js';
import type { EtcdApi } from '../etcd/api.js';
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import { clusterEndpoints } from '../charm/charm-hook.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { APP_KEYS, UNIT_KEYS } from '../charm/peers.js';
import type { AppState, UnitState } from '../charm/peers.js';
import { installedRevision } from '../etcd/snap.js';
import { wipeMemberData } from '../etcd/workload.js';
import { unitNumber } from '../../lib/juju/index.js';
import type { Relation } from '../../lib/juju/index.js';
import { unitsMidRefresh } from '../../lib/refresh/index.js';
import { clientUrl, peerAddress } from '../etcd/config.js';
import type { RefreshOutcome } from '../refresh/step.js';
import { RESTORE_KEYS, parseRestoreState } from '../backup/restore-plan.js';
import { dropLeftovers } from '../backup/restore-data.js';

/** Removal of this unit's member when the unit goes away. */

/** Attempts at `member remove` and the first back-off; it doubles after each failure. */
export const REMOVE_ATTEMPTS = 5;
export const FIRST_BACKOFF_MS = 1000;

/** The removal would lose quorum or no healthy leader could do it: the hook fails on purpose. */
export class UnsafeRemovalError extends Error {
  override name = 'UnsafeRemovalError';
}

/**
 * Leaves the cluster: moves raft leadership away when this member leads,
 * then removes the member (with retries and back-off), stops etcd and wipes
 * its data. The last member just stops, and the leader clears the cluster
 * state so a later unit bootstraps afresh. Idempotent: an already-removed
 * member is fine.
 * @throws UnsafeRemovalError when removing the member now would lose quorum or nothing answers.
 */
export async function leaveCluster(scope: CharmHook, refresh: RefreshOutcome): Promise<TeardownResult> {
  const relation = await scope.peer();
  if ((await installedRevision(scope.paths.snapCurrent)) === null) return {};
  const self = await scope.self().catch(() => undefined);
  const app = relation === undefined ? undefined : await scope.app(relation);
  if (relation === undefined || self === undefined || app?.clusterState === undefined) {
    await stopAndWipe(scope);
    return {};
  }
  if (!(await scope.own(relation)).started) {
    // Never joined, or already removed in an earlier teardown hook (departed, then stop, then storage-detaching).
    await stopAndWipe(scope);
    return {};
  }
  if (parseRestoreState(await relation.localAppData.read()).instruction !== undefined) {
    // A restore replaces the cluster: there is no membership to leave, and waiting here would
    // block the restore, which waits for every unit still in the relation. The unit leaves at
    // once and the leader drops it from the restore's members (src/backup/restore-plan.ts).
    scope.log.info(`${self.name} leaves during a restore: etcd stopped and its data dropped; the restore goes on without it`);
    forgetMembership(relation);
    relation.localUnitData.set(RESTORE_KEYS.step, undefined);
    await stopAndWipe(scope);
    await dropLeftovers(scope.paths);
    return {};
  }
  // Only a member that started waits: shrinking the cluster while another member is not fit is the risk.
  if (refresh.inProgress) {
    const busy = await unitMidRefresh(scope);
    if (busy !== undefined) {
      const message = `Removal waits for unit ${busy} to finish refreshing`;
      scope.log.warn(`not leaving the cluster yet: ${message}`);
      return { deferred: message };
    }
  }
  const peers = await scope.peers(relation);
  const client = await scope.rootClient(relation, app, teardownEndpoints(self, peers, app));

  let members: readonly Member[];
  try {
    members = await client.memberList();
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    if (peers.length === 0 && app.clusterMembers.length <= 1) {
      await forgetCluster(scope);
      return {};
    }
    throw new UnsafeRemovalError(`cannot remove ${self.name}: no member answers (${error.message})`);
  }
  const own = members.find((m) => m.peerUrls.some((url) => peerAddress(url) === peerAddress(self.peerUrl)));
  if (own === undefined) {
    // Removed by an earlier hook that then failed (its databag writes were lost): record it now, so
    // the later teardown hooks, which may no longer see a peer to ask, take the not-started path.
    scope.log.info(`${self.name} is not a cluster member (already removed)`);
    forgetMembership(relation);
    await stopAndWipe(scope);
    return {};
  }
  if (members.length === 1) {
    scope.log.info(`${self.name} is the last member: stopping etcd and clearing the cluster state`);
    await forgetCluster(scope);
    return {};
  }
  const scan = await scanMembers(client, members);
  if (scan.leaderId === undefined) throw new UnsafeRemovalError(`cannot remove ${self.name}: the cluster has no raft leader`);
  if (!isSafeToRemoveMember({ members, healthy: scan.healthy }, own.id)) {
    throw new UnsafeRemovalError(`cannot remove ${self.name}: the remaining members would not have quorum`);
  }
  if (await moveLeadershipAway(client, own.id, members, scan)) scope.log.info(`moved raft leadership away from ${self.name}`);
  await removeWithRetries(scope, client, own.id);
  scope.log.info(`removed ${self.name} (${own.id}) from the cluster`);
  forgetMembership(relation);
  await stopAndWipe(scope);
  return {};
}

/**
 * Whom a leaving unit asks: itself and its peers, then every member the leader
 * published in `cluster_members`. A departing unit's relation-list shrinks
 * with each relation-departed hook, so in a retried teardown hook it may see
 * no peer at all, while the members are still there to answer.
 */
function teardownEndpoints(self: SelfMember, peers: readonly UnitState[], app: AppState): string[] {
  const tls = self.clientUrl.startsWith('https:');
  const published = app.clusterMembers.flatMap((m) => {
    try {
      return [clientUrl(new URL(m.peerUrl).hostname, tls)];
    } catch {
      return [];
    }
  });
  return [...new Set([...clusterEndpoints(self, peers), ...published])];
}

/** This unit no longer runs a member: the keys that said it did go. */
const forgetMembership = (relation: Relation): void =>
  relation.localUnitData.update({ [UNIT_KEYS.state]: undefined, [UNIT_KEYS.health]: undefined, [UNIT_KEYS.configHash]: undefined });

/** A removal put off until later: the hook shows this and fails, so Juju retries it. */
export interface TeardownResult {
  readonly deferred?: string;
}

/**
 * The number of another unit whose refreshed snap has not passed the health
 * gate yet (its etcd may be down or catching up), from the refresh peer
 * relation; undefined when none. Removing a member then would shrink the
 * cluster while one of the rest is not fit, so the removal waits.
 */
async function unitMidRefresh(scope: CharmHook): Promise<number | undefined> {
  const busy = (await unitsMidRefresh(scope.model)).map(unitNumber);
  return busy.sort((a, b) => b - a)[0];
}

async function removeWithRetries(scope: CharmHook, client: EtcdApi, id: string): Promise<void> {
  let delay = FIRST_BACKOFF_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.memberRemove(id);
      return;
    } catch (error) {
      if (error instanceof EtcdMemberNotFoundError) return;
      if (!(error instanceof EtcdError) || attempt >= REMOVE_ATTEMPTS) throw error;
      scope.log.warn(`member remove ${id} failed (attempt ${attempt}/${REMOVE_ATTEMPTS}): ${error.message}; retrying in ${delay} ms`);
      await scope.effects.sleep(delay);
      delay *= 2;
    }
  }
}

async function stopAndWipe(scope: CharmHook): Promise<void> {
  await scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
  await wipeMemberData(scope.paths);
}

/** The last unit: stop etcd, wipe, and (leader) clear the cluster state from the app bag. */
async function forgetCluster(scope: CharmHook): Promise<void> {
  await stopAndWipe(scope);
  const relation = await scope.peer();
  if (relation === undefined || !(await scope.model.isLeader())) return;
  relation.localAppData.update({
    [APP_KEYS.clusterState]: undefined,
    [APP_KEYS.clusterMembers]: undefined,
    [APP_KEYS.learningMember]: undefined,
    [APP_KEYS.authentication]: undefined,
    [APP_KEYS.clusterToken]: undefined,
  });
}
