/**
 * etcd's membership vocabulary and the pure predicates the charm uses before
 * changing membership. They mirror etcd's own `IsReadyToAddVotingMember`,
 * `IsReadyToRemoveVotingMember` and `IsReadyToPromoteMember`, except that
 * etcd counts *started* members (those that published a name) while the charm
 * counts *healthy* ones: a started member that no longer answers cannot help
 * form a quorum.
 */

/** One cluster member, as the member list reports it. `id` is hex, as etcdctl prints it. */
export interface Member {
  readonly id: string;
  /** Empty until the member has started and published its name. */
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** What the predicates look at: the member list plus which members answered a health check. */
export interface ClusterView {
  readonly members: readonly Member[];
  /** Hex ids of members whose health probe found them fit (reachable, with a leader, no alarm). */
  readonly healthy: ReadonlySet<string>;
}

/**
 * How many raft entries a learner may trail the leader's applied index by and
 * still count as caught up. Much tighter than etcd's own server-side check
 * (learner match index ≥ 90% of the leader's, which at index 10⁷ allows a
 * million entries of lag), loose enough that the few entries written between
 * two status calls on a busy cluster do not block promotion forever, and well
 * below snapshot-count (10000), beyond which a member is sent a whole snapshot.
 */
export const MAX_CAUGHT_UP_LAG = 1000;

/** Started: the member has run at least once and published its name. */
export const isStarted = (member: Member): boolean => member.name !== '';

/** Voting: a full member, counted for quorum (learners are not). */
export const isVoting = (member: Member): boolean => !member.isLearner;

/** Votes needed for a majority of `voters`: ⌊n/2⌋+1. */
export const quorum = (voters: number): number => Math.floor(voters / 2) + 1;

const votingMembers = (view: ClusterView): readonly Member[] => view.members.filter(isVoting);
const healthyCount = (view: ClusterView, members: readonly Member[]): number =>
  members.filter((m) => view.healthy.has(m.id)).length;

/**
 * Whether one more voting member can be added without losing quorum while it
 * starts: healthy voters must still be a quorum of the grown cluster. As in
 * etcd, a healthy single-member cluster may always grow to two.
 */
export function isReadyToAddVotingMember(view: ClusterView): boolean {
  const voters = votingMembers(view);
  const healthy = healthyCount(view, voters);
  if (voters.length === 1 && healthy === 1) return true;
  return healthy >= quorum(voters.length + 1);
}

/** Raft-progress facts about a learner, from status calls on it and on the leader. */
export interface LearnerProgress {
  readonly learnerAppliedIndex: number;
  readonly leaderAppliedIndex: number;
}

/**
 * Whether learner `id` can be promoted now: it is a started, healthy learner,
 * its applied index is within {@link MAX_CAUGHT_UP_LAG} of the leader's, and
 * the healthy voters plus the promoted learner form a quorum of the grown
 * voting set (etcd counts the learner as started for this).
 */
export function isReadyToPromoteMember(view: ClusterView, id: string, progress: LearnerProgress): boolean {
  const learner = view.members.find((m) => m.id === id);
  if (learner === undefined || !learner.isLearner || !isStarted(learner) || !view.healthy.has(id)) return false;
  if (progress.leaderAppliedIndex - progress.learnerAppliedIndex > MAX_CAUGHT_UP_LAG) return false;
  const voters = votingMembers(view);
  return healthyCount(view, voters) + 1 >= quorum(voters.length + 1);
}

/**
 * Whether member `id` can be removed without the remaining cluster losing
 * quorum: the healthy voters left must be a quorum of the voters left.
 * Removing a learner is always safe; removing the last voter never is (the
 * last unit's teardown stops etcd instead); an unknown id is "safe" (nothing to do).
 */
export function isSafeToRemoveMember(view: ClusterView, id: string): boolean {
  const target = view.members.find((m) => m.id === id);
  if (target === undefined || target.isLearner) return true;
  const remaining = votingMembers(view).filter((m) => m.id !== id);
  if (remaining.length === 0) return false;
  return healthyCount(view, remaining) >= quorum(remaining.length);
}

/** Whether a learner can be added: etcd allows one learner at a time (`max-learners` defaults to 1). */
export const canAddLearner = (view: ClusterView): boolean => !view.members.some((m) => m.isLearner);

export { clusterVersionAllows } from './version.js';
