import { afterEach, describe, expect, it } from 'vitest';
import { isSignificantChange } from '../../../../src/cluster/health-publish.js';
import type { HealthRecord } from '../../../../src/etcd/health-record.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const healthWrites = (out: { toolCalls: readonly { tool: string; stdin?: string }[] }) =>
  out.toolCalls.filter((c) => c.tool === 'relation-set' && (c.stdin ?? '').includes('health'));

const record: HealthRecord = {
  healthy: true, version: '3.5.16', member_id: '8e9e05c52164694d', snap_revision: '2', is_raft_leader: true,
  is_learner: false, raft_applied_index: 10, alarms: [], problems: [],
};

describe('health records', () => {
  it('only significant fields trigger a write; the raft applied index alone never does', () => {
    expect(isSignificantChange(record, { ...record, raft_applied_index: 99999 })).toBe(false);
    expect(isSignificantChange(record, { ...record, is_raft_leader: false })).toBe(true);
    expect(isSignificantChange(record, { ...record, alarms: ['NOSPACE'] })).toBe(true);
    expect(isSignificantChange(record, { ...record, snap_revision: '3' })).toBe(true);
    expect(isSignificantChange(undefined, record)).toBe(true);
  });

  it('a lagging member\'s growing lag is not a significant change; catching up or a new problem is', () => {
    const lagging = { ...record, healthy: false, problems: ['behind leader by 1001 entries'] };
    expect(isSignificantChange(record, lagging)).toBe(true);
    expect(isSignificantChange(lagging, { ...lagging, problems: ['behind leader by 4711 entries'] })).toBe(false);
    expect(isSignificantChange(lagging, { ...lagging, problems: ['behind leader by 4711 entries', 'no raft leader'] })).toBe(true);
    expect(isSignificantChange(lagging, record)).toBe(true);
  });

  it('update-status on a lagging member writes its record once, not again while only the lag count moves', async () => {
    world = new World();
    await world.deploy(2);
    const member = world.cluster.memberByName('charmed-etcd1')!;
    expect(world.cluster.leaderId).not.toBe(member.id);
    const lagBy = (n: number) => {
      for (const m of world.cluster.members.values()) m.appliedIndex += 5000;
      member.appliedIndex -= n;
    };
    lagBy(1500);
    const first = await world.hook(1, 'update-status');
    expect(healthWrites(first)).toHaveLength(1);
    expect(JSON.parse(world.unit(1).bag['health']!)).toMatchObject({ healthy: false, problems: ['behind leader by 1500 entries'] });
    // Writes keep flowing and the lag count moves: the peers learn nothing new from it.
    lagBy(700);
    const again = await world.hook(1, 'update-status');
    expect(again.toolCalls.filter((c) => c.tool === 'relation-set')).toEqual([]);
    member.appliedIndex = [...world.cluster.members.values()].find((m) => m.id === world.cluster.leaderId)!.appliedIndex;
    const caughtUp = await world.hook(1, 'update-status');
    expect(healthWrites(caughtUp)).toHaveLength(1);
    expect(JSON.parse(world.unit(1).bag['health']!)).toMatchObject({ healthy: true, problems: [] });
  });

  it('update-status writes no peer data when only the applied index moved', async () => {
    world = new World();
    await world.deploy(2);
    for (const m of world.cluster.members.values()) m.appliedIndex += 500;
    const quiet = await world.hook(1, 'update-status');
    expect(healthWrites(quiet)).toEqual([]);
    expect(quiet.toolCalls.filter((c) => c.tool === 'relation-set')).toEqual([]);

    world.cluster.leaderId = world.cluster.memberByName('charmed-etcd1')!.id;
    const loud = await world.hook(1, 'update-status');
    expect(healthWrites(loud)).toHaveLength(1);
    expect(JSON.parse(world.unit(1).bag['health']!)).toMatchObject({ is_raft_leader: true, raft_applied_index: 10_500 });
  });

  it('the leader summarises unhealthy members in the application status', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(1).snap.kill();
    world.unit(1).snap.failStart = true;
    await world.hook(1, 'update-status');
    expect(world.unit(1).unitStatus).toEqual({ name: 'maintenance', message: 'unhealthy after restarting' });
    await world.hook(0, 'update-status');
    expect(world.appStatus).toEqual({ name: 'waiting', message: '2/3 members healthy: charmed-etcd1 unreachable' });
  });

  it('a malformed health record from a peer gives a blocked status naming the unit and a log line, not a crash', async () => {
    world = new World();
    await world.deploy(2);
    world.unit(1).bag['health'] = '{"healthy": "very"}';
    const out = await world.changed(0, 1);
    expect(out.exitCode).toBe(0);
    expect(out.state.appStatus).toEqual({ name: 'blocked', message: 'malformed health record from charmed-etcd/1' });
    expect(out.logs.some((l) => /charmed-etcd\/1 published a malformed health record: malformed health record: healthy/.test(l.message))).toBe(true);
    world.unit(1).bag['health'] = 'not json';
    const again = await world.changed(0, 1);
    expect(again.exitCode).toBe(0);
    expect(again.state.appStatus.message).toBe('malformed health record from charmed-etcd/1');
  });

  it('update-status restarts a dead etcd and its health record recovers', async () => {
    world = new World();
    await world.deploy(2);
    world.unit(1).snap.kill();
    const out = await world.hook(1, 'update-status');
    expect(world.unit(1).snap.calls.at(-1)).toBe('start --enable charmed-etcd.etcd');
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(true);
    expect(out.state.unitStatus).toEqual({ name: 'active', message: '' });
    expect(JSON.parse(world.unit(1).bag['health']!)).toMatchObject({ healthy: true });
  });

  it('does not restart a dead etcd while a refresh is in progress, and says the service is not running', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(1).refresh = async () => ({ inProgress: true });
    world.unit(1).snap.kill();
    const before = world.unit(1).snap.calls.length;
    const out = await world.hook(1, 'update-status');
    expect(world.unit(1).snap.calls.slice(before)).toEqual([]);
    expect(out.state.unitStatus).toEqual({ name: 'blocked', message: 'etcd service not running' });
  });

  it('detects the loss of the majority', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(1).snap.kill();
    world.unit(2).snap.kill();
    world.unit(1).snap.failStart = true;
    world.unit(2).snap.failStart = true;
    const out = await world.hook(0, 'update-status');
    expect(out.state.unitStatus).toEqual({ name: 'blocked', message: 'Cluster failure - majority of cluster members lost' });
    expect(out.state.appStatus).toEqual({ name: 'blocked', message: 'Cluster failure - majority of cluster members lost' });
  });

  it('the health action returns every member\'s record and a live probe', async () => {
    world = new World();
    await world.deploy(3);
    world.unit(2).snap.kill();
    const out = await world.run(1, (ctx) => ctx.on.action('health'));
    expect(out.actionResult?.status).toBe('completed');
    const results = out.actionResult!.results as Record<string, string>;
    expect(results['healthy']).toBe('false');
    expect(results['summary']).toBe('2/3 members healthy: charmed-etcd2 unreachable');
    const members = JSON.parse(results['members']!) as Record<string, { unit: string; live: { reachable: boolean } }>;
    expect(Object.keys(members).sort()).toEqual(['charmed-etcd0', 'charmed-etcd1', 'charmed-etcd2']);
    expect(members['charmed-etcd2']?.live.reachable).toBe(false);
    expect(members['charmed-etcd0']?.live.reachable).toBe(true);
    expect(JSON.stringify(out.actionResult)).not.toContain('generated-password-1');
    expect(results['live-error']).toBeUndefined();
  });

  it('the health action says why nothing could be probed live when every member is down', async () => {
    world = new World();
    await world.deploy(3);
    for (const n of [0, 1, 2]) world.unit(n).snap.kill();
    const out = await world.run(0, (ctx) => ctx.on.action('health'));
    expect(out.actionResult?.status).toBe('completed');
    const results = out.actionResult!.results as Record<string, string>;
    expect(results['healthy']).toBe('false');
    expect(results['live-error']).toMatch(/10\.0\.0\.1[0-2]/);
    const members = JSON.parse(results['members']!) as Record<string, { live: unknown }>;
    expect(Object.values(members).map((m) => m.live)).toEqual([null, null, null]);
  });
});
