import { describe, expect, it } from 'vitest';
import type { Relation } from '../../../../../lib/juju/index.js';
import { parseCharmConfig } from '../../../../../src/charm/charm-config.js';
import { parseAppState, parseUnitState } from '../../../../../src/charm/peers.js';
import type { PeeredSnapshot, Snapshot } from '../../../../../src/cluster/reconcile/observe.js';
import type { HealthFacts, RunningFacts } from '../../../../../src/cluster/reconcile/plan.js';
import { HEALTH_STATUS, judgeHealth, needsMajorityCheck, needsServiceCheck, planGate, planMember, planRunning } from '../../../../../src/cluster/reconcile/plan.js';

const validConfig = parseCharmConfig({});
const badConfig = parseCharmConfig({ 'heartbeat-interval': 1, 'auto-compaction-mode': 'x' });
const started = { state: 'started', private_ip: '10.0.0.10' };
const badSecret = { ok: false as const, status: { name: 'blocked' as const, message: 'bad system-users secret' }, reason: 'x' };

/** A peered snapshot: the leader's started member of an existing cluster, in a quiet update-status. */
function peered(options: { own?: Record<string, string>; app?: Record<string, string>; over?: Partial<PeeredSnapshot> } = {}): PeeredSnapshot {
  return {
    isUpdateStatus: true,
    refreshInProgress: false,
    isLeader: true,
    config: validConfig,
    snap: { ok: true, revision: '2' },
    snapRevision: '2',
    relation: {} as Relation,
    own: parseUnitState('charmed-etcd/0', 'charmed-etcd', options.own ?? started),
    self: { name: 'charmed-etcd0', ip: '10.0.0.10', peerUrl: 'http://10.0.0.10:2380', clientUrl: 'http://10.0.0.10:2379', peerTls: false, clientTls: false },
    address: '10.0.0.10',
    restore: { holds: false },
    app: parseAppState(options.app ?? { cluster_state: 'existing' }),
    peers: [],
    desired: { ok: true, password: undefined },
    password: 'root-pw',
    ...options.over,
  };
}

describe('planGate', () => {
  const base = { isUpdateStatus: false, refreshInProgress: false, isLeader: true, config: badConfig };
  it.each<[string, Snapshot, object]>([
    ['no snap: its status alone, no port', { kind: 'no-snap', base: { ...base, snap: { ok: false, status: { name: 'waiting', message: 'install' } } } }, { kind: 'stop', openPort: false, statuses: [{ name: 'waiting', message: 'install' }] }],
    ['no peer relation: the port, the config and the relation', { kind: 'no-relation', base: { ...base, snap: { ok: true, revision: '2' } } }, { kind: 'stop', openPort: true, statuses: [{ name: 'blocked', message: expect.any(String) }, { name: 'maintenance', message: 'no peer relation available' }] }],
    ['quiet update-status of a started member: no port call', { kind: 'peered', peered: peered() }, { kind: 'go', openPort: false, runRestore: false }],
    ['other hooks open the port', { kind: 'peered', peered: peered({ over: { isUpdateStatus: false } }) }, { kind: 'go', openPort: true, runRestore: false }],
    ['update-status of a member not started yet opens it', { kind: 'peered', peered: peered({ own: {} }) }, { kind: 'go', openPort: true }],
    ['a restore under way runs its step', { kind: 'peered', peered: peered({ over: { restore: undefined } }) }, { kind: 'go', runRestore: true }],
  ])('%s', (_name, snapshot, expected) => {
    expect(planGate(snapshot)).toMatchObject(expected);
  });
});

describe('planMember', () => {
  const cases: [string, PeeredSnapshot, object][] = [
    ['quiet leader: self-heal and upkeep, nothing to start', peered(), { repairClusterState: false, rebuild: 'none', memberSteps: true, firstStart: 'none', upkeep: { selfHeal: true } }],
    ['upkeep without self-heal outside update-status', peered({ over: { isUpdateStatus: false } }), { upkeep: { selfHeal: false } }],
    ['no self-heal during a refresh', peered({ over: { refreshInProgress: true } }), { upkeep: { selfHeal: false } }],
    ['the first leader bootstraps', peered({ own: {}, app: {} }), { firstStart: 'bootstrap', upkeep: undefined }],
    ['not with a bad system-users secret (said)', peered({ own: {}, app: {}, over: { desired: badSecret } }), { firstStart: 'none', statuses: [undefined, undefined, badSecret.status] }],
    ['off the leader, a new cluster waits for it', peered({ own: {}, app: {}, over: { isLeader: false } }), { firstStart: 'await-init' }],
    ['a unit of an existing cluster joins', peered({ own: {}, over: { isLeader: false } }), { firstStart: 'join', upkeep: undefined }],
    ['an invalid config: no member step, no start, the config said', peered({ own: {}, over: { config: badConfig } }), { memberSteps: false, firstStart: 'none', statuses: [{ name: 'blocked', message: expect.any(String) }, undefined] }],
    ['the leader of a running member restores a missing cluster_state', peered({ app: {} }), { repairClusterState: true, app: { clusterState: 'existing' }, firstStart: 'none', upkeep: { selfHeal: true } }],
    ['and a malformed one', peered({ app: { cluster_state: 'bogus' } }), { repairClusterState: true, app: { clusterState: 'existing', malformed: [] } }],
    ['off the leader a malformed one blocks and nothing starts', peered({ own: {}, app: { cluster_state: 'bogus' }, over: { isLeader: false } }), { repairClusterState: false, firstStart: 'none', statuses: [undefined, undefined, { name: 'blocked', message: 'malformed peer data from application: cluster_state' }] }],
    ['a rebuild under way: its step', peered({ app: { cluster_state: 'existing', rebuild_cluster: 'r1', rebuild_phase: 'stopping' } }), { rebuild: 'step' }],
    ['a rebuild with an invalid config: blocked', peered({ app: { cluster_state: 'existing', rebuild_cluster: 'r1', rebuild_phase: 'stopping' }, over: { config: badConfig } }), { rebuild: 'blocked' }],
    ['after a rebuild this unit forgets it stopped', peered({ own: { ...started, rebuild_stopped: 'r1' } }), { rebuild: 'clear-stopped' }],
  ];
  it.each(cases)('%s', (_name, snapshot, expected) => {
    expect(planMember(snapshot)).toMatchObject(expected);
  });

  it('keeps the restore gate word after the config', () => {
    const said = { name: 'blocked' as const, message: 'restore verification failed' };
    expect(planMember(peered({ over: { restore: { holds: false, unit: said } } })).statuses).toEqual([undefined, said]);
  });
});

describe('planRunning', () => {
  const facts = (over: Partial<RunningFacts> = {}): RunningFacts => ({
    isLeader: true,
    isUpdateStatus: true,
    refreshInProgress: false,
    app: parseAppState({ cluster_state: 'existing' }),
    started: true,
    membersKnown: true,
    desired: { ok: true, password: undefined },
    password: 'root-pw',
    clientRelations: 0,
    casRelations: 0,
    ...over,
  });
  it.each<[string, RunningFacts, object]>([
    ['quiet leader: membership (orphans too), downgrade check, no clients', facts(), { leader: { membership: true, removeOrphans: true, cancelDowngrade: true, password: 'none' }, clients: 'none', clientCas: false, appStatus: true }],
    ['orphans only in update-status', facts({ isUpdateStatus: false }), { leader: { removeOrphans: false } }],
    ['no leader steps without the member list', facts({ membersKnown: false }), { leader: undefined, appStatus: true }],
    ['off the leader: nothing', facts({ isLeader: false, clientRelations: 2, casRelations: 1 }), { leader: undefined, clients: 'none', clientCas: false, appStatus: false }],
    ['a new cluster not recorded yet: nothing', facts({ app: parseAppState({}) }), { leader: undefined, clients: 'none', appStatus: false }],
    ['a wanted password rotates', facts({ desired: { ok: true, password: 'new' } }), { leader: { password: 'rotate', desiredPassword: 'new' } }],
    ['and waits for a refresh', facts({ desired: { ok: true, password: 'new' }, refreshInProgress: true }), { leader: { password: 'defer', cancelDowngrade: false } }],
    ['unless it is already the one', facts({ desired: { ok: true, password: 'root-pw' }, refreshInProgress: true }), { leader: { password: 'none' } }],
    ['clients served', facts({ clientRelations: 1 }), { clients: 'serve' }],
    ['or their users kept after the relations left', facts({ app: parseAppState({ cluster_state: 'existing', managed_users: '{"k":"cn"}' }) }), { clients: 'serve' }],
    ['clients wait for a rebuild', facts({ clientRelations: 1, app: parseAppState({ cluster_state: 'existing', rebuild_cluster: 'r1', rebuild_phase: 'restarted' }) }), { clients: 'wait-rebuild' }],
    ['clients need the member started', facts({ clientRelations: 1, started: false }), { clients: 'none' }],
    ['and the root password', facts({ clientRelations: 1, password: undefined }), { clients: 'none' }],
    ['client CAs', facts({ casRelations: 1 }), { clientCas: true }],
  ])('%s', (_name, input, expected) => {
    expect(planRunning(input)).toMatchObject(expected);
  });
});

describe('health verdict', () => {
  const h = (over: Partial<HealthFacts> = {}): HealthFacts => ({
    healthy: false, authFailed: false, statusAnswered: true, noLeader: false, isLearner: false, clusterMembers: 3, restartedUnhealthy: false, ...over,
  });
  it.each<[string, HealthFacts, boolean, boolean, string]>([
    ['healthy', h({ healthy: true }), false, false, 'healthy'],
    ['the password changed under it', h({ authFailed: true, noLeader: true }), false, false, 'auth-failed'],
    ['no leader anywhere in a cluster of three', h({ noLeader: true }), true, false, 'majority-lost'],
    ['no leader here but somewhere', h({ noLeader: true }), true, false, 'unhealthy'],
    ['a one-member cluster is never asked', h({ noLeader: true, clusterMembers: 1 }), false, false, 'unhealthy'],
    ['restarted this hook and did not come back', h({ restartedUnhealthy: true, statusAnswered: false }), false, false, 'said'],
    ['silent and its service stopped', h({ statusAnswered: false, noLeader: true, clusterMembers: 1 }), false, true, 'not-running'],
    ['a learner waits', h({ isLearner: true }), false, false, 'learner'],
  ])('%s', (_name, facts, asksMajority, asksService, verdict) => {
    expect(needsMajorityCheck(facts)).toBe(asksMajority);
    const majorityLost = asksMajority && verdict === 'majority-lost';
    expect(needsServiceCheck(facts, majorityLost)).toBe(asksService);
    const serviceActive = !(asksService && verdict === 'not-running');
    expect(judgeHealth(facts, { majorityLost, serviceActive })).toBe(verdict);
  });

  it('says nothing when healthy or already said, blocks on a lost majority', () => {
    expect(HEALTH_STATUS.healthy).toBeUndefined();
    expect(HEALTH_STATUS.said).toBeUndefined();
    expect(HEALTH_STATUS['majority-lost']?.name).toBe('blocked');
  });
});
