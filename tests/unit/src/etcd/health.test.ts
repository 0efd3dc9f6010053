import { describe, expect, it } from 'vitest';
import type { MemberStatus } from '../../../../src/etcd/client-types.js';
import { evaluateHealth, type RawMemberHealth } from '../../../../src/etcd/health.js';
import { parseHealthRecord, serializeHealthRecord } from '../../../../src/etcd/health-record.js';
import type { Member } from '../../../../src/etcd/membership.js';

const ME = '8e9e05c52164694d';
const LEADER = '91bc3c398fb3c146';

const member = (id: string, isLearner = false): Member => ({
  id,
  name: `etcd-${id.slice(0, 2)}`,
  peerUrls: [`http://10.0.0.${id.length}:2380`],
  clientUrls: [`http://10.0.0.${id.length}:2379`],
  isLearner,
});

const status = (over: Partial<MemberStatus> = {}): MemberStatus => ({
  endpoint: 'http://10.0.0.1:2379',
  memberId: ME,
  leaderId: LEADER,
  isLearner: false,
  version: '3.5.16',
  raftIndex: 1050,
  raftTerm: 3,
  raftAppliedIndex: 1043,
  dbSize: 20480,
  dbSizeInUse: 16384,
  errors: [],
  ...over,
});

const healthy: RawMemberHealth = {
  endpoint: 'http://10.0.0.1:2379',
  status: status(),
  members: [member(ME), member(LEADER)],
  leaderAppliedIndex: 1050,
  alarms: [],
  endpointHealth: { health: true, reason: '' },
};

const evaluate = (raw: RawMemberHealth) => evaluateHealth(raw, { snapRevision: '12' });

describe('evaluateHealth', () => {
  it('gives the DESIGN record for a healthy follower', () => {
    expect(evaluate(healthy)).toEqual({
      healthy: true,
      version: '3.5.16',
      member_id: ME,
      snap_revision: '12',
      is_raft_leader: false,
      is_learner: false,
      raft_applied_index: 1043,
      alarms: [],
      problems: [],
    });
  });

  it('marks the raft leader', () => {
    const record = evaluate({ ...healthy, status: status({ leaderId: ME }), leaderAppliedIndex: undefined });
    expect(record).toMatchObject({ healthy: true, is_raft_leader: true });
  });

  it.each<[string, RawMemberHealth, string[]]>([
    ['unreachable', { endpoint: 'e', unreachable: true, statusError: 'ECONNREFUSED' }, ['unreachable']],
    ['refused status', { endpoint: 'e', unreachable: false, statusError: 'permission denied' }, ['status failed: permission denied']],
    ['not in member list', { ...healthy, members: [member(LEADER)] }, ['not in member list']],
    ['member list unavailable', { ...healthy, members: undefined }, ['member list unavailable']],
    ['learner', { ...healthy, status: status({ isLearner: true }), endpointHealth: { health: false, reason: '' } }, ['learner']],
    ['learner per member list', { ...healthy, members: [member(ME, true), member(LEADER)] }, ['learner']],
    ['no raft leader', { ...healthy, status: status({ leaderId: undefined }), leaderAppliedIndex: undefined }, ['no raft leader']],
    [
      'alarm on this member',
      { ...healthy, alarms: [{ memberId: ME, alarm: 'NOSPACE' }, { memberId: LEADER, alarm: 'CORRUPT' }], status: status({ errors: ['memberID:8e9e05c52164694d alarm:NOSPACE '] }) },
      ['alarm: NOSPACE'],
    ],
    ['behind the leader', { ...healthy, leaderAppliedIndex: 1043 + 1001 }, ['behind leader by 1001 entries']],
    ['health endpoint false', { ...healthy, endpointHealth: { health: false, reason: 'RANGE ERROR:context deadline exceeded' } }, ['health check failed: RANGE ERROR:context deadline exceeded']],
    ['health endpoint false without reason (3.4)', { ...healthy, endpointHealth: { health: false, reason: '' } }, ['health check failed']],
    ['member-reported error', { ...healthy, status: status({ errors: ['slow disk'] }) }, ['error: slow disk']],
  ])('reports %s', (_what, raw, problems) => {
    const record = evaluate(raw);
    expect(record.problems).toEqual(problems);
    expect(record.healthy).toBe(false);
  });

  it('tolerates a lag up to the threshold', () => {
    expect(evaluate({ ...healthy, leaderAppliedIndex: 1043 + 1000 }).healthy).toBe(true);
  });

  it('lists alarms raised on this member only, and an unreachable member has none', () => {
    expect(evaluate({ ...healthy, alarms: [{ memberId: ME, alarm: 'NOSPACE' }] }).alarms).toEqual(['NOSPACE']);
    expect(evaluate({ endpoint: 'e', unreachable: true })).toMatchObject({ alarms: [], member_id: '', version: '', raft_applied_index: 0 });
  });

  it('combines problems in a stable order', () => {
    const record = evaluate({ ...healthy, status: status({ isLearner: true, leaderId: undefined }), members: [member(LEADER)], alarms: [{ memberId: ME, alarm: 'NOSPACE' }] });
    expect(record.problems).toEqual(['not in member list', 'learner', 'no raft leader', 'alarm: NOSPACE']);
  });
});

describe('parseHealthRecord', () => {
  const good = evaluate(healthy);

  it('round-trips a record through the databag string', () => {
    expect(parseHealthRecord(serializeHealthRecord(good))).toEqual({ ok: true, record: good });
  });

  it('reads the example from DESIGN.md', () => {
    const text =
      '{"healthy":true,"version":"3.5.16","member_id":"8e9e05c52164694d","snap_revision":"12","is_raft_leader":false,"is_learner":false,"raft_applied_index":1043,"alarms":[],"problems":[]}';
    expect(parseHealthRecord(text)).toEqual({ ok: true, record: good });
  });

  it.each([
    [undefined, 'no health record published'],
    ['', 'no health record published'],
    ['{not json', 'health record is not JSON: "{not json"'],
    ['[]', 'malformed health record: (record): Invalid input: expected object, received array'],
  ])('refuses %j with a clear error', (text, error) => {
    expect(parseHealthRecord(text)).toEqual({ ok: false, error });
  });

  it('names the fields that are wrong', () => {
    const result = parseHealthRecord(JSON.stringify({ ...good, healthy: 'yes', member_id: 'XYZ' }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toMatch(/^malformed health record: /);
      expect(result.error).toContain('healthy:');
      expect(result.error).toContain('member_id: member_id must be a hex member id');
    }
  });
});
