/** A unit's machine changes its private address: its member follows, one unit at a time (src/cluster/address-change.ts). */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ADDRESS_STATUS, memberMovingAway, planAddress, type AddressInput } from '../../../../src/cluster/address-change.js';
import { parseUnitState } from '../../../../src/charm/peers.js';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { parseCsr } from '../../../../src/tls/x509.js';
import { provideDatabag, readRequestedCsrs, type ProvidedCertificate } from '../../../../src/tls/tls-certificates-v4.js';
import { createTestCa, type TestCa } from '../../../support/test-ca.js';
import { BUILDS, World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const NEW = '10.0.1.21';
const member = (name: string) => world.cluster.memberByName(name);
const membershipChanges = (from: number) => world.cluster.calls.slice(from).filter((c) => c.op === 'memberAdd' || c.op === 'memberRemove');
const renderedConfig = (n: number) => readFileSync(unitPaths(world.unit(n).root).configFile, 'utf8');

/** Everything settles, the leader's orphan sweep (update-status) included. */
async function settleWithSweep(): Promise<void> {
  await world.settle();
  for (const n of world.units.keys()) await world.hook(n, 'update-status');
  await world.settle();
}

describe('IP address change without TLS', () => {
  it('announces the new peer URL, restarts etcd there, then publishes it; the leader neither re-adds nor removes the member', async () => {
    world = new World();
    await world.deploy(3);
    const mark = world.cluster.calls.length;
    world.setAddress(1, NEW);
    const out = await world.hook(1, 'config-changed');
    expect(out.exitCode).toBe(0);
    expect(out.unitStatusHistory).toContainEqual({ name: 'maintenance', message: ADDRESS_STATUS.moving });
    expect(member('charmed-etcd1')).toMatchObject({ peerUrl: `http://${NEW}:2380`, clientUrl: `http://${NEW}:2379`, running: true });
    expect(world.cluster.calls.slice(mark).filter((c) => c.op === 'memberUpdate')).toEqual([{ op: 'memberUpdate', args: [member('charmed-etcd1')!.id, [`http://${NEW}:2380`]] }]);
    expect(renderedConfig(1)).toContain(`advertise-client-urls: http://${NEW}:2379`);
    expect(world.unit(1).bag['private_ip']).toBe(NEW);
    expect(world.unit(1).unitStatus).toEqual({ name: 'active', message: '' });

    await settleWithSweep();
    expect(membershipChanges(mark)).toEqual([]);
    expect(world.appBag['cluster_members']).toBe(`charmed-etcd0=http://10.0.0.10:2380,charmed-etcd1=http://${NEW}:2380,charmed-etcd2=http://10.0.0.12:2380`);
    expect(world.cluster.list()).toHaveLength(3);
    for (const n of [0, 1, 2]) expect(world.unit(n).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('moves the raft leader\'s member too, leadership handed over first', async () => {
    world = new World();
    await world.deploy(3);
    world.cluster.leaderId = member('charmed-etcd2')!.id;
    const mark = world.cluster.calls.length;
    world.setAddress(2, '10.0.1.22');
    expect((await world.hook(2, 'config-changed')).exitCode).toBe(0);
    const ops = world.cluster.calls.slice(mark).map((c) => c.op).filter((op) => op === 'moveLeader' || op === 'memberUpdate');
    expect(ops).toEqual(['moveLeader', 'memberUpdate']);
    expect(world.cluster.leaderId).not.toBe(member('charmed-etcd2')!.id);
    expect(member('charmed-etcd2')?.peerUrl).toBe('http://10.0.1.22:2380');
  });

  it('a lone member moves as well', async () => {
    world = new World();
    await world.deploy(1);
    world.setAddress(0, '10.0.1.20');
    expect((await world.hook(0, 'config-changed')).exitCode).toBe(0);
    expect(member('charmed-etcd0')).toMatchObject({ peerUrl: 'http://10.0.1.20:2380', running: true });
    await world.hook(0, 'update-status');
    expect(world.appBag['cluster_members']).toBe('charmed-etcd0=http://10.0.1.20:2380');
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
  });
});

describe('a hook killed half-way through a move', () => {
  it('after member update: the others wait for it, the leader keeps the member, the retry finishes without a second update', async () => {
    world = new World();
    await world.deploy(3);
    const client = world.cluster.client.bind(world.cluster);
    let killAfterUpdate = true;
    world.cluster.client = (connect) => {
      const api = client(connect);
      return {
        ...api,
        memberUpdate: async (id, urls) => {
          const result = await api.memberUpdate(id, urls);
          if (killAfterUpdate) throw new Error('SIGKILL (the machine agent went away)');
          return result;
        },
      };
    };
    const mark = world.cluster.calls.length;
    world.setAddress(1, NEW);
    world.setAddress(2, '10.0.1.22');
    expect((await world.hook(1, 'config-changed')).exitCode).not.toBe(0);
    killAfterUpdate = false;
    // Nothing the killed hook wrote is committed; etcd lists the new peer URL.
    expect(world.unit(1).bag['private_ip']).toBe('10.0.0.11');
    expect(member('charmed-etcd1')?.peerUrl).toBe(`http://${NEW}:2380`);

    const second = await world.hook(2, 'config-changed');
    expect(second.exitCode).toBe(0);
    expect(world.unit(2).unitStatus).toEqual({ name: 'waiting', message: ADDRESS_STATUS.waitingTurn('charmed-etcd1') });
    expect(member('charmed-etcd2')?.peerUrl).toBe('http://10.0.0.12:2380');

    await world.hook(0, 'update-status');
    await world.changed(0, 1);
    expect(membershipChanges(mark)).toEqual([]);

    expect((await world.hook(1, 'config-changed')).exitCode).toBe(0);
    expect(world.unit(1).bag['private_ip']).toBe(NEW);
    expect(world.cluster.calls.slice(mark).filter((c) => c.op === 'memberUpdate')).toHaveLength(1);

    // Unit 2's turn now.
    await world.hook(2, 'config-changed');
    expect(member('charmed-etcd2')?.peerUrl).toBe('http://10.0.1.22:2380');
    await settleWithSweep();
    expect(membershipChanges(mark)).toEqual([]);
    for (const n of [0, 1, 2]) expect(world.unit(n).unitStatus).toEqual({ name: 'active', message: '' });
  });

  it('after the restart: the retry finds etcd answering at the new address and only publishes it', async () => {
    world = new World();
    await world.deploy(3);
    const client = world.cluster.client.bind(world.cluster);
    let kill = true;
    world.cluster.client = (connect) => {
      const api = client(connect);
      return {
        ...api,
        status: async (endpoint) => {
          const status = await api.status(endpoint);
          // The first answer from the new address comes after the restart: the hook dies there.
          if (kill && endpoint === `http://${NEW}:2379`) {
            kill = false;
            throw new Error('SIGKILL (the machine agent went away)');
          }
          return status;
        },
      };
    };
    world.setAddress(1, NEW);
    expect((await world.hook(1, 'config-changed')).exitCode).not.toBe(0);
    const starts = world.cluster.starts.filter((n) => n === 'charmed-etcd1').length;
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(true);
    expect((await world.hook(1, 'config-changed')).exitCode).toBe(0);
    expect(world.cluster.starts.filter((n) => n === 'charmed-etcd1').length).toBe(starts);
    expect(world.unit(1).bag['private_ip']).toBe(NEW);
  });
});

describe('the move waits', () => {
  it('while a refresh is in progress, and goes once it completed', async () => {
    world = new World();
    world.config = { 'pause-after-unit-refresh': 'all' };
    await world.deploy(3);
    await world.refreshCharm(BUILDS.etcd3530, [2, 1, 0]);
    await world.settle();
    const mark = world.cluster.calls.length;
    world.setAddress(0, '10.0.1.20');
    const out = await world.hook(0, 'config-changed');
    expect(out.exitCode).toBe(0);
    expect(out.logs.some((l) => l.message.includes('stays at 10.0.0.10 for now (machine address 10.0.1.20): a refresh is in progress'))).toBe(true);
    expect(world.cluster.calls.slice(mark).filter((c) => c.op === 'memberUpdate')).toEqual([]);
    expect(world.unit(0).bag['private_ip']).toBe('10.0.0.10');

    world.config = { 'pause-after-unit-refresh': 'none' };
    for (const n of [2, 1, 0]) await world.hook(n, 'config-changed');
    await world.settle();
    expect(member('charmed-etcd0')?.peerUrl).toBe('http://10.0.1.20:2380');
    expect(world.unit(0).bag['private_ip']).toBe('10.0.1.20');
  });

  it('says so with its own text during a refresh (pure decision)', () => {
    expect(planAddress({ ...BASE, refreshInProgress: true })).toEqual({
      kind: 'wait',
      status: { name: 'waiting', message: 'IP address change waits for the refresh to finish' },
      reason: 'a refresh is in progress',
    });
  });
});

const BASE: AddressInput = {
  address: '10.0.1.21',
  published: '10.0.0.11',
  started: true,
  unitNumber: 1,
  refreshInProgress: false,
  tls: [],
  peers: [
    { unitNumber: 0, memberName: 'charmed-etcd0', started: true, healthy: true, pending: false },
    { unitNumber: 2, memberName: 'charmed-etcd2', started: true, healthy: true, pending: false },
  ],
  moving: undefined,
};

describe('the move order (pure)', () => {
  it('goes when nothing is ahead; nothing to do at the published address; a unit without a member only publishes', () => {
    expect(planAddress(BASE)).toEqual({ kind: 'move', status: { name: 'maintenance', message: 'Moving etcd to the updated IP address' } });
    expect(planAddress({ ...BASE, published: BASE.address })).toEqual({ kind: 'steady' });
    expect(planAddress({ ...BASE, started: false })).toEqual({ kind: 'publish' });
    expect(planAddress({ ...BASE, published: undefined })).toEqual({ kind: 'publish' });
  });

  it('one unit at a time: the lowest first, none while another is half-way, none while another member is unhealthy', () => {
    const peers = (changes: Partial<AddressInput['peers'][number]>[]) => BASE.peers.map((p, i) => ({ ...p, ...changes[i] }));
    expect(planAddress({ ...BASE, peers: peers([{ pending: true }, {}]) })).toMatchObject({ kind: 'wait', status: { name: 'waiting', message: ADDRESS_STATUS.waitingTurn('charmed-etcd0') } });
    // A higher unit that must move too does not hold this one back.
    expect(planAddress({ ...BASE, peers: peers([{}, { pending: true }]) }).kind).toBe('move');
    expect(planAddress({ ...BASE, moving: 'charmed-etcd2' })).toMatchObject({ kind: 'wait', status: { message: ADDRESS_STATUS.waitingTurn('charmed-etcd2') } });
    expect(planAddress({ ...BASE, peers: peers([{ healthy: false }, {}]) })).toMatchObject({ kind: 'wait', reason: 'charmed-etcd0 is not healthy' });
    // Unhealthy because its own address went: waiting for it would wait forever.
    expect(planAddress({ ...BASE, peers: peers([{}, { healthy: false, pending: true }]) }).kind).toBe('move');
  });

  it('with TLS: waits for certificates naming the new address, then moves with Canonical\'s text', () => {
    expect(planAddress({ ...BASE, tls: [{ kind: 'peer', namesAddress: false }] })).toMatchObject({ kind: 'wait', status: { name: 'maintenance', message: 'Refreshing TLS certificates because of updated IP address' } });
    expect(planAddress({ ...BASE, tls: [{ kind: 'peer', namesAddress: true }, { kind: 'client', namesAddress: true }] })).toEqual({
      kind: 'move',
      status: { name: 'maintenance', message: 'Refreshing TLS certificates because of updated IP address' },
    });
  });

  it('finds a member etcd lists at an address its unit has not published', () => {
    const unit = (n: number, ip: string) => parseUnitState(`charmed-etcd/${n}`, 'charmed-etcd', { private_ip: ip, state: 'started' });
    const m = (n: number, ip: string) => ({ id: String(n), name: `charmed-etcd${n}`, peerUrls: [`https://${ip}:2380`], clientUrls: [], isLearner: false });
    const peers = [unit(1, '10.0.0.11'), unit(2, '10.0.0.12')];
    expect(memberMovingAway([m(0, '10.0.1.20'), m(1, '10.0.0.11'), m(2, '10.0.0.12')], peers, 'charmed-etcd0')).toBeUndefined();
    expect(memberMovingAway([m(0, '10.0.0.10'), m(1, '10.0.1.21'), m(2, '10.0.0.12')], peers, 'charmed-etcd0')).toBe('charmed-etcd1');
  });
});

describe('IP address change with TLS', () => {
  const TLS_ID = 21;

  /** The provider signs every unit's current CSR (the harness clock is behind the real one, hence notBefore). */
  async function provide(ca: TestCa): Promise<void> {
    const issued: ProvidedCertificate[] = [];
    for (const u of world.units.values()) {
      for (const { certificate_signing_request: csr } of readRequestedCsrs(u.relationBags[TLS_ID] ?? {}).items) {
        const answer = await ca.issue(csr, { notBefore: new Date(world.clock - 86_400_000) });
        issued.push({ ca: answer.ca, chain: [...answer.chain], certificate: answer.certificate, certificate_signing_request: csr });
      }
    }
    world.otherRelations = world.otherRelations.map((r) => (r.id === TLS_ID ? { ...r, remoteAppData: provideDatabag(issued) } : r));
  }

  const csrIps = (n: number): readonly string[] => {
    const csr = readRequestedCsrs(world.unit(n).relationBags[TLS_ID] ?? {}).items[0]?.certificate_signing_request;
    return csr === undefined ? [] : [...parseCsr(csr).sansIp].sort();
  };
  const tlsChanged = (n: number) => world.run(n, () => world.unit(n).ctx.on.relationChanged(world.otherRelations.find((r) => r.id === TLS_ID)!, { remoteUnit: 0 }));

  it('asks for a certificate naming the new address, waits for it, then moves over https; the old address leaves the next certificate', async () => {
    world = new World();
    world.addUnit(0);
    world.otherRelations = [world.unit(0).ctx.relation({ endpoint: 'peer-certificates', id: TLS_ID, remoteApp: 'self-signed-certificates' })];
    world.units.clear();
    const ca = await createTestCa();
    await world.deploy(2);
    await provide(ca);
    await world.settle();
    expect(member('charmed-etcd1')?.peerUrl).toBe('https://10.0.0.11:2380');
    expect(csrIps(1)).toEqual(['10.0.0.11']);

    const mark = world.cluster.calls.length;
    world.setAddress(1, NEW);
    const asked = await world.hook(1, 'config-changed');
    expect(asked.exitCode).toBe(0);
    // The new CSR names the new address, and the old one the member still runs at.
    expect(csrIps(1)).toEqual(['10.0.0.11', NEW]);
    expect(world.unit(1).unitStatus).toEqual({ name: 'maintenance', message: ADDRESS_STATUS.refreshingCertificates });
    expect(world.cluster.calls.slice(mark).filter((c) => c.op === 'memberUpdate')).toEqual([]);

    await provide(ca);
    const moved = await tlsChanged(1);
    expect(moved.exitCode).toBe(0);
    expect(moved.unitStatusHistory).toContainEqual({ name: 'maintenance', message: ADDRESS_STATUS.refreshingCertificates });
    expect(member('charmed-etcd1')).toMatchObject({ peerUrl: `https://${NEW}:2380`, running: true });
    expect(world.unit(1).bag['private_ip']).toBe(NEW);
    // Published now: the next CSR names only the new address.
    await world.hook(1, 'update-status');
    expect(csrIps(1)).toEqual([NEW]);
    await provide(ca);
    await tlsChanged(1);
    await settleWithSweep();
    expect(membershipChanges(mark)).toEqual([]);
    expect(world.appBag['cluster_members']).toBe(`charmed-etcd0=https://10.0.0.10:2380,charmed-etcd1=https://${NEW}:2380`);
    for (const n of [0, 1]) expect(world.unit(n).unitStatus).toEqual({ name: 'active', message: '' });
  });
});

describe('the leader during a move (pure)', () => {
  it('knows a started member by name: etcd lists its new peer URL, its unit still publishes the old one', async () => {
    const { planMembership, clusterMembersFrom } = await import('../../../../src/cluster/membership-plan.js');
    const self = { name: 'charmed-etcd0', peerUrl: 'http://10.0.0.10:2380' };
    const members = [
      { id: 'a', name: 'charmed-etcd0', peerUrls: ['http://10.0.0.10:2380'], clientUrls: [], isLearner: false },
      { id: 'b', name: 'charmed-etcd1', peerUrls: [`http://${NEW}:2380`], clientUrls: [], isLearner: false },
    ];
    const units = [{ unit: 'charmed-etcd/1', unitNumber: 1, memberName: 'charmed-etcd1', peerUrl: 'http://10.0.0.11:2380', started: true }];
    expect(planMembership({ self, units, members, healthy: new Set(['a', 'b']), learnerProgress: undefined, removeOrphans: true })).toEqual({ kind: 'none' });
    expect(clusterMembersFrom(members, self, units)).toEqual([self, { name: 'charmed-etcd1', peerUrl: `http://${NEW}:2380` }]);
  });
});
