import { describe, expect, it } from 'vitest';
import { parseCharmConfig, tuningHash } from '../../../../src/charm/charm-config.js';
import type { Member } from '../../../../src/etcd/membership.js';
import { clusterMembersFrom, planMembership } from '../../../../src/cluster/membership-plan.js';
import type { CandidateUnit } from '../../../../src/cluster/membership-plan.js';
import { parseClusterMembers, parseUnitState } from '../../../../src/charm/peers.js';
import { pinnedSnap } from '../../../../src/etcd/pinned-snap.js';
import { restartTurn } from '../../../../src/cluster/rolling-restart.js';
import { clusterAppStatus } from '../../../../src/charm/status.js';

const member = (id: string, n: number, options: Partial<Member> = {}): Member => ({
  id, name: `charmed-etcd${n}`, peerUrls: [`http://10.0.0.${10 + n}:2380`], clientUrls: [`http://10.0.0.${10 + n}:2379`], isLearner: false, ...options,
});
const unit = (n: number, started = false): CandidateUnit => ({
  unit: `charmed-etcd/${n}`, unitNumber: n, memberName: `charmed-etcd${n}`, peerUrl: `http://10.0.0.${10 + n}:2380`, started,
});
const self = { name: 'charmed-etcd0', peerUrl: 'http://10.0.0.10:2380' };

describe('planMembership', () => {
  it('adds the lowest-numbered unit without a member, as a learner', () => {
    const step = planMembership({ self, units: [unit(2), unit(1)], members: [member('a', 0)], healthy: new Set(['a']), learnerProgress: undefined, removeOrphans: false });
    expect(step).toEqual({ kind: 'add-learner', unit: 'charmed-etcd/1', memberName: 'charmed-etcd1', peerUrl: 'http://10.0.0.11:2380' });
  });

  it('adds nothing while a learner waits, and promotes it only when started and caught up', () => {
    const members = [member('a', 0), member('b', 1, { isLearner: true })];
    const base = { self, members, healthy: new Set(['a', 'b']), removeOrphans: false };
    expect(planMembership({ ...base, units: [unit(1, false), unit(2)], learnerProgress: { learnerAppliedIndex: 10, leaderAppliedIndex: 10 } }).kind).toBe('wait-promote');
    expect(planMembership({ ...base, units: [unit(1, true), unit(2)], learnerProgress: { learnerAppliedIndex: 10, leaderAppliedIndex: 5000 } })).toMatchObject({ kind: 'wait-promote', reason: 'not caught up with the leader' });
    expect(planMembership({ ...base, units: [unit(1, true), unit(2)], learnerProgress: { learnerAppliedIndex: 4990, leaderAppliedIndex: 5000 } })).toEqual({ kind: 'promote', id: 'b', memberName: 'charmed-etcd1' });
  });

  it('does not add a member when too few are healthy', () => {
    const members = [member('a', 0), member('b', 1), member('c', 2)];
    const step = planMembership({ self, units: [unit(1, true), unit(2, true), unit(3)], members, healthy: new Set(['a']), learnerProgress: undefined, removeOrphans: false });
    expect(step.kind).toBe('wait-add');
  });

  it('removes orphans only when asked, and only safely', () => {
    const members = [member('a', 0), member('b', 1), member('c', 2)];
    const input = { self, units: [unit(1, true)], members, learnerProgress: undefined };
    expect(planMembership({ ...input, healthy: new Set(['a', 'b', 'c']), removeOrphans: false })).toEqual({ kind: 'none' });
    expect(planMembership({ ...input, healthy: new Set(['a', 'b']), removeOrphans: true })).toEqual({ kind: 'remove-orphan', id: 'c', name: 'charmed-etcd2' });
    expect(planMembership({ ...input, healthy: new Set(['a']), removeOrphans: true })).toEqual({ kind: 'none' });
  });

  it('cluster_members follows the live list, naming a not-yet-started learner after its unit', () => {
    const members = [member('a', 0), member('b', 1, { name: '', isLearner: true, clientUrls: [] })];
    expect(clusterMembersFrom(members, self, [unit(1)])).toEqual([self, { name: 'charmed-etcd1', peerUrl: 'http://10.0.0.11:2380' }]);
  });
});

describe('restartTurn', () => {
  const peer = (n: number, hash: string | undefined, healthy = true) => ({ unitNumber: n, memberName: `charmed-etcd${n}`, started: true, configHash: hash, healthy });
  it('lets exactly the lowest unit behind go', () => {
    const peers = [peer(0, 'old'), peer(1, 'old'), peer(2, 'old')];
    expect(restartTurn({ unitNumber: 0, desiredHash: 'new', appliedHash: 'old', peers })).toEqual({ kind: 'go' });
    expect(restartTurn({ unitNumber: 1, desiredHash: 'new', appliedHash: 'old', peers })).toEqual({ kind: 'wait', waitingFor: 'charmed-etcd0' });
    expect(restartTurn({ unitNumber: 2, desiredHash: 'new', appliedHash: 'old', peers: [peer(0, 'new'), peer(1, 'new', false)] })).toEqual({ kind: 'wait', waitingFor: 'charmed-etcd1' });
    expect(restartTurn({ unitNumber: 2, desiredHash: 'new', appliedHash: 'new', peers })).toEqual({ kind: 'not-needed' });
  });
});

describe('statuses', () => {
  it('app status lists unhealthy members in name order', () => {
    const rec = (healthy: boolean, problems: string[] = []) => ({ ok: true as const, record: { healthy, version: '3.5.16', member_id: 'a', snap_revision: '2', is_raft_leader: false, is_learner: false, raft_applied_index: 1, alarms: [], problems } });
    const status = clusterAppStatus({
      majorityLost: false,
      records: [
        { unit: 'charmed-etcd/10', memberName: 'charmed-etcd10', health: rec(false, ['alarm: NOSPACE']) },
        { unit: 'charmed-etcd/2', memberName: 'charmed-etcd2', health: rec(false, ['unreachable']) },
        { unit: 'charmed-etcd/0', memberName: 'charmed-etcd0', health: rec(true) },
      ],
    });
    expect(status).toEqual({ name: 'waiting', message: '1/3 members healthy: charmed-etcd2 unreachable, charmed-etcd10 alarm: NOSPACE' });
  });
});

describe('edges', () => {
  it('refresh_versions.toml: the revision for the architecture, or a clear error', () => {
    const toml = '[snap]\nname = "charmed-etcd"\n[snap.revisions]\nx86_64 = "38"\n';
    expect(pinnedSnap(toml, 'x86_64')).toEqual({ ok: true, snap: { name: 'charmed-etcd', revision: '38' } });
    expect(pinnedSnap(toml, 'riscv64')).toEqual({ ok: false, error: 'No etcd snap revision for architecture riscv64' });
    expect(pinnedSnap('not toml [', 'x86_64').ok).toBe(false);
  });

  it('config: several bad options are all named; the tuning hash ignores system-users', () => {
    const bad = parseCharmConfig({ 'heartbeat-interval': 1, 'auto-compaction-mode': 'x' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/heartbeat-interval must be between.*; auto-compaction-mode must be/);
    const a = parseCharmConfig({});
    const b = parseCharmConfig({ 'system-users': 'secret:abc' });
    expect(a.ok && b.ok && tuningHash(a.config.tuning) === tuningHash(b.config.tuning)).toBe(true);
  });

  it('databags: malformed values read as absent, never throw', () => {
    expect(parseClusterMembers('a=http://1:2380,garbage,b=http://2:2380')).toEqual([
      { name: 'a', peerUrl: 'http://1:2380' },
      { name: 'b', peerUrl: 'http://2:2380' },
    ]);
    const state = parseUnitState('charmed-etcd/3', 'charmed-etcd', { private_ip: 'not-an-ip', health: '{', state: 'started' });
    expect(state).toMatchObject({ memberName: 'charmed-etcd3', ip: undefined, started: true, health: { ok: false } });
  });
});
