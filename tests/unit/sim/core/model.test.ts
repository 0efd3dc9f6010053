import { describe, expect, it } from 'vitest';
import { step } from '../../../../lib/juju/testing/fake-juju/core/index.js';
import { Driver, charm } from './driver.js';

const provider = charm('prov', { provides: { db: { interface: 'kv' } }, peers: { cluster: { interface: 'prov-peers' } }, storage: { data: { type: 'filesystem', location: '/srv/data' } } });
const requirer = charm('req', { requires: { db: { interface: 'kv' } } });

describe('deploy', () => {
  it('runs Juju\'s setup sequence per unit, numbers machines across applications and gives each its address', () => {
    const d = new Driver();
    d.send({ kind: 'deploy', app: 'prov', ...provider, units: 2 });
    d.send({ kind: 'deploy', app: 'req', ...requirer, units: 1 });
    d.settle();
    expect(d.hooksOf('prov/0').slice(0, 6)).toEqual(['data-storage-attached', 'install', 'cluster-relation-created', 'leader-elected', 'config-changed', 'start']);
    expect(d.hooksOf('req/0')).toEqual(['install', 'leader-elected', 'config-changed', 'start']);
    expect(d.model.units['req/0']).toMatchObject({ machine: 2, address: '127.1.2.12' });
    expect(d.model.units['prov/1']?.juju.storage).toEqual([{ id: 'data/1', kind: 'filesystem', location: '/nonexistent/units/prov-1/root/srv/data' }]);
    expect(() => d.send({ kind: 'deploy', app: 'req', ...requirer, units: 1 })).toThrow('application already exists');
  });

  it('is pure: the model given to step is never changed', () => {
    const d = new Driver();
    const before = structuredClone(d.model);
    const frozen = d.model;
    const result = step(frozen, { kind: 'deploy', app: 'prov', ...provider, units: 1, at: 5 });
    expect(frozen).toEqual(before);
    expect(result.model.units['prov/0']?.running).toMatchObject({ name: 'data-storage-attached' });
    expect(result.commands.map((c) => c.kind)).toEqual(['unit-added', 'timer', 'run', 'persist']);
  });
});

describe('leadership', () => {
  it('elects the lowest live unit when the leader goes: leader-elected there, leader-settings-changed elsewhere', () => {
    const d = new Driver();
    d.send({ kind: 'deploy', app: 'prov', ...provider, units: 3 });
    d.settle();
    const mark = d.ran.length;
    d.send({ kind: 'remove-unit', units: ['prov/0'] });
    d.settle();
    expect(d.model.units['prov/1']?.juju.leader).toBe(true);
    expect(d.hooksOf('prov/1', mark)).toContain('leader-elected');
    expect(d.hooksOf('prov/2', mark)).toContain('leader-settings-changed');
    expect(d.hooksOf('prov/2', mark)).not.toContain('leader-elected');
  });

  it('moves leadership on request; is-leader follows in the next hook', () => {
    const d = new Driver();
    d.send({ kind: 'deploy', app: 'prov', ...provider, units: 2 });
    d.settle();
    const answers: Record<string, string> = {};
    d.script = (unit, event, tool) => {
      if (event.name === 'leader-elected' || event.name === 'leader-settings-changed') answers[unit] = tool('is-leader', '--format=json').trim();
    };
    d.send({ kind: 'elect-leader', app: 'prov', unit: 'prov/1' });
    d.settle();
    expect(answers).toEqual({ 'prov/0': 'false', 'prov/1': 'true' });
  });
});

describe('secrets', () => {
  it('gives secret-changed to the consuming unit of another application, not to the owner', () => {
    const d = new Driver();
    d.send({ kind: 'deploy', app: 'prov', ...provider, units: 1 });
    d.send({ kind: 'deploy', app: 'req', ...requirer, units: 1 });
    d.settle();
    let uri = '';
    const read: string[] = [];
    d.script = (unit, event, tool) => {
      if (event.kind !== 'hook') return;
      if (unit === 'prov/0' && event.name === 'db-relation-joined') {
        uri = tool('secret-add', 'password=one').trim();
        tool('secret-grant', '-r', `db:${event.relationId}`, uri);
        tool('relation-set', '--app', `secret=${uri}`);
      }
      if (unit === 'req/0' && event.name === 'db-relation-changed' && event.remoteUnit === '') read.push(tool('secret-get', uri, 'password').trim());
      if (unit === 'req/0' && event.name === 'secret-changed') read.push(tool('secret-get', '--refresh', uri, 'password').trim());
      if (unit === 'prov/0' && event.name === 'config-changed') tool('secret-set', uri, 'password=two');
    };
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    const mark = d.ran.length;
    d.send({ kind: 'config', app: 'prov', set: { greeting: 'hello' }, reset: [] });
    d.settle();
    expect(read).toEqual(['one', 'two']);
    expect(d.hooksOf('req/0', mark)).toEqual(['secret-changed']);
    expect(d.hooksOf('prov/0', mark)).toEqual(['config-changed']);
  });
});

describe('scheduling', () => {
  const orderFor = (seed: number): string[] => {
    const d = new Driver({ seed });
    d.send({ kind: 'deploy', app: 'prov', ...provider, units: 3 });
    d.send({ kind: 'deploy', app: 'req', ...requirer, units: 2 });
    d.settle();
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    return d.ran;
  };

  it('replays the same interleaving for the same seed, and another for another seed', () => {
    expect(orderFor(7)).toEqual(orderFor(7));
    expect(orderFor(7)).not.toEqual(orderFor(8));
    // Whatever the order, each unit's own sequence is Juju's.
    const req0 = orderFor(8).filter((l) => l.startsWith('req/0: ')).slice(0, 4);
    expect(req0).toEqual(['req/0: install', 'req/0: leader-elected', 'req/0: config-changed', 'req/0: start']);
  });

  it('fires update-status on the simulated clock for started units only', () => {
    const d = new Driver();
    d.send({ kind: 'deploy', app: 'req', ...requirer, units: 1 });
    const at = d.timer('update-status');
    expect(at).toBe(d.now + 300_000);
    d.settle();
    d.now = at ?? 0;
    const mark = d.ran.length;
    d.send({ kind: 'timer', id: 'update-status' });
    d.settle();
    expect(d.hooksOf('req/0', mark)).toEqual(['update-status']);
    expect(d.timer('update-status')).toBe(d.now + 300_000);
  });
});
