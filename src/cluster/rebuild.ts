/**
 * `rebuild-cluster`: the way back from losing a majority of members
 * (reference charmed-etcd-relations.md 3.5). Phase `stopping`: every unit
 * stops etcd; the others drop their data. Once all have, the leader starts
 * alone with etcd's `force-new-cluster`, keeping its data (and so the users
 * and the root password), and the phase becomes `restarted`: the charm's
 * usual membership step then adds the others back as learners one at a time.
 * When every unit runs in the new cluster and is healthy the leader clears
 * the rebuild. Each step is safe to repeat after a killed hook.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CharmHook } from '../charm/charm-hook.js';
import { clusterEndpoints } from '../charm/charm-hook.js';
import { currentPassword, rootCredentials } from '../charm/credentials.js';
import { unitsMidRefresh } from '../../lib/refresh/index.js';
import { RESTORE_KEYS } from '../backup/restore-plan.js';
import type { AppState, UnitState } from '../charm/peers.js';
import { APP_KEYS, UNIT_KEYS, formatClusterMembers } from '../charm/peers.js';
import type { CharmStatus } from '../charm/status.js';
import { STATUS } from '../charm/status.js';
import { BUSY_TEXT } from '../charm/busy-texts.js';
import { noLeaderAnywhere } from '../etcd/cluster-scan.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { waitUntilReady, wipeMemberData, writeConfigIfChanged } from '../etcd/workload.js';
import { configInput } from './etcd-config-input.js';
import type { MemberContext } from './first-start.js';

export const REBUILD_TEXT = {
  notFailed: 'Cluster has not failed. Use `force` to rebuild anyway.',
  inProgress: BUSY_TEXT.rebuild,
  refreshInProgress: BUSY_TEXT.refresh,
  restoreInProgress: BUSY_TEXT.restore,
  started: 'cluster rebuild in progress',
} as const;

const rebuilding: CharmStatus = { name: 'blocked', message: STATUS.rebuilding };

export interface RebuildResult {
  readonly statuses: readonly CharmStatus[];
  /** The rest of the hook must not run (etcd is stopped on purpose). */
  readonly halt: boolean;
  /** The app state after this step (the leader may have changed it). */
  readonly app: AppState;
}

/**
 * The action's decision, before anything changes: undefined when the rebuild
 * may begin, else why not. `majorityLost` asks etcd whether any member knows a leader.
 */
export async function refuseRebuild(app: AppState, force: boolean, busy: { readonly refresh: boolean; readonly restore: boolean }, majorityLost: () => Promise<boolean>): Promise<string | undefined> {
  if (app.rebuild !== undefined) return REBUILD_TEXT.inProgress;
  if (busy.restore) return REBUILD_TEXT.restoreInProgress;
  if (busy.refresh) return REBUILD_TEXT.refreshInProgress;
  if (!force && !(await majorityLost())) return REBUILD_TEXT.notFailed;
  return undefined;
}

/** The action: starts a rebuild (the app bag write wakes every other unit). */
export function beginRebuild(ctx: Pick<MemberContext, 'relation'>): string {
  const id = randomUUID();
  ctx.relation.localAppData.update({ [APP_KEYS.rebuildCluster]: id, [APP_KEYS.rebuildPhase]: 'stopping' });
  return id;
}

export const majorityLostNow = (scope: CharmHook, endpoints: readonly string[], password: string | undefined): Promise<boolean> =>
  noLeaderAnywhere(scope.client(endpoints, password === undefined ? undefined : rootCredentials(password)), endpoints);

/** One hook's part in a rebuild under way (`ctx.app.rebuild` is set). */
export async function rebuildStep(ctx: MemberContext, peers: readonly UnitState[], isLeader: boolean, password: string | undefined): Promise<RebuildResult> {
  const rebuild = ctx.app.rebuild!;
  if (rebuild.phase === 'restarted') return isLeader ? finishIfRejoined(ctx, peers) : { statuses: [rebuilding], halt: false, app: ctx.app };
  if (!isLeader) return stopAndForget(ctx, rebuild.id);
  return restartAlone(ctx, peers, rebuild.id, password);
}

/** Off the leader: etcd stopped for good and its data gone, so it can rejoin as a new member. */
async function stopAndForget(ctx: MemberContext, id: string): Promise<RebuildResult> {
  const { scope, relation, own } = ctx;
  if (own.rebuildStopped !== id) {
    scope.log.warn(`rebuild-cluster: stopping etcd on ${ctx.self.name} and deleting its data; it rejoins the rebuilt cluster as a new member`);
    await scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
    await wipeMemberData(scope.paths);
    relation.localUnitData.update({ [UNIT_KEYS.state]: undefined, [UNIT_KEYS.health]: undefined, [UNIT_KEYS.configHash]: undefined, [UNIT_KEYS.rebuildStopped]: id });
  }
  return { statuses: [rebuilding], halt: true, app: ctx.app };
}

/** Leader: stops its own etcd, and once every other unit has stopped, starts alone as a new one-member cluster keeping its data. */
async function restartAlone(ctx: MemberContext, peers: readonly UnitState[], id: string, password: string | undefined): Promise<RebuildResult> {
  const { scope, relation, self, app } = ctx;
  const waiting = peers.filter((p) => p.rebuildStopped !== id);
  if (waiting.length > 0) {
    if (ctx.own.rebuildStopped !== id) {
      await scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
      relation.localUnitData.set(UNIT_KEYS.rebuildStopped, id);
    }
    scope.log.info(`rebuild-cluster: waiting for ${waiting.map((p) => p.unit).join(', ')} to stop`);
    return { statuses: [rebuilding], halt: true, app };
  }
  const alone = [{ name: self.name, peerUrl: self.peerUrl }];
  const cluster = { members: alone, state: 'existing' as const, token: app.clusterToken };
  scope.log.warn(`rebuild-cluster: starting ${self.name} as a one-member cluster that keeps its data (force-new-cluster)`);
  await writeConfigIfChanged(scope.paths, { ...(await configInput(scope, self, ctx.config.tuning, cluster)), forceNewCluster: true });
  await scope.effects.snap.start(ETCD_SERVICE, { enable: true });
  const client = scope.client([self.clientUrl], password === undefined ? undefined : rootCredentials(password));
  if ((await waitUntilReady(client, self.clientUrl, scope.effects)) === undefined) {
    scope.log.error(`rebuild-cluster: ${self.name} did not come up alone; the next hook tries again`);
    return { statuses: [{ name: 'blocked', message: STATUS.rebuilding }], halt: true, app };
  }
  // Only that one start: a later restart must not force a new cluster again.
  await writeConfigIfChanged(scope.paths, await configInput(scope, self, ctx.config.tuning, cluster));
  relation.localAppData.update({ [APP_KEYS.clusterMembers]: formatClusterMembers(alone), [APP_KEYS.learningMember]: undefined, [APP_KEYS.rebuildPhase]: 'restarted' });
  relation.localUnitData.set(UNIT_KEYS.state, 'started');
  scope.log.info(`rebuild-cluster: ${self.name} runs alone; the other units rejoin one at a time`);
  return { statuses: [rebuilding], halt: false, app: { ...app, clusterMembers: alone, learningMember: undefined, rebuild: { id, phase: 'restarted' } } };
}

/** Leader: the rebuild is over once every unit runs in the cluster again and is healthy. */
function finishIfRejoined(ctx: MemberContext, peers: readonly UnitState[]): RebuildResult {
  const back = peers.every((p) => p.started && p.health?.ok === true && p.health.record.healthy) && ctx.app.learningMember === undefined;
  if (!back) return { statuses: [rebuilding], halt: false, app: ctx.app };
  ctx.relation.localAppData.update({ [APP_KEYS.rebuildCluster]: undefined, [APP_KEYS.rebuildPhase]: undefined });
  ctx.relation.localUnitData.set(UNIT_KEYS.rebuildStopped, undefined);
  ctx.scope.log.info('rebuild-cluster: every unit is back in the rebuilt cluster');
  return { statuses: [], halt: false, app: { ...ctx.app, rebuild: undefined } };
}

/** The `rebuild-cluster [force]` action (leader only), with Canonical's texts. */
export async function rebuildClusterAction(scope: CharmHook): Promise<void> {
  const action = scope.model.action!;
  const fail = (message: string): void => {
    action.setResults({ error: message });
    action.fail(message);
  };
  if (!(await scope.model.isLeader())) return fail('Action must be performed on the leader unit.');
  const relation = await scope.peer();
  if (relation === undefined) return fail('No peer relation');
  const app = await scope.app(relation);
  if (app.clusterState === undefined) return fail('Cluster is not initialized');
  const { force } = await action.params(z.object({ force: z.boolean().default(false) }));
  const password = await currentPassword(scope.model, app);
  const endpoints = clusterEndpoints(await scope.self(), await scope.peers(relation));
  const refreshing = (await unitsMidRefresh(scope.model)).length > 0;
  const restoring = ((await relation.localAppData.get(RESTORE_KEYS.instruction)) ?? '') !== '';
  const refused = await refuseRebuild(app, force, { refresh: refreshing, restore: restoring }, () => majorityLostNow(scope, endpoints, password));
  if (refused !== undefined) return fail(refused);
  const id = beginRebuild({ relation });
  scope.log.warn(`rebuild-cluster ${id}${force ? ' (forced)' : ''}: every unit stops etcd; the others' data is deleted; ${(await scope.self()).name} restarts alone with its data`);
  action.setResults({ result: REBUILD_TEXT.started });
}
