import { scanMembers } from '../etcd/cluster-scan.js';
import { currentPassword, recordPassword, rootCredentials, ROOT_USER } from '../charm/credentials.js';
import { EtcdAuthFailedError } from '../etcd/errors/auth-failed-error.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { EtcdLearnerNotInSyncError } from '../etcd/errors/learner-not-in-sync-error.js';
import { EtcdMemberNotFoundError } from '../etcd/errors/member-not-found-error.js';
import { EtcdUnhealthyClusterError } from '../etcd/errors/unhealthy-cluster-error.js';
import type { Member } from '../etcd/membership.js';
import type { EtcdApi } from '../etcd/api.js';
import type { Relation } from '../../lib/juju/index.js';
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import type { CandidateUnit, MembershipStep } from './membership-plan.js';
import { clusterMembersFrom, planMembership } from './membership-plan.js';
import { APP_KEYS, formatClusterMembers, servesTls } from '../charm/peers.js';
import { peerUrl } from '../etcd/config.js';
import { inTransition } from '../tls/phase.js';
import type { AppState, UnitState } from '../charm/peers.js';
import type { CharmStatus } from '../charm/status.js';
import { STATUS } from '../charm/status.js';

/** The leader's cluster-wide duties: one membership step, `cluster_members`, the root password. */

/** What the leader's steps need about this unit. */
export interface LeaderContext {
  readonly scope: CharmHook;
  readonly relation: Relation;
  readonly self: SelfMember;
  readonly own: UnitState;
  readonly app: AppState;
}

const candidates = (ctx: LeaderContext, peers: readonly UnitState[]): CandidateUnit[] => {
  const units = peers.map((p) => ({
    unit: p.unit,
    unitNumber: p.unitNumber,
    memberName: p.memberName,
    // Not while its peer TLS is changing: the scheme it will start with is not settled yet.
    peerUrl: p.ip === undefined || inTransition(p.tls.peer) ? undefined : peerUrl(p.ip, servesTls(p.tls.peer)),
    started: p.started,
  }));
  // The leader may itself still need to join (leadership moved to a unit that never started).
  if (!ctx.own.started) {
    units.push({ unit: ctx.scope.model.unitName, unitNumber: ctx.scope.model.unitNumber, memberName: ctx.self.name, peerUrl: ctx.self.peerUrl, started: false });
  }
  return units;
};

/**
 * Plans and applies at most one membership change, then stages
 * `cluster_members` and `learning_member` from the resulting member list.
 * Resolves with a status when the cluster waits on something.
 * @throws EtcdError when etcd refuses a change for an unexpected reason (the hook fails and is retried).
 */
export async function leaderMembership(
  ctx: LeaderContext,
  peers: readonly UnitState[],
  client: EtcdApi,
  members: readonly Member[],
  options: { readonly removeOrphans: boolean },
): Promise<CharmStatus | undefined> {
  const { scope, relation, self } = ctx;
  const units = candidates(ctx, peers);
  const scan = await scanMembers(client, members);
  const learner = members.find((m) => m.isLearner);
  const leaderStatus = scan.leaderId === undefined ? undefined : scan.statuses.get(scan.leaderId);
  const learnerStatus = learner === undefined ? undefined : scan.statuses.get(learner.id);
  const step: MembershipStep = planMembership({
    self,
    units,
    members,
    healthy: scan.healthy,
    learnerProgress:
      leaderStatus === undefined || learnerStatus === undefined
        ? undefined
        : { learnerAppliedIndex: learnerStatus.raftAppliedIndex, leaderAppliedIndex: leaderStatus.raftAppliedIndex },
    removeOrphans: options.removeOrphans,
  });

  let after: readonly Member[] = members;
  let status: CharmStatus | undefined;
  switch (step.kind) {
    case 'add-learner': {
      scope.log.info(`adding ${step.memberName} (${step.peerUrl}) as a learner`);
      const added = await addLearner(ctx, client, step.peerUrl);
      if (added === undefined) {
        status = { name: 'waiting', message: `Waiting to add ${step.memberName}: etcd reports the cluster unhealthy` };
      } else {
        after = added;
      }
      break;
    }
    case 'promote': {
      try {
        after = await client.memberPromote(step.id);
        scope.log.info(`promoted learner ${step.memberName} (${step.id}) to a voting member`);
      } catch (error) {
        if (!(error instanceof EtcdLearnerNotInSyncError)) throw error;
        status = { name: 'maintenance', message: STATUS.waitingToPromote };
      }
      break;
    }
    case 'remove-orphan': {
      scope.log.info(`removing member ${step.name} (${step.id}): no unit claims it`);
      try {
        after = await client.memberRemove(step.id);
      } catch (error) {
        if (!(error instanceof EtcdMemberNotFoundError)) throw error;
        after = await client.memberList();
      }
      break;
    }
    case 'wait-promote':
      scope.log.debug(`learner ${step.memberName} not promoted yet: ${step.reason}`);
      status = { name: 'maintenance', message: STATUS.waitingToPromote };
      break;
    case 'wait-add':
      scope.log.warn(`not adding ${step.memberName} yet: ${step.reason}`);
      status = { name: 'waiting', message: `Waiting to add ${step.memberName}: ${step.reason}` };
      break;
    case 'none':
      break;
  }
  const clusterMembers = clusterMembersFrom(after, self, units);
  if (clusterMembers.length > 0) relation.localAppData.set(APP_KEYS.clusterMembers, formatClusterMembers(clusterMembers));
  relation.localAppData.set(APP_KEYS.learningMember, after.find((m) => m.isLearner)?.id);
  return status;
}

/**
 * etcd refuses a member add until its leader has been connected to a quorum
 * for its HealthInterval (5 s, `mayAddMember` in server/etcdserver/server.go),
 * which a member promoted or restarted a moment ago has not been yet.
 */
const ADD_SETTLE_MS = 12_000;
const ADD_RETRY_MS = 1_000;

/** Adds a learner, waiting out etcd's connectivity rule; undefined when etcd still refuses. */
async function addLearner(ctx: LeaderContext, client: EtcdApi, peerUrl: string): Promise<readonly Member[] | undefined> {
  const { effects, log } = ctx.scope;
  const deadline = effects.now() + ADD_SETTLE_MS;
  for (;;) {
    try {
      return (await client.memberAdd(peerUrl, { learner: true })).members;
    } catch (error) {
      if (!(error instanceof EtcdUnhealthyClusterError)) throw error;
      if (effects.now() >= deadline) {
        log.warn(`etcd still refuses to add ${peerUrl}: ${error.serverMessage}`);
        return undefined;
      }
    }
    await effects.sleep(ADD_RETRY_MS);
  }
}

/**
 * Sets etcd's root password to `desired` when it differs from the one etcd
 * has (the app secret), then records it in the app secret. If an earlier
 * attempt changed etcd but its hook failed before the secret was committed,
 * the desired password already works and only the secret is updated.
 */
export async function rotatePassword(ctx: LeaderContext, endpoints: readonly string[], desired: string): Promise<CharmStatus | undefined> {
  const { scope, app } = ctx;
  const uri = app.credentialsSecret;
  const current = await currentPassword(scope.model, app);
  if (uri === undefined || current === undefined || current === desired) return undefined;
  try {
    try {
      await scope.client(endpoints, rootCredentials(current)).userChangePassword(ROOT_USER, desired);
    } catch (error) {
      if (!(error instanceof EtcdAuthFailedError)) throw error;
      // Authenticating with the desired password proves etcd has it already.
      await scope.client(endpoints, rootCredentials(desired)).memberList();
    }
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    scope.log.error(`updating the root password failed: ${error.message}`);
    return { name: 'blocked', message: STATUS.passwordUpdateFailed };
  }
  await recordPassword(scope.model, uri, desired);
  // Units that read the old password while etcd already had the new one need a hook after this one commits.
  const generation = Number.parseInt((await ctx.relation.localAppData.get(APP_KEYS.passwordGeneration)) ?? '0', 10);
  ctx.relation.localAppData.set(APP_KEYS.passwordGeneration, String((Number.isSafeInteger(generation) ? generation : 0) + 1));
  scope.log.info('root password updated');
  return undefined;
}
