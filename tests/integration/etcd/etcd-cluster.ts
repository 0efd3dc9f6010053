/**
 * Clusters grown the way the charm grows them (learners added and promoted
 * one at a time, auth on from the first member), from the member processes
 * of etcd-process.ts.
 */
import { EtcdClient } from '../../../src/etcd/client.js';
import { peerUrl } from '../../../src/etcd/config.js';
import { eventually, initialMember, prepareMember, startMember, waitHealthy, type MemberSpec, type RunningMember } from './etcd-process.js';

/** A client for `members` (all of them, any may answer), as root once auth is on. */
export const clusterClient = (members: readonly RunningMember[], credentials?: { user: string; password: string }): EtcdClient =>
  new EtcdClient({
    endpoints: members.map((m) => m.clientUrl),
    timeoutMs: 5000,
    fetch: members.find((m) => m.fetch !== undefined)?.fetch,
    ...(credentials === undefined ? {} : { credentials }),
  });

/**
 * The charm's way of growing a cluster by one: `member add --learner` (retried
 * while etcd wants the voters connected longer), start `member` with etcd
 * `version`, and promote it once etcd says it caught up. Resolves with its member id.
 */
export async function joinAsLearner(client: EtcdClient, member: RunningMember, version: string): Promise<string> {
  const id = await addLearner(client, member);
  startMember(member, version);
  // Refused ("not in sync") until it caught up; an attempt that timed out here may have succeeded there.
  await eventually(async () => {
    try {
      await client.memberPromote(id);
    } catch (error) {
      if ((await client.memberList()).some((m) => m.id === id && !m.isLearner)) return;
      throw error;
    }
  }, 60_000);
  await waitHealthy(member);
  return id;
}

/** `member add --learner` for `member`, retried while etcd refuses; resolves with its id. */
export async function addLearner(client: EtcdClient, member: RunningMember): Promise<string> {
  const url = peerUrl(member.ip, member.input.tls?.peer !== undefined);
  return eventually(async () => {
    try {
      return (await client.memberAdd(url, { learner: true })).member.id;
    } catch (error) {
      const existing = (await client.memberList()).find((m) => m.peerUrls.includes(url));
      if (existing !== undefined) return existing.id;
      throw error;
    }
  }, 60_000);
}

/**
 * A cluster of `ips.length` members running etcd `version`, grown as the
 * charm grows one: the first bootstraps alone and turns auth on (a `root`
 * user), each other joins as a learner and is promoted before the next is
 * added. Members are named `etcd<n>` and live under `root`.
 */
export async function charmCluster(spec: {
  readonly version: string;
  readonly root: string;
  readonly ips: readonly string[];
  readonly credentials: { user: string; password: string };
  /** Each member's TLS from its first start (a cluster deployed with the TLS relations in place). */
  readonly tls?: (unitNumber: number) => MemberSpec['tls'];
}): Promise<{ members: RunningMember[]; client: EtcdClient }> {
  const { version, ips, credentials } = spec;
  const tlsOf = (n: number): MemberSpec['tls'] => spec.tls?.(n);
  const peerTls = (n: number): boolean => tlsOf(n)?.config.peer !== undefined;
  const members: RunningMember[] = [];
  const first = prepareMember({
    version,
    root: spec.root,
    unitNumber: 0,
    ip: ips[0]!,
    initialCluster: [initialMember('etcd', 0, ips[0]!, peerTls(0))],
    initialClusterState: 'new',
    tls: tlsOf(0),
  });
  startMember(first, version);
  await waitHealthy(first);
  members.push(first);
  const client = clusterClient([first], credentials);
  await client.userAdd(credentials.user, credentials.password);
  await client.userGrantRole(credentials.user, 'root');
  await client.authEnable();
  for (let i = 1; i < ips.length; i++) {
    const member = prepareMember({
      version,
      root: spec.root,
      unitNumber: i,
      ip: ips[i]!,
      initialCluster: ips.slice(0, i + 1).map((ip, n) => initialMember('etcd', n, ip, peerTls(n))),
      initialClusterState: 'existing',
      tls: tlsOf(i),
    });
    await joinAsLearner(clusterClient(members, credentials), member, version);
    members.push(member);
  }
  return { members, client: clusterClient(members, credentials) };
}
