/**
 * The restore's adapter: reads the peer data into a {@link RestoreSnapshot},
 * asks {@link decideRestore} what to do, does it, and asks again until the
 * answer is to wait (the leader may take several steps in one hook: Juju
 * does not wake a unit for its own writes). Each unit's part of a step is
 * idempotent and recorded in its `restore_step` only once done.
 */
import type { Relation } from '../../lib/juju/index.js';
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import { currentPassword, recordPassword } from '../charm/credentials.js';
import { APP_KEYS, formatClusterMembers } from '../charm/peers.js';
import type { AppState } from '../charm/peers.js';
import type { CharmStatus } from '../charm/status.js';
import { malformedPeerData } from '../charm/status.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { SnapError } from '../etcd/snap.js';
import { ObjectStoreError } from './object-store.js';
import { dropLeftovers, fetchBackup, putBack, restoreMemberDir } from './restore-data.js';
import { passwordCandidates, settleAuth, startOnData, waitHealthy } from './restore-member.js';
import { RESTORE_KEYS, decideRestore, parseRestoreState, parseRestoreStep, participantsOf, prunedTarget } from './restore-plan.js';
import type { RestoreMember, RestoreState, RestoreStep, RestoreTarget } from './restore-plan.js';
import { readS3Relation } from './s3-relation.js';
import { RESTORE_TEXT } from './texts.js';

/**
 * What the restore says to the rest of the hook: `holds` keeps everything
 * else off etcd; `retry` (why this unit's step failed) fails the hook so that
 * Juju retries it (5, 10, 20 s ...): no other unit's write would wake this
 * one, and the restore would otherwise wait for update-status.
 */
export interface RestoreGate {
  readonly holds: boolean;
  readonly unit?: CharmStatus | undefined;
  readonly app?: CharmStatus | undefined;
  readonly retry?: string | undefined;
}

const inProgress: CharmStatus = { name: 'maintenance', message: RESTORE_TEXT.inProgress };
const blocked = (message: string): CharmStatus => ({ name: 'blocked', message });
const holding = (status: CharmStatus): RestoreGate => ({ holds: true, unit: status, app: status });
const afterwards = (state: RestoreState): RestoreGate => (state.verificationFailed ? { holds: false, unit: blocked(RESTORE_TEXT.verificationFailed) } : { holds: false });

interface StepContext {
  readonly scope: CharmHook;
  readonly relation: Relation;
  readonly isLeader: boolean;
  readonly state: RestoreState & { readonly target: RestoreTarget };
  readonly self: SelfMember;
  readonly me: RestoreMember;
  readonly app: AppState;
}

/** Failures a step reports (its hook then fails with the reason, and Juju retries it); anything else is a bug. */
const isStepFailure = (error: unknown): error is Error => error instanceof EtcdError || error instanceof SnapError || error instanceof ObjectStoreError;

type StepResult = { readonly ok: true; readonly verificationFailed?: boolean } | { readonly ok: false; readonly status: CharmStatus; readonly reason: string };

async function download(ctx: StepContext): Promise<StepResult> {
  const { scope, state } = ctx;
  const s3 = await readS3Relation(scope.model);
  if (s3 === undefined || !s3.read.ok) throw new RestoreStepError('no usable s3-credentials relation on this unit');
  const store = await scope.effects.objectStore(s3.read.params);
  try {
    const got = await fetchBackup(scope, store, state.target.key, state.target.sha256);
    if (!got.ok) throw new RestoreStepError(`backup ${state.id ?? ''}: ${got.reason}`);
  } finally {
    store.close();
  }
  return { ok: true };
}

/** Leader: restores into its own member directory as a one-member cluster, starts it and checks it; its own data is put back either way. */
async function verify(ctx: StepContext): Promise<StepResult> {
  const { scope, self, me, state } = ctx;
  if (!ctx.isLeader) return { ok: true };
  const token = `${state.target.token}-verify`;
  try {
    await restoreMemberDir(scope, me, [me], token);
    await startOnData(scope, self, { members: [me], token, state: 'new' });
    const auth = await settleAuth(scope, self.clientUrl, await passwordCandidates(scope, ctx.app));
    if (!auth.ok) throw new RestoreStepError(auth.reason);
    const sick = await waitHealthy(scope, self.clientUrl, auth.password);
    if (sick !== undefined) throw new RestoreStepError(sick);
    scope.log.info(`backup ${state.id ?? ''} verified on ${self.name} alone; restoring every member`);
    await scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof RestoreStepError || isStepFailure(error))) throw error;
    scope.log.error(`restore verification of backup ${state.id ?? ''} failed: ${error.message}; the restore is cancelled and every member restarts on its own data`);
    await scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
    await putBack(scope.paths);
    ctx.relation.localAppData.set(RESTORE_KEYS.verificationFailed, 'True');
    return { ok: true, verificationFailed: true };
  }
}

async function restart(ctx: StepContext): Promise<StepResult> {
  const { scope, self, state, app, relation } = ctx;
  if (state.verificationFailed) {
    await putBack(scope.paths);
    await startOnData(scope, self, { members: app.clusterMembers, token: app.clusterToken, state: 'existing' });
    return { ok: true };
  }
  const members = state.target.members.map((m) => ({ name: m.name, peerUrl: m.peerUrl }));
  if (ctx.isLeader) {
    relation.localAppData.set(APP_KEYS.clusterMembers, formatClusterMembers(members));
    relation.localAppData.set(APP_KEYS.clusterToken, state.target.token);
    relation.localAppData.set(APP_KEYS.learningMember, undefined);
  }
  await startOnData(scope, self, { members, token: state.target.token, state: 'existing' });
  return { ok: true };
}

/** Every member: healthy with auth on (the leader records the root password the restored keyspace has), then the leftovers go. */
async function complete(ctx: StepContext): Promise<StepResult> {
  const { scope, self, app } = ctx;
  const auth = await settleAuth(scope, self.clientUrl, await passwordCandidates(scope, app));
  const sick = auth.ok ? await waitHealthy(scope, self.clientUrl, auth.password) : auth.reason;
  if (sick !== undefined) {
    // The router logs the reason when it fails the hook.
    return { ok: false, status: blocked(RESTORE_TEXT.unhealthy), reason: `${self.name} after the restore: ${sick}` };
  }
  if (ctx.isLeader && auth.ok && app.credentialsSecret !== undefined && auth.password !== (await currentPassword(scope.model, app))) {
    scope.log.info("the restored keyspace's root password is the configured one; recording it as etcd's current password");
    await recordPassword(scope.model, app.credentialsSecret, auth.password);
    const generation = Number.parseInt((await ctx.relation.localAppData.get(APP_KEYS.passwordGeneration)) ?? '0', 10);
    ctx.relation.localAppData.set(APP_KEYS.passwordGeneration, String((Number.isSafeInteger(generation) ? generation : 0) + 1));
  }
  await dropLeftovers(scope.paths);
  return { ok: true };
}

/** A step that cannot go on, with why (logged; the unit shows `failed to restore backup`). */
class RestoreStepError extends Error {
  override name = 'RestoreStepError';
}

async function work(ctx: StepContext, step: RestoreStep): Promise<StepResult> {
  const { scope } = ctx;
  try {
    switch (step) {
      case 'download_backup':
        return await download(ctx);
      case 'stop_workload':
        await scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
        return { ok: true };
      case 'verify_backup':
        return await verify(ctx);
      case 'restore_backup':
        await restoreMemberDir(scope, ctx.me, ctx.state.target.members, ctx.state.target.token);
        return { ok: true };
      case 'restart_workload':
        return await restart(ctx);
      case 'completed':
        return await complete(ctx);
    }
  } catch (error) {
    if (!(error instanceof RestoreStepError || isStepFailure(error))) throw error;
    return { ok: false, status: blocked(RESTORE_TEXT.failed), reason: `restore step ${step} failed on ${ctx.self.name}: ${error.message}` };
  }
}

/** Runs this unit's part of the restore in progress (src/backup/restore-gate.ts calls it only when there is one). */
export async function runRestore(scope: CharmHook, relation: Relation): Promise<RestoreGate> {
  const { model } = scope;
  const isLeader = await model.isLeader();
  let state = parseRestoreState(await relation.localAppData.read());
  const steps: Record<string, RestoreStep | undefined> = { [model.unitName]: parseRestoreStep(await relation.localUnitData.get(RESTORE_KEYS.step)) };
  for (const unit of await relation.units()) steps[unit] = parseRestoreStep(await relation.unitData(unit).get(RESTORE_KEYS.step));
  const self = await scope.self();
  // Bounded: one pass per step at most, and a few to spare.
  for (let round = 0; round < 12; round++) {
    const decision = decideRestore({ unit: model.unitName, isLeader, state, ownStep: steps[model.unitName], steps });
    switch (decision.kind) {
      case 'idle':
        return afterwards(state);
      case 'cleanup':
        await dropLeftovers(scope.paths);
        relation.localUnitData.set(RESTORE_KEYS.step, undefined);
        return afterwards(state);
      case 'malformed':
        scope.log.warn(`the restore's peer data is malformed (${decision.keys.join(', ')}); nothing is done until the leader rewrites it`);
        return holding(blocked(malformedPeerData('application', decision.keys)));
      case 'wait':
        return holding(decision.participant ? inProgress : { name: 'waiting', message: RESTORE_TEXT.waiting });
      case 'work': {
        const target = state.target!;
        const me = target.members.find((m) => m.unit === model.unitName)!;
        const ctx: StepContext = { scope, relation, isLeader, state: { ...state, target }, self, me, app: await scope.app(relation) };
        const result = await work(ctx, decision.step);
        if (!result.ok) return { ...holding(result.status), retry: result.reason };
        if (result.verificationFailed === true) state = { ...state, verificationFailed: true };
        steps[model.unitName] = decision.step;
        relation.localUnitData.set(RESTORE_KEYS.step, decision.step);
        break;
      }
      case 'advance':
        if (decision.to === 'finished') {
          for (const key of [RESTORE_KEYS.id, RESTORE_KEYS.instruction, RESTORE_KEYS.target]) relation.localAppData.set(key, undefined);
          relation.localUnitData.set(RESTORE_KEYS.step, undefined);
          scope.log.info(state.verificationFailed ? `restore of ${state.id ?? ''} cancelled; every member runs on its own data again` : `restore of backup ${state.id ?? ''} completed`);
          return afterwards(state);
        }
        // decideRestore advances only with a target (it reports a missing one as malformed).
        const target = state.target!;
        const pruned = prunedTarget(target, participantsOf(target, steps), decision.to);
        if (pruned !== undefined) {
          const gone = target.members.filter((m) => !pruned.members.includes(m)).map((m) => m.unit);
          scope.log.info(`restore of ${state.id ?? ''}: ${gone.join(', ')} left the relation; the restored cluster's members are ${pruned.members.map((m) => m.unit).join(', ')}`);
          relation.localAppData.set(RESTORE_KEYS.target, JSON.stringify(pruned));
          state = { ...state, target: pruned };
        }
        scope.log.info(`restore of ${state.id ?? ''}: every member is past ${state.instruction}; next: ${decision.to}`);
        relation.localAppData.set(RESTORE_KEYS.instruction, decision.to);
        state = { ...state, instruction: decision.to };
        break;
    }
  }
  return holding(inProgress);
}
