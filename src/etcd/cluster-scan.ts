import type { MemberStatus } from './client-types.js';
import { EtcdError } from './errors/etcd-error.js';
import type { Member } from './membership.js';
import type { EtcdApi } from './api.js';

/** What each member says about itself right now, by member id (absent: no answer). */
export interface ClusterScan {
  readonly statuses: ReadonlyMap<string, MemberStatus>;
  /** Ids of members that answered and know a raft leader. */
  readonly healthy: ReadonlySet<string>;
  /** The raft leader's id, when any member knows one. */
  readonly leaderId: string | undefined;
}

/** Asks every member (by its client URL) for its status, in parallel. Never throws for etcd failures. */
export async function scanMembers(client: EtcdApi, members: readonly Member[]): Promise<ClusterScan> {
  const answers = await Promise.all(
    members.map(async (m) => {
      const url = m.clientUrls[0];
      if (url === undefined) return undefined;
      try {
        return await client.status(url);
      } catch (error) {
        if (error instanceof EtcdError) return undefined;
        throw error;
      }
    }),
  );
  const statuses = new Map<string, MemberStatus>();
  for (const s of answers) if (s !== undefined) statuses.set(s.memberId, s);
  const healthy = new Set([...statuses.values()].filter((s) => s.leaderId !== undefined).map((s) => s.memberId));
  const leaderId = [...statuses.values()].find((s) => s.leaderId !== undefined)?.leaderId;
  return { statuses, healthy, leaderId };
}

/** Asks each client URL whether it knows a raft leader; true when none does (every member answered no or not at all). */
export async function noLeaderAnywhere(client: EtcdApi, endpoints: readonly string[]): Promise<boolean> {
  const known = await Promise.all(
    endpoints.map(async (url) => {
      try {
        return (await client.status(url)).leaderId !== undefined;
      } catch (error) {
        if (error instanceof EtcdError) return false;
        throw error;
      }
    }),
  );
  return !known.some(Boolean);
}

/**
 * Moves raft leadership from `selfId` to another healthy voting member, when
 * `selfId` leads and there is one. Resolves true when leadership moved.
 */
export async function moveLeadershipAway(client: EtcdApi, selfId: string, members: readonly Member[], scan: ClusterScan): Promise<boolean> {
  if (scan.leaderId !== selfId) return false;
  const target = members.find((m) => m.id !== selfId && !m.isLearner && scan.healthy.has(m.id));
  if (target === undefined) return false;
  await client.moveLeader(target.id);
  return true;
}
