import type { LearnerProgress, Member } from '../etcd/membership.js';
import { isReadyToAddVotingMember, isReadyToPromoteMember, isSafeToRemoveMember } from '../etcd/membership.js';
import type { ClusterMember } from '../charm/peers.js';
import { peerAddress } from '../etcd/config.js';

/**
 * The leader's membership decisions, as pure functions over what it sees:
 * at most one membership change per hook (add one learner, promote it, or
 * remove one member), and the `cluster_members` the app bag should hold.
 */

/** A peer unit as the leader sees it. */
export interface CandidateUnit {
  readonly unit: string;
  readonly unitNumber: number;
  readonly memberName: string;
  /** Undefined until the unit published its address. */
  readonly peerUrl: string | undefined;
  readonly started: boolean;
}

export interface MembershipInput {
  /** This (leader) unit's member. */
  readonly self: ClusterMember;
  /** The other units in the peer relation now (departing units are gone already). */
  readonly units: readonly CandidateUnit[];
  /** The live member list. */
  readonly members: readonly Member[];
  /** Ids of members found healthy (reachable, with a leader, no alarm). */
  readonly healthy: ReadonlySet<string>;
  /** Raft progress of the learner, when there is one and it answered. */
  readonly learnerProgress: LearnerProgress | undefined;
  /** Remove members that belong to no unit (done on update-status only, to leave departing units time to remove themselves). */
  readonly removeOrphans: boolean;
}

export type MembershipStep =
  | { readonly kind: 'none' }
  | { readonly kind: 'wait-promote'; readonly memberName: string; readonly reason: string }
  | { readonly kind: 'wait-add'; readonly memberName: string; readonly reason: string }
  | { readonly kind: 'promote'; readonly id: string; readonly memberName: string }
  | { readonly kind: 'add-learner'; readonly unit: string; readonly memberName: string; readonly peerUrl: string }
  | { readonly kind: 'remove-orphan'; readonly id: string; readonly name: string };

const peerAddressesOf = (members: readonly Member[]): Set<string> => new Set(members.flatMap((m) => m.peerUrls.map(peerAddress)));

/** The next membership step for the leader. Pure. */
export function planMembership(input: MembershipInput): MembershipStep {
  const byUrl = new Map(input.units.flatMap((u) => (u.peerUrl === undefined ? [] : [[peerAddress(u.peerUrl), u] as const])));
  const view = { members: input.members, healthy: input.healthy };

  // A started member is also known by its name: while its unit moves to a new
  // address (src/cluster/address-change.ts) etcd lists the new peer URL before
  // the unit publishes it, and that member is neither new nor an orphan.
  const byName = (m: Member): CandidateUnit | undefined => (m.name === '' ? undefined : input.units.find((u) => u.memberName === m.name));

  const learner = input.members.find((m) => m.isLearner);
  if (learner !== undefined) {
    const unit = learner.peerUrls.map((url) => byUrl.get(peerAddress(url))).find((u) => u !== undefined) ?? byName(learner);
    const memberName = unit?.memberName ?? learner.name ?? learner.id;
    if (unit === undefined) {
      // A learner no unit claims (its unit went away before it joined): remove it, learners never hold quorum.
      return { kind: 'remove-orphan', id: learner.id, name: memberName || learner.id };
    }
    if (!unit.started) return { kind: 'wait-promote', memberName, reason: 'not started yet' };
    if (input.learnerProgress === undefined) return { kind: 'wait-promote', memberName, reason: 'raft progress unknown' };
    if (!isReadyToPromoteMember(view, learner.id, input.learnerProgress)) {
      return { kind: 'wait-promote', memberName, reason: 'not caught up with the leader' };
    }
    return { kind: 'promote', id: learner.id, memberName };
  }

  const known = peerAddressesOf(input.members);
  const named = new Set(input.members.map((m) => m.name).filter((name) => name !== ''));
  const candidate = [...input.units]
    .sort((a, b) => a.unitNumber - b.unitNumber)
    .find((u) => u.peerUrl !== undefined && !known.has(peerAddress(u.peerUrl)) && !named.has(u.memberName));
  if (candidate?.peerUrl !== undefined) {
    if (!isReadyToAddVotingMember(view)) {
      return { kind: 'wait-add', memberName: candidate.memberName, reason: 'too few healthy members to add one safely' };
    }
    return { kind: 'add-learner', unit: candidate.unit, memberName: candidate.memberName, peerUrl: candidate.peerUrl };
  }

  if (input.removeOrphans) {
    // A member is claimed by its peer URL or by its name: a unit whose published address
    // is unreadable still owns its member, so bad peer data never removes a voter.
    const claimed = new Set([peerAddress(input.self.peerUrl), ...byUrl.keys()]);
    const names = new Set([input.self.name, ...input.units.map((u) => u.memberName)]);
    const orphan = input.members.find((m) => !m.peerUrls.some((url) => claimed.has(peerAddress(url))) && !names.has(m.name));
    if (orphan !== undefined && isSafeToRemoveMember(view, orphan.id)) {
      return { kind: 'remove-orphan', id: orphan.id, name: orphan.name || orphan.id };
    }
  }
  return { kind: 'none' };
}

/**
 * `cluster_members` as it should be after the live member list `members`:
 * one `name=peerURL` per member, named after the unit that owns its peer URL
 * (a learner that has not started yet has no name in etcd), in member-name order.
 */
export function clusterMembersFrom(members: readonly Member[], self: ClusterMember, units: readonly CandidateUnit[]): ClusterMember[] {
  const nameByUrl = new Map<string, string>([[peerAddress(self.peerUrl), self.name]]);
  for (const u of units) if (u.peerUrl !== undefined) nameByUrl.set(peerAddress(u.peerUrl), u.memberName);
  const out = members.flatMap((m) => {
    const url = m.peerUrls[0];
    if (url === undefined) return [];
    const name = nameByUrl.get(peerAddress(url)) ?? m.name;
    return name === '' ? [] : [{ name, peerUrl: url }];
  });
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}
