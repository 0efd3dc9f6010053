import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JujuContext } from '../../../../lib/juju/context.js';
import { isActionError } from '../../../../lib/juju/errors/action-error.js';
import { isConfigError } from '../../../../lib/juju/errors/config-error.js';
import type { ConfigError } from '../../../../lib/juju/errors/config-error.js';
import { isDatabagError } from '../../../../lib/juju/errors/databag-error.js';
import type { DatabagError } from '../../../../lib/juju/errors/databag-error.js';
import { isNotLeaderError } from '../../../../lib/juju/errors/not-leader-error.js';
import { Model } from '../../../../lib/juju/model.js';
import { FakeRunner } from './fake-runner.js';

const hookContext = (name = 'config-changed'): JujuContext => ({
  unitName: 'charmed-etcd/1',
  unitNumber: 1,
  appName: 'charmed-etcd',
  modelName: 'm',
  modelUuid: 'u',
  jujuVersion: '3.6.8',
  charmDir: '/charm',
  dispatchPath: `hooks/${name}`,
  event: { kind: 'hook', name },
});

const actionContext = (): JujuContext => ({
  ...hookContext(),
  dispatchPath: 'actions/resume-refresh',
  event: { kind: 'action', name: 'resume-refresh', uuid: '7' },
});

const PEERS = 'etcd-peers:1';
const unitBag = ['relation-get', '--format=json', '-r', PEERS, '-', 'charmed-etcd/1'];
const appBag = ['relation-get', '--format=json', '-r', PEERS, '--app', '-', 'charmed-etcd'];
const peerBag = ['relation-get', '--format=json', '-r', PEERS, '-', 'charmed-etcd/0'];
const setUnit = ['relation-set', '-r', PEERS, '--file', '-'];
const setApp = ['relation-set', '-r', PEERS, '--app', '--file', '-'];

describe('Model reads', () => {
  it('caches every read: a second read costs no call', async () => {
    const fake = new FakeRunner()
      .json(['is-leader', '--format=json'], true)
      .json(['config-get', '--format=json'], { 'pause-after-unit-refresh': 'all' })
      .json(['relation-ids', 'etcd-peers', '--format=json'], [PEERS])
      .json(['relation-list', '--format=json', '-r', PEERS], ['charmed-etcd/0'])
      .json(peerBag, { address: '10.0.0.1' })
      .json(['network-get', '--format=json', 'etcd-peers'], { 'ingress-addresses': ['10.0.0.2'] })
      .json(['goal-state', '--format=json'], { units: {}, relations: {} })
      .json(['status-get', '--include-data', '--format=json'], { status: 'active', message: '' });
    const model = new Model(hookContext(), fake);
    for (let i = 0; i < 2; i++) {
      expect(await model.isLeader()).toBe(true);
      expect(await model.rawConfig()).toEqual({ 'pause-after-unit-refresh': 'all' });
      const peers = await model.relation('etcd-peers');
      expect(await peers?.units()).toEqual(['charmed-etcd/0']);
      expect(await peers?.unitData('charmed-etcd/0').get('address')).toBe('10.0.0.1');
      expect(await model.ingressAddress('etcd-peers')).toBe('10.0.0.2');
      await model.goalState();
      expect(await model.unitStatus.get()).toEqual({ name: 'active', message: '' });
    }
    expect(fake.calls).toHaveLength(8);
  });

  it('concurrent reads share one call', async () => {
    const fake = new FakeRunner().json(['is-leader', '--format=json'], false);
    const model = new Model(hookContext(), fake);
    expect(await Promise.all([model.isLeader(), model.isLeader(), model.isLeader()])).toEqual([false, false, false]);
    expect(fake.count('is-leader')).toBe(1);
  });

  it('validates config through the charm schema and names the bad option and rule', async () => {
    const fake = new FakeRunner().json(['config-get', '--format=json'], { 'pause-after-unit-refresh': 'sometimes' });
    const model = new Model(hookContext(), fake);
    const schema = z.object({ 'pause-after-unit-refresh': z.enum(['all', 'first', 'none']) });
    const error = await model.config(schema).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as ConfigError).option).toBe('pause-after-unit-refresh');
    expect((error as Error).message).toMatch(/^invalid config option "pause-after-unit-refresh" = "sometimes": .*"all"/);
  });

  it('gives typed config when valid, with schema defaults', async () => {
    const fake = new FakeRunner().json(['config-get', '--format=json'], {});
    const model = new Model(hookContext(), fake);
    const schema = z.object({ 'pause-after-unit-refresh': z.enum(['all', 'first', 'none']).default('first') });
    expect(await model.config(schema)).toEqual({ 'pause-after-unit-refresh': 'first' });
  });

  it('a malformed databag value is a catchable DatabagError naming relation, owner and key', async () => {
    const fake = new FakeRunner()
      .json(['relation-ids', 'etcd-peers', '--format=json'], [PEERS])
      .json(peerBag, { health: '{"healthy": tru', state: '"ready"' });
    const model = new Model(hookContext(), fake);
    const bag = (await model.relation('etcd-peers'))?.unitData('charmed-etcd/0');
    const error = await bag?.getJson('health', z.object({ healthy: z.boolean() })).catch((e: unknown) => e);
    expect(isDatabagError(error)).toBe(true);
    expect(error).toMatchObject({ relation: PEERS, owner: 'charmed-etcd/0', key: 'health' });
    expect((error as Error).message).toContain('key "health": not valid JSON');
    // The rest of the bag stays readable.
    expect(await bag?.getJson('state', z.string())).toBe('ready');
  });

  it('a databag that fails its schema names the key', async () => {
    const fake = new FakeRunner().json(['relation-ids', 'etcd-peers', '--format=json'], [PEERS]).json(peerBag, { 'member-id': '42' });
    const model = new Model(hookContext(), fake);
    const bag = (await model.relation('etcd-peers'))?.unitData('charmed-etcd/0');
    const error = (await bag?.parse(z.object({ 'member-id': z.string().regex(/^[0-9a-f]{16}$/) })).catch((e: unknown) => e)) as DatabagError;
    expect(error.key).toBe('member-id');
    expect(error.message).toContain('databag of charmed-etcd/0: key "member-id"');
  });

  it('parses JSON-encoded bags as a whole', async () => {
    const fake = new FakeRunner().json(appBag, { members: '["a","b"]', version: '3' });
    const model = new Model(hookContext(), fake);
    const parsed = await model.relationById(PEERS).localAppData.parse(z.object({ members: z.array(z.string()), version: z.number() }), {
      json: true,
    });
    expect(parsed).toEqual({ members: ['a', 'b'], version: 3 });
  });
});

describe('Model writes', () => {
  it('sends one relation-set per databag, with only the changed keys', async () => {
    const fake = new FakeRunner()
      .json(unitBag, { address: '10.0.0.2', state: 'joining' })
      .json(appBag, {})
      .on(setUnit)
      .on(setApp);
    const model = new Model(hookContext(), fake);
    const peers = model.relationById(PEERS);
    await peers.localUnitData.read();
    await peers.localAppData.read();
    peers.localUnitData.set('address', '10.0.0.2'); // unchanged
    peers.localUnitData.set('state', 'started');
    peers.localUnitData.setJson('health', { healthy: true });
    peers.localUnitData.set('gone', undefined); // deleting an absent key is no change
    peers.localAppData.update({ 'cluster-state': 'new', members: 'a' });
    // Reads in the same hook see the staged writes.
    expect(await peers.localUnitData.get('state')).toBe('started');
    await model.flush();
    expect(fake.count('relation-set')).toBe(2);
    const sent = fake.calls.filter((c) => c.argv[0] === 'relation-set').map((c) => JSON.parse(c.stdin ?? '') as unknown);
    expect(sent).toEqual([{ state: 'started', health: '{"healthy":true}' }, { 'cluster-state': 'new', members: 'a' }]);
  });

  it('a bag never read is written blind with exactly the staged keys (deletes included)', async () => {
    const fake = new FakeRunner().on(setUnit);
    const model = new Model(hookContext(), fake);
    const bag = model.relationById(PEERS).localUnitData;
    bag.update({ state: 'started', old: undefined });
    await model.flush();
    expect(fake.argvs).toEqual([setUnit]);
    expect(JSON.parse(fake.calls[0]?.stdin ?? '')).toEqual({ state: 'started', old: '' });
  });

  it('deleting a key that was read sends the deletion', async () => {
    const fake = new FakeRunner().json(unitBag, { old: 'x' }).on(setUnit);
    const model = new Model(hookContext(), fake);
    const bag = model.relationById(PEERS).localUnitData;
    await bag.read();
    bag.set('old', undefined);
    expect(await bag.read()).toEqual({});
    await model.flush();
    expect(JSON.parse(fake.calls[1]?.stdin ?? '')).toEqual({ old: '' });
  });

  it('an unchanged write costs no process', async () => {
    const fake = new FakeRunner()
      .json(unitBag, { state: 'started' })
      .json(['status-get', '--include-data', '--format=json'], { status: 'active', message: '' });
    const model = new Model(hookContext(), fake);
    const bag = model.relationById(PEERS).localUnitData;
    await bag.read();
    bag.set('state', 'started');
    await model.unitStatus.get();
    model.unitStatus.set({ name: 'active', message: '' });
    await model.flush();
    expect(fake.count('relation-set')).toBe(0);
    expect(fake.count('status-set')).toBe(0);
  });

  it('a second flush sends nothing new', async () => {
    const fake = new FakeRunner().json(unitBag, {}).on(setUnit).on(['status-set', 'active', '--', 'ok']);
    const model = new Model(hookContext(), fake);
    const bag = model.relationById(PEERS).localUnitData;
    await bag.read();
    bag.set('state', 'started');
    model.unitStatus.set({ name: 'active', message: 'ok' });
    await model.flush();
    await model.flush();
    expect(fake.calls.map((c) => c.argv[0])).toEqual(['relation-get', 'relation-set', 'status-set']);
  });

  it('sets the status once at flush, the last one staged', async () => {
    const fake = new FakeRunner().on(['status-set', 'active', '--', '']).on(['status-set', '--application', 'waiting', '--', 'peers']);
    const model = new Model(hookContext(), fake);
    model.unitStatus.set({ name: 'maintenance', message: 'installing' });
    model.unitStatus.set({ name: 'active', message: '' });
    model.appStatus.set({ name: 'waiting', message: 'peers' });
    expect(fake.calls).toEqual([]);
    await model.flush();
    expect(fake.argvs).toEqual([
      ['status-set', 'active', '--', ''],
      ['status-set', '--application', 'waiting', '--', 'peers'],
    ]);
  });

  it('nothing staged reaches Juju when the charm fails before flush', async () => {
    const fake = new FakeRunner().json(unitBag, {});
    const model = new Model(hookContext(), fake);
    model.relationById(PEERS).localUnitData.set('state', 'started');
    model.unitStatus.set({ name: 'active', message: '' });
    model.setWorkloadVersion('3.5.16');
    expect(fake.calls).toEqual([]);
  });

  it('refuses writes to another unit\'s bag at once', () => {
    const model = new Model(hookContext(), new FakeRunner());
    expect(() => model.relationById(PEERS).unitData('charmed-etcd/0').set('x', 'y')).toThrow(/cannot write the databag of charmed-etcd\/0/);
  });

  it('a non-leader app-bag write fails at flush as NotLeaderError', async () => {
    const fake = new FakeRunner().on(setApp, { exitCode: 1, stderr: 'ERROR cannot write relation settings\n' });
    const model = new Model(hookContext(), fake);
    model.relationById(PEERS).localAppData.set('members', 'a');
    expect(isNotLeaderError(await model.flush().catch((e: unknown) => e))).toBe(true);
  });

  it('sends the workload version at flush', async () => {
    const fake = new FakeRunner().on(['application-version-set', '--', '3.5.16']);
    const model = new Model(hookContext(), fake);
    model.setWorkloadVersion('3.5.16');
    await model.flush();
    expect(fake.count('application-version-set')).toBe(1);
  });

  it('opens a port only when it is not open yet', async () => {
    const fake = new FakeRunner().json(['opened-ports', '--format=json'], ['2379/tcp']).on(['open-port', '2380/tcp']);
    const model = new Model(hookContext(), fake);
    await model.openPort('2379/tcp');
    await model.openPort('2380/tcp');
    expect(fake.argvs).toEqual([['opened-ports', '--format=json'], ['open-port', '2380/tcp']]);
  });

  it('caches secret reads until the secret changes', async () => {
    const fake = new FakeRunner().json(['secret-get', '--format=json', '--label', 'root'], { password: 'x' });
    const model = new Model(hookContext(), fake);
    await model.secrets.get({ label: 'root' });
    await model.secrets.get({ label: 'root' });
    expect(fake.count('secret-get')).toBe(1);
  });
});

describe('Model actions', () => {
  it('has no action scope in a hook', () => {
    expect(new Model(hookContext(), new FakeRunner()).action).toBeUndefined();
  });

  it('reads params through a schema once and sends all results with one action-set', async () => {
    const fake = new FakeRunner()
      .json(['action-get', '--format=json'], { 'check-health-of-refreshed-units': false })
      .on(['action-set', 'result=refresh resumed', 'units.refreshed=2', 'units.names=["a/0","a/1"]', 'ok=true']);
    const model = new Model(actionContext(), fake);
    const schema = z.object({ 'check-health-of-refreshed-units': z.boolean().default(true) });
    expect(await model.action?.params(schema)).toEqual({ 'check-health-of-refreshed-units': false });
    expect(await model.action?.params(schema)).toEqual({ 'check-health-of-refreshed-units': false });
    model.action?.setResults({ result: 'refresh resumed', units: { refreshed: 2, names: ['a/0', 'a/1'] } });
    model.action?.setResults({ ok: true });
    await model.flush();
    expect(fake.calls.map((c) => c.argv[0])).toEqual(['action-get', 'action-set']);
  });

  it.each([{ Result: 'x' }, { nested: { snake_case: 1 } }, { stdout: 'x' }, { info: { 'stderr-encoding': 'base64' } }])(
    'refuses the result keys %j before any tool runs, staging nothing',
    async (results) => {
      const fake = new FakeRunner();
      const model = new Model(actionContext(), fake);
      let error: unknown;
      try {
        model.action?.setResults({ good: 'kept?', ...results });
      } catch (e) {
        error = e;
      }
      expect(isActionError(error)).toBe(true);
      expect(model.action?.results).toEqual({});
      await model.flush();
      expect(fake.calls).toEqual([]);
    },
  );

  it('bad params name the parameter', async () => {
    const fake = new FakeRunner().json(['action-get', '--format=json'], { 'check-health-of-refreshed-units': 'yes' });
    const model = new Model(actionContext(), fake);
    await expect(model.action?.params(z.object({ 'check-health-of-refreshed-units': z.boolean() }))).rejects.toThrow(
      /invalid parameter "check-health-of-refreshed-units" for action resume-refresh/,
    );
  });

  it('fails the action at flush after the results, and logs progress at once', async () => {
    const fake = new FakeRunner()
      .on(['action-log', '--', 'checking'])
      .on(['action-set', 'checked=1'])
      .on(['action-fail', '--', 'unit 2 is unhealthy']);
    const model = new Model(actionContext(), fake);
    await model.action?.log('checking');
    expect(fake.count('action-log')).toBe(1);
    model.action?.setResults({ checked: 1 });
    model.action?.fail('unit 2 is unhealthy');
    await model.flush();
    expect(fake.calls.map((c) => c.argv[0])).toEqual(['action-log', 'action-set', 'action-fail']);
  });
});
