import type { MemberStatus } from '../etcd/client-types.js';
import type { Member } from '../etcd/membership.js';
import { MAX_CAUGHT_UP_LAG } from '../etcd/membership.js';
import { peerAddress } from '../etcd/config.js';
import { majorMinor, parseEtcdVersion } from '../etcd/version.js';

/**
 * The refresh health gate's judgement: may this unit, just refreshed (or
 * waiting to be allowed), let the next unit refresh? Pure, over what the
 * live cluster said.
 */

export interface GateFacts {
  /** This unit's peer URL (how its member is recognised). */
  readonly selfPeerUrl: string;
  /** Undefined when no member answered `member list`. */
  readonly members: readonly Member[] | undefined;
  /** What each member said about itself, by member id (absent: no answer). */
  readonly statuses: ReadonlyMap<string, MemberStatus>;
  readonly leaderId: string | undefined;
  /** `/version` `etcdcluster`; undefined while undecided or unreadable. */
  readonly clusterVersion: string | undefined;
}

export type GateVerdict =
  | { readonly healthy: true }
  | {
      readonly healthy: false;
      /** Short text naming what is unhealthy, for the unit status and the log. */
      readonly reason: string;
      /** Only time fixes it (the cluster version catches up with the members on its own). */
      readonly waitable: boolean;
    };

const no = (reason: string, waitable = false): GateVerdict => ({ healthy: false, reason, waitable });

/**
 * The expected cluster version: the lowest `major.minor` among the members'
 * server versions (etcd runs a mixed cluster at its lowest member's minor).
 */
export function expectedClusterVersion(versions: readonly string[]): string | undefined {
  const parsed = versions.map(parseEtcdVersion);
  if (parsed.length === 0 || parsed.some((v) => v === undefined)) return undefined;
  const lowest = [...parsed].sort((a, b) => a!.major - b!.major || a!.minor - b!.minor)[0]!;
  return `${lowest.major}.${lowest.minor}`;
}

/** Judges the gate: member back, voting, caught up; every member up with a leader; cluster version as expected. */
export function judgeGateHealth(facts: GateFacts): GateVerdict {
  const { members, statuses } = facts;
  if (members === undefined) return no('no etcd member answers');
  const own = members.find((m) => m.peerUrls.some((url) => peerAddress(url) === peerAddress(facts.selfPeerUrl)));
  if (own === undefined) return no('this unit is not a cluster member');
  const self = statuses.get(own.id);
  if (self === undefined) return no('etcd not answering on this unit');
  if (own.isLearner || self.isLearner) return no('this member is still a learner');
  if (self.leaderId === undefined) return no('this member has no raft leader');
  const leader = facts.leaderId === undefined ? undefined : statuses.get(facts.leaderId);
  if (leader !== undefined && leader.raftAppliedIndex - self.raftAppliedIndex > MAX_CAUGHT_UP_LAG) {
    return no('this member is behind the raft leader', true);
  }
  for (const m of members) {
    const s = statuses.get(m.id);
    if (s === undefined || s.leaderId === undefined) return no(`${m.name || m.id} down`);
    if (m.isLearner) return no(`learner ${m.name || m.id} not promoted`);
  }
  const expected = expectedClusterVersion(members.map((m) => statuses.get(m.id)!.version));
  const actual = facts.clusterVersion === undefined ? undefined : majorMinor(facts.clusterVersion);
  if (expected !== undefined && actual !== expected) {
    return no(`cluster version ${actual ?? 'undecided'}, expected ${expected}`, true);
  }
  return { healthy: true };
}
