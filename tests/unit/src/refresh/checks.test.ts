import { describe, expect, it } from 'vitest';
import type { MemberStatus } from '../../../../src/etcd/client-types.js';
import type { HealthRecord } from '../../../../src/etcd/health-record.js';
import type { Member } from '../../../../src/etcd/membership.js';
import type { PrecheckFacts, PrecheckUnit } from '../../../../src/refresh/pre-refresh-checks.js';
import { findPrecheckProblem } from '../../../../src/refresh/pre-refresh-checks.js';
import type { GateFacts } from '../../../../src/refresh/gate-health.js';
import { expectedClusterVersion, judgeGateHealth } from '../../../../src/refresh/gate-health.js';

const member = (n: number, extra: Partial<Member> = {}): Member => ({
  id: `a${n}`,
  name: `charmed-etcd${n}`,
  peerUrls: [`http://10.0.0.${n + 10}:2380`],
  clientUrls: [`http://10.0.0.${n + 10}:2379`],
  isLearner: false,
  ...extra,
});
const record = (extra: Partial<HealthRecord> = {}): HealthRecord => ({
  healthy: true, version: '3.5.16', member_id: 'a0', snap_revision: '2', is_raft_leader: false, is_learner: false,
  raft_applied_index: 100, alarms: [], problems: [], ...extra,
});
const unit = (n: number, extra: Partial<PrecheckUnit> = {}): PrecheckUnit => ({
  memberName: `charmed-etcd${n}`, peerUrl: `http://10.0.0.${n + 10}:2380`, started: true, health: { ok: true, record: record() }, configHash: 'h', ...extra,
});
const facts = (extra: Partial<PrecheckFacts> = {}): PrecheckFacts => ({
  members: [member(0), member(1), member(2)],
  healthy: new Set(['a0', 'a1', 'a2']),
  alarms: [],
  units: [unit(0), unit(1), unit(2)],
  desiredConfigHash: 'h',
  ...extra,
});

describe('pre-refresh checks', () => {
  it('pass on a healthy, complete, idle cluster', () => {
    expect(findPrecheckProblem(facts())).toBeUndefined();
  });

  it.each([
    ['no member answers', { members: undefined }, 'Cluster is not healthy'],
    ['a learner is pending', { members: [member(0), member(1), member(2, { isLearner: true })] }, 'A learner is waiting for promotion'],
    ['a member is down', { healthy: new Set(['a0', 'a2']) }, 'Cluster is not healthy: charmed-etcd1 down'],
    ['an alarm is raised', { alarms: [{ memberId: 'a1', alarm: 'NOSPACE' }] }, 'Cluster is not healthy: alarm NOSPACE raised'],
    ['a unit is not a member', { units: [unit(0), unit(1), unit(2), unit(3)] }, 'Cluster is not healthy: charmed-etcd3 is not a member'],
    ['a member has no unit', { units: [unit(0), unit(1)] }, 'Cluster is not healthy: member charmed-etcd2 has no unit'],
    ['a health record is missing', { units: [unit(0), unit(1, { health: undefined }), unit(2)] }, 'Cluster is not healthy: charmed-etcd1 no health record'],
    ['a health record is unhealthy', { units: [unit(0), unit(1), unit(2, { health: { ok: true, record: record({ healthy: false, problems: ['raft leader unknown'] }) } })] }, 'Cluster is not healthy: charmed-etcd2 raft leader unknown'],
    ['a rolling restart is under way', { units: [unit(0), unit(1, { configHash: 'old' }), unit(2)] }, 'Rolling restart in progress'],
  ] as const)('fail when %s', (_name, extra, message) => {
    expect(findPrecheckProblem(facts(extra as Partial<PrecheckFacts>))).toBe(message);
  });

  it('keep every message within 64 characters', () => {
    const long = unit(2, { memberName: 'a-very-long-application-name-for-etcd2', health: { ok: true, record: record({ healthy: false, problems: ['x'.repeat(80)] }) } });
    const problem = findPrecheckProblem(facts({ units: [unit(0), unit(1), long], members: [member(0), member(1), member(2, { name: long.memberName })] }));
    expect(problem?.length).toBeLessThanOrEqual(64);
  });
});

const status = (id: string, extra: Partial<MemberStatus> = {}): MemberStatus => ({
  endpoint: '', memberId: id, leaderId: 'a0', isLearner: false, version: '3.5.30', raftIndex: 100, raftTerm: 2, raftAppliedIndex: 100,
  dbSize: 1, dbSizeInUse: 1, errors: [], ...extra,
});
const gate = (extra: Partial<GateFacts> = {}): GateFacts => ({
  selfPeerUrl: 'http://10.0.0.12:2380',
  members: [member(0), member(1), member(2)],
  statuses: new Map([['a0', status('a0')], ['a1', status('a1')], ['a2', status('a2')]]),
  leaderId: 'a0',
  clusterVersion: '3.5.0',
  ...extra,
});

describe('the refresh health gate', () => {
  it('opens when the member is back, voting, caught up, every member is up and the cluster version is as expected', () => {
    expect(judgeGateHealth(gate())).toEqual({ healthy: true });
  });

  it('stays shut, naming what is unhealthy', () => {
    expect(judgeGateHealth(gate({ statuses: new Map([['a0', status('a0')], ['a1', status('a1')]]) }))).toMatchObject({ reason: 'etcd not answering on this unit' });
    expect(judgeGateHealth(gate({ statuses: new Map([['a0', status('a0')], ['a1', status('a1')], ['a2', status('a2', { raftAppliedIndex: 1 })]]), leaderId: 'a0' }))).toMatchObject({ healthy: true });
    expect(judgeGateHealth(gate({ statuses: new Map([['a0', status('a0', { raftAppliedIndex: 5000 })], ['a1', status('a1')], ['a2', status('a2')]]) }))).toMatchObject({ reason: 'this member is behind the raft leader', waitable: true });
    expect(judgeGateHealth(gate({ statuses: new Map([['a0', status('a0')], ['a2', status('a2')]]) }))).toMatchObject({ reason: 'charmed-etcd1 down' });
    expect(judgeGateHealth(gate({ members: [member(0), member(1), member(2, { isLearner: true })] }))).toMatchObject({ reason: 'this member is still a learner' });
    expect(judgeGateHealth(gate({ clusterVersion: '3.4.0' }))).toMatchObject({ reason: 'cluster version 3.4, expected 3.5', waitable: true });
    expect(judgeGateHealth(gate({ selfPeerUrl: 'http://10.0.0.99:2380' }))).toMatchObject({ reason: 'this unit is not a cluster member' });
  });

  it('expects the lowest member minor as the cluster version', () => {
    expect(expectedClusterVersion(['3.5.16', '3.4.23', '3.5.30'])).toBe('3.4');
    expect(expectedClusterVersion(['3.5.16', '3.5.30'])).toBe('3.5');
    expect(expectedClusterVersion(['3.5.16', 'garbage'])).toBeUndefined();
  });
});
