import { describe, expect, it } from 'vitest';
import { Driver, charm } from './driver.js';

const provider = charm('prov', { provides: { db: { interface: 'kv' } }, peers: { cluster: { interface: 'prov-peers' } } });
const requirer = charm('req', { requires: { db: { interface: 'kv' } } });

/** prov (2 units) and req (1 unit) deployed and settled. */
function twoApps(options: { seed?: number } = {}): Driver {
  const d = new Driver(options);
  d.send({ kind: 'deploy', app: 'prov', ...provider, units: 2 });
  d.send({ kind: 'deploy', app: 'req', ...requirer, units: 1 });
  d.settle();
  return d;
}

describe('integrate', () => {
  it('runs created, then joined and changed for each remote unit, on both sides', () => {
    const d = twoApps();
    const mark = d.ran.length;
    expect(d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } })).toEqual({ id: 1, endpoints: ['prov:db', 'req:db'] });
    d.settle();
    expect(d.hooksOf('req/0', mark)).toEqual(['db-relation-created', 'db-relation-joined prov/0', 'db-relation-changed prov/0', 'db-relation-joined prov/1', 'db-relation-changed prov/1']);
    for (const unit of ['prov/0', 'prov/1']) expect(d.hooksOf(unit, mark)).toEqual(['db-relation-created', 'db-relation-joined req/0', 'db-relation-changed req/0']);
  });

  it('refuses what Juju refuses: no match, an existing relation, a missing application', () => {
    const d = twoApps();
    expect(() => d.send({ kind: 'integrate', a: { app: 'prov' }, b: { app: 'prov', endpoint: 'cluster' } })).toThrow('no relations found');
    d.send({ kind: 'integrate', a: { app: 'req', endpoint: 'db' }, b: { app: 'prov', endpoint: 'db' } });
    expect(() => d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } })).toThrow('relation prov:db req:db already exists');
    expect(() => d.send({ kind: 'integrate', a: { app: 'nope' }, b: { app: 'prov' } })).toThrow('application "nope" not found');
  });

  it('gives a unit added later -created during setup and joins with every remote unit', () => {
    const d = twoApps();
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    const mark = d.ran.length;
    d.send({ kind: 'add-unit', app: 'req', units: 1 });
    d.settle();
    const hooks = d.hooksOf('req/1', mark);
    expect(hooks.slice(0, 2)).toEqual(['install', 'db-relation-created']);
    expect(hooks).toContain('db-relation-joined prov/1');
    expect(hooks.indexOf('db-relation-changed prov/0')).toBe(hooks.indexOf('db-relation-joined prov/0') + 1);
    expect(d.hooksOf('prov/0', mark)).toEqual(['db-relation-joined req/1', 'db-relation-changed req/1']);
  });
});

describe('data across a relation, with Juju commit rules', () => {
  it('carries unit and app data both ways; only the leader writes the app bag; the writer gets no event', () => {
    const d = twoApps();
    const seen: Record<string, string> = {};
    d.script = (unit, event, tool) => {
      if (event.kind !== 'hook') return;
      if (unit === 'req/0' && event.name === 'db-relation-created') tool('relation-set', '--app', 'want=cats');
      if (unit === 'prov/1' && event.name === 'db-relation-created') seen['prov/1 app write'] = tool('relation-set', '--app', 'x=y');
      if (event.name === 'db-relation-changed' && event.remoteUnit === '' && unit.startsWith('prov/')) {
        seen[`${unit} remote app`] = tool('relation-get', '--format=json', '--app', '-', 'req');
        if (tool('is-leader', '--format=json').trim() === 'true') tool('relation-set', '--app', 'answer=meow');
        tool('relation-set', `unit-of=${unit}`);
      }
      if (event.name === 'db-relation-changed' && unit === 'req/0') {
        seen[`req/0 from ${event.remoteUnit || 'app'}`] = event.remoteUnit === '' ? tool('relation-get', '--format=json', '--app', '-', 'prov') : tool('relation-get', '--format=json', 'unit-of', event.remoteUnit ?? '');
      }
    };
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    expect(seen['prov/1 app write']).toBe('ERROR(1) ERROR cannot write relation settings');
    for (const unit of ['prov/0', 'prov/1']) expect(JSON.parse(seen[`${unit} remote app`] ?? '')).toEqual({ want: 'cats' });
    expect(JSON.parse(seen['req/0 from app'] ?? '')).toEqual({ answer: 'meow' });
    expect(JSON.parse(seen['req/0 from prov/1'] ?? '')).toBe('prov/1');
    // The requirer wrote its app bag once: no -changed back to itself for it.
    expect(d.hooksOf('req/0').filter((h) => h === 'db-relation-changed')).toHaveLength(1);
    const relation = d.model.relations.find((r) => r.ends.length === 2);
    expect(relation?.unitData['prov/0']).toMatchObject({ 'unit-of': 'prov/0', 'private-address': '127.1.2.10' });
  });

  it('drops a failed hook\'s writes and retries it after the back-off', () => {
    const d = twoApps();
    let attempts = 0;
    d.script = (unit, event, tool) => {
      if (unit !== 'req/0' || event.name !== 'db-relation-created') return;
      attempts += 1;
      tool('relation-set', `attempt=${attempts}`);
      return attempts === 1 ? 1 : 0;
    };
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    const at = d.now;
    d.settle();
    expect(d.model.units['req/0']?.juju.agentStatus.message).toBe('hook failed: "db-relation-created"');
    expect(d.timer('retry')).toBe(at + 5000);
    expect(d.model.relations.find((r) => r.ends.length === 2)?.unitData['req/0']?.['attempt']).toBeUndefined();
    d.settle(1);
    expect(d.model.relations.find((r) => r.ends.length === 2)?.unitData['req/0']?.['attempt']).toBe('2');
  });
});

describe('the end of a relation', () => {
  it('remove-relation: each side departs every unit it knew, then -broken; the relation goes', () => {
    const d = twoApps();
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    const mark = d.ran.length;
    const lists: Record<string, string> = {};
    d.script = (unit, event, tool) => {
      if (event.name === 'db-relation-broken') lists[unit] = tool('relation-list', '--format=json');
    };
    d.send({ kind: 'remove-relation', relationId: 1 });
    d.settle();
    expect(d.hooksOf('req/0', mark)).toEqual(['db-relation-departed prov/0', 'db-relation-departed prov/1', 'db-relation-broken']);
    expect(d.hooksOf('prov/1', mark)).toEqual(['db-relation-departed req/0', 'db-relation-broken']);
    expect(lists['req/0']?.trim()).toBe('[]');
    expect(d.model.relations.map((r) => r.id)).toEqual([0]);
    expect(() => d.send({ kind: 'remove-relation', relationId: 0 })).toThrow('cannot remove peer relation prov:cluster');
  });

  it('remove-application: the other side sees departed and broken; the units tear down and the application goes', () => {
    const d = twoApps();
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    const mark = d.ran.length;
    d.send({ kind: 'remove-application', app: 'prov' });
    d.settle();
    expect(d.hooksOf('req/0', mark)).toEqual(['db-relation-departed prov/0', 'db-relation-departed prov/1', 'db-relation-broken']);
    const torn = d.hooksOf('prov/1', mark);
    expect(torn).toEqual(['db-relation-departed req/0', 'db-relation-broken', 'cluster-relation-departed prov/0', 'stop', 'remove']);
    expect(d.removed.sort()).toEqual(['prov/0', 'prov/1']);
    expect(Object.keys(d.model.applications)).toEqual(['req']);
    expect(d.model.relations).toEqual([]);
  });

  it('remove-unit on one side: the remote units see it depart; it departs and breaks its relations first', () => {
    const d = twoApps();
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    d.settle();
    const mark = d.ran.length;
    d.send({ kind: 'remove-unit', units: ['prov/1'] });
    d.settle();
    expect(d.hooksOf('req/0', mark)).toEqual(['db-relation-departed prov/1']);
    expect(d.hooksOf('prov/0', mark)).toEqual(['cluster-relation-departed prov/1']);
    const torn = d.hooksOf('prov/1', mark);
    expect(torn.indexOf('db-relation-broken')).toBeGreaterThan(torn.indexOf('db-relation-departed req/0'));
    expect(torn.slice(-2)).toEqual(['stop', 'remove']);
  });
});

describe('remove-relation while a side is still setting up', () => {
  it('units whose -created was running when it went see -broken and no joins', () => {
    const d = twoApps();
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    // Run only req/0's -created (the first queued run), then remove the relation mid-setup.
    let removed = false;
    d.script = (unit, event) => {
      if (!removed && unit === 'req/0' && event.name === 'db-relation-created') {
        removed = true;
        d.send({ kind: 'remove-relation', relationId: 1 });
      }
    };
    const mark = d.ran.length;
    d.settle();
    expect(d.hooksOf('req/0', mark)).toEqual(['db-relation-created', 'db-relation-broken']);
    // Unseeded, every unit's -created started together: all of them were running it.
    for (const unit of ['prov/0', 'prov/1']) expect(d.hooksOf(unit, mark)).toEqual(['db-relation-created', 'db-relation-broken']);
    expect(d.model.relations.map((r) => r.id)).toEqual([0]);
  });

  it('seeded (one hook at a time): the units that had not started their -created drop it and see nothing', () => {
    const d = twoApps({ seed: 3 });
    d.send({ kind: 'integrate', a: { app: 'req' }, b: { app: 'prov' } });
    let first = '';
    d.script = (unit, event) => {
      if (first === '' && event.name === 'db-relation-created') {
        first = unit;
        d.send({ kind: 'remove-relation', relationId: 1 });
      }
    };
    const mark = d.ran.length;
    d.settle();
    expect(d.hooksOf(first, mark)).toEqual(['db-relation-created', 'db-relation-broken']);
    for (const unit of ['req/0', 'prov/0', 'prov/1'].filter((u) => u !== first)) expect(d.hooksOf(unit, mark)).toEqual([]);
  });
});
