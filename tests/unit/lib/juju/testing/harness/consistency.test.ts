import { describe, expect, it } from 'vitest';
import { ActionParamsError, Context, InconsistentStateError, createState, storage } from '../../../../../../lib/juju/testing/index.js';
import { TEST_CHARM_YAML } from '../fixtures.js';

const demo = () => new Context({ charmYaml: TEST_CHARM_YAML });
const noop = async () => 0;

const problems = async (run: Promise<unknown>): Promise<readonly string[]> => {
  try {
    await run;
  } catch (error) {
    if (error instanceof InconsistentStateError) return error.problems;
    throw error;
  }
  return [];
};

describe('consistency checker', () => {
  it('refuses config of the wrong type and undeclared keys, listing every problem, before the charm runs', async () => {
    const ctx = demo();
    let ran = false;
    const found = await problems(ctx.run(ctx.on.configChanged(), createState({ config: { port: '8080', ratio: 1.5, nope: true } }), async () => {
      ran = true;
      return 0;
    }));
    expect(found).toEqual([
      'config key "port" is declared as int but the state gives "8080"',
      'config key "nope" is not declared in config.yaml',
    ]);
    expect(ran).toBe(false);
  });

  it('refuses undeclared endpoints, the wrong relation kind, duplicate ids, and this unit in peersData', async () => {
    const ctx = demo();
    const state = createState({
      relations: [
        ctx.relation({ endpoint: 'cluster', id: 1 }),
        ctx.peerRelation({ endpoint: 'db', id: 1 }),
        ctx.relation({ endpoint: 'nowhere' }),
        ctx.peerRelation({ endpoint: 'cluster', peersData: { 0: {} } }),
      ],
    });
    expect(await problems(ctx.run(ctx.on.start(), state, noop))).toEqual([
      'endpoint "cluster" is a peer endpoint: use peerRelation()',
      'relation id 1 is used twice',
      'endpoint "db" is not a peer endpoint: use relation()',
      'relation endpoint "nowhere" is not declared in metadata.yaml',
      'peer relation 3: peersData must not contain this unit (0)',
    ]);
  });

  it('refuses events whose relation, storage or secret is missing, and joined without a remote unit', async () => {
    const ctx = demo();
    const db = ctx.relation({ endpoint: 'db' });
    const s = storage('data');
    const secret = ctx.secret({ content: { a: 'b' } });
    expect(await problems(ctx.run(ctx.on.relationJoined(db), createState(), noop))).toEqual([
      `the event's relation db:${db.id} is not in the state`,
      'db-relation-joined needs a remote unit',
    ]);
    expect(await problems(ctx.run(ctx.on.storageAttached(s), createState(), noop))).toEqual(["the event's storage data/0 is not attached in the state"]);
    expect(await problems(ctx.run(ctx.on.secretChanged(secret), createState(), noop))).toEqual([`the event's secret ${secret.id} is not in the state`]);
    expect(await problems(ctx.run(ctx.on.relationJoined(db, { remoteUnit: 5 }), createState({ relations: [db] }), noop))).toEqual([
      `remote unit remote/5 is not in relation ${db.id}'s remote units`,
    ]);
  });

  it('gives relations and secrets ids unique to the context, not to the process', () => {
    const a = demo();
    const b = demo();
    expect([a.relation({ endpoint: 'db' }).id, a.peerRelation({ endpoint: 'cluster' }).id]).toEqual([1, 2]);
    expect(b.relation({ endpoint: 'db' }).id).toBe(1);
    expect(a.secret({ content: { a: 'b' } }).id).toBe(b.secret({ content: { a: 'b' } }).id);
  });
});

describe('action params against actions.yaml', () => {
  it('fills defaults', () => {
    expect(demo().on.action('backup', { target: '/x' }).params).toEqual({ target: '/x', compress: true, retries: 3 });
  });

  it('refuses unknown params, wrong types, missing required params and unknown actions', () => {
    const on = demo().on;
    expect(() => on.action('backup', { target: '/x', force: true })).toThrow('(root) : Additional property force is not allowed');
    expect(() => on.action('backup', { target: '/x', retries: 'many' })).toThrow('(root).retries : Invalid type. Expected: integer, given: string');
    expect(() => on.action('backup', { target: '/x', retries: 1.5 })).toThrow(ActionParamsError);
    expect(() => on.action('backup', {})).toThrow('(root) : target is required');
    expect(() => on.action('restore')).toThrow('action "restore" not defined');
    expect(() => on.action('noop', { anything: 1 })).toThrow('Additional property anything is not allowed');
  });
});
