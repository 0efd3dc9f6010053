import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHookToolError } from '../../../../../../lib/juju/hooktools/runner.js';
import type { CharmMain, HookHost } from '../../../../../../lib/juju/host.js';
import { Context, createState } from '../../../../../../lib/juju/testing/index.js';
import { TEST_CHARM_YAML } from '../fixtures.js';

const demo = () => new Context({ charmYaml: TEST_CHARM_YAML });
const charm = (body: (host: HookHost) => Promise<number | void>): CharmMain => async (host) => (await body(host)) ?? 0;

describe('Context.run: environment and charm directory', () => {
  it('gives the charm the environment of §1.2–1.3 for a relation hook and an action', async () => {
    const ctx = demo();
    const db = ctx.relation({ endpoint: 'db', remoteApp: 'pg', remoteUnitsData: { 0: {}, 1: {} } });
    const out = await ctx.run(ctx.on.relationChanged(db, { remoteUnit: 1 }), createState({ relations: [db] }), charm(async () => 0));
    expect(out.env).toMatchObject({
      JUJU_HOOK_NAME: 'db-relation-changed', JUJU_DISPATCH_PATH: 'hooks/db-relation-changed', JUJU_UNIT_NAME: 'demo/0',
      JUJU_RELATION: 'db', JUJU_RELATION_ID: `db:${db.id}`, JUJU_REMOTE_APP: 'pg', JUJU_REMOTE_UNIT: 'pg/1', JUJU_VERSION: '3.6.8',
    });
    expect(out.env['JUJU_CONTEXT_ID']).toMatch(/^demo\/0-db-relation-changed-[0-9a-f]{8}$/);
    const act = await ctx.run(ctx.on.action('noop'), createState(), charm(async () => 0));
    expect(act.env).toMatchObject({ JUJU_HOOK_NAME: '', JUJU_DISPATCH_PATH: 'actions/noop', JUJU_ACTION_NAME: 'noop', JUJU_ACTION_TAG: `action-${act.env['JUJU_ACTION_UUID']}` });
  });

  it('puts the State\'s charm files in JUJU_CHARM_DIR, reads changes back, and removes the directory', async () => {
    const ctx = demo();
    let dir = '';
    const state = createState({ charmFiles: { '.juju-charm': { content: 'local:demo-1\n', mtimeMs: 1_700_000_000_000 } } });
    const out = await ctx.run(ctx.on.upgradeCharm(), state, charm(async ({ env }) => {
      dir = env['JUJU_CHARM_DIR'] ?? '';
      expect(readFileSync(path.join(dir, '.juju-charm'), 'utf8')).toBe('local:demo-1\n');
      expect(readFileSync(path.join(dir, 'metadata.yaml'), 'utf8')).toContain('name: demo');
      writeFileSync(path.join(dir, 'refresh.json'), '{"v":3}');
    }));
    expect(existsSync(dir)).toBe(false);
    expect(Object.keys(out.state.charmFiles).sort()).toEqual(['.juju-charm', 'refresh.json']);
    expect(out.state.charmFiles['.juju-charm']).toEqual({ content: 'local:demo-1\n', mtimeMs: 1_700_000_000_000 });
    expect(out.state.charmFiles['refresh.json']?.content).toBe('{"v":3}');
  });

  it('reads the project\'s own metadata.yaml by default', () => {
    const ctx = new Context();
    expect(ctx.unitName).toBe('charmed-etcd/0');
    expect(Object.keys(ctx.charm.metadata.peers)).toEqual(['etcd-peers', 'refresh-v-three']);
    expect(ctx.on.action('resume-refresh').params).toEqual({ 'check-health-of-refreshed-units': true });
  });

  it('never changes the input State', async () => {
    const ctx = demo();
    const state = createState({ leader: true });
    await ctx.run(ctx.on.start(), state, charm(async ({ tools }) => { await tools.run('status-set', ['active']); }));
    expect(state.unitStatus.name).toBe('unknown');
    expect(Object.isFrozen(state)).toBe(true);
  });
});

describe('Context.run: Juju\'s commit rules', () => {
  it('a non-leader app write fails like Juju, with HookToolError at the seam', async () => {
    const ctx = demo();
    const db = ctx.relation({ endpoint: 'db', remoteApp: 'pg' });
    let caught: unknown;
    const out = await ctx.run(ctx.on.relationChanged(db), createState({ relations: [db] }), charm(async ({ tools }) => {
      try {
        await tools.run('relation-set', ['-r', `db:${db.id}`, '--app', '--file', '-'], { stdin: 'k: v\n' });
      } catch (error) {
        caught = error;
        throw error;
      }
    }));
    expect(isHookToolError(caught) && caught.exitCode === 1 && caught.stderr).toBe('ERROR cannot write relation settings\n');
    expect(out.exitCode).toBe(1);
    expect(out.error).toBe(caught);
  });

  it('a failed hook commits nothing but its status-set stays, and the agent shows hook failed', async () => {
    const ctx = demo();
    const peers = ctx.peerRelation({ endpoint: 'cluster' });
    const out = await ctx.run(ctx.on.configChanged(), createState({ leader: true, relations: [peers] }), charm(async ({ tools }) => {
      await tools.run('relation-set', ['-r', `cluster:${peers.id}`, 'member=1']);
      await tools.run('state-set', ['seen=yes']);
      await tools.run('open-port', ['2379/tcp']);
      await tools.run('secret-add', ['password=x']);
      await tools.run('status-set', ['maintenance', 'restarting']);
      return 3;
    }));
    expect(out.exitCode).toBe(3);
    expect(out.commit.committed).toBe(false);
    expect(out.state.relations[0]?.localUnitData).not.toHaveProperty('member');
    expect(out.state.unitState).toEqual({});
    expect(out.state.openedPorts).toEqual([]);
    expect(out.state.secrets).toEqual([]);
    expect(out.state.unitStatus).toEqual({ name: 'maintenance', message: 'restarting' });
    expect(out.agentStatus).toEqual({ name: 'error', message: 'hook failed: "config-changed"' });
  });

  it('reads see the hook\'s own pending writes; a successful hook commits them', async () => {
    const ctx = demo();
    const peers = ctx.peerRelation({ endpoint: 'cluster', peersData: { 1: { state: 'ready' } } });
    const out = await ctx.run(ctx.on.updateStatus(), createState({ leader: true, relations: [peers] }), charm(async ({ tools }) => {
      await tools.run('relation-set', ['-r', `cluster:${peers.id}`, '--app', 'epoch=2']);
      const seen = await tools.run('relation-get', ['-r', `cluster:${peers.id}`, '--app', '--format=json', 'epoch', 'demo']);
      await tools.run('state-set', ['--file', '-'], { stdin: `seen: ${seen.trim()}\n` });
      const state = await tools.run('state-get', ['--format=json', 'seen']);
      await tools.run('juju-log', ['--', `state ${state.trim()}`]);
    }));
    expect(out.state.relations[0]?.localAppData).toEqual({ epoch: '2' });
    expect(out.state.unitState).toEqual({ seen: '2' });
    expect(out.logs.map((l) => l.message)).toEqual(['state "2"']);
    expect(out.commit.relationChanges).toEqual([{ relationId: peers.id, endpoint: 'cluster', bag: 'app', owner: 'demo' }]);
  });

  it('a charm that throws counts as exit 1', async () => {
    const ctx = demo();
    const out = await ctx.run(ctx.on.start(), createState(), charm(async ({ stderr }) => {
      stderr?.write('about to fail\n');
      throw new Error('boom');
    }));
    expect(out.exitCode).toBe(1);
    expect(out.stderr).toBe('about to fail\n');
    expect((out.error as Error).message).toBe('boom');
  });
});

describe('Context.run: Juju\'s own statuses', () => {
  it('sets maintenance before install and unknown after start when the charm never set a status', async () => {
    const ctx = demo();
    const installed = await ctx.run(ctx.on.install(), createState(), charm(async () => 0));
    expect(installed.unitStatusHistory).toEqual([{ name: 'maintenance', message: 'installing charm software' }]);
    const started = await ctx.run(ctx.on.start(), installed.state, charm(async () => 0));
    expect(started.state.unitStatus.name).toBe('maintenance'); // the harness cannot know install was Juju's
    const fresh = await ctx.run(ctx.on.stop(), createState(), charm(async () => 0));
    expect(fresh.unitStatusHistory).toEqual([
      { name: 'maintenance', message: 'stopping charm software' },
      { name: 'maintenance', message: '' },
    ]);
  });
});

describe('Context.run: actions (§3.5)', () => {
  it('action-fail then exit 0 is failed, with results and changes committed', async () => {
    const ctx = demo();
    const out = await ctx.run(ctx.on.action('backup', { target: '/srv' }), createState(), charm(async ({ tools }) => {
      await tools.run('action-set', ['where=/srv']);
      await tools.run('state-set', ['last-backup=/srv']);
      await tools.run('action-log', ['--', 'halfway']);
      await tools.run('action-fail', ['--', 'disk full']);
      return 0;
    }));
    expect(out.actionResult).toEqual({ status: 'failed', message: 'disk full', results: { where: '/srv' }, logs: ['halfway'] });
    expect(out.state.unitState).toEqual({ 'last-backup': '/srv' });
    expect(out.agentStatus.name).toBe('idle');
  });

  it('an action exiting non-zero is failed with "exit status N" and nothing committed', async () => {
    const ctx = demo();
    const out = await ctx.run(ctx.on.action('backup', { target: '/srv' }), createState(), charm(async ({ tools }) => {
      await tools.run('action-set', ['partial=yes']);
      await tools.run('state-set', ['last-backup=/srv']);
      return 2;
    }));
    expect(out.actionResult).toEqual({ status: 'failed', message: 'exit status 2', results: { partial: 'yes' }, logs: [] });
    expect(out.state.unitState).toEqual({});
    expect(out.agentStatus.name).toBe('idle');
  });

  it('a completed action gets its params with defaults filled in', async () => {
    const ctx = demo();
    const out = await ctx.run(ctx.on.action('backup', { target: '/srv' }), createState(), charm(async ({ tools }) => {
      const params = JSON.parse(await tools.run('action-get', ['--format=json'])) as Record<string, unknown>;
      await tools.run('action-set', [`retries=${String(params['retries'])}`, `compress=${String(params['compress'])}`]);
    }));
    expect(out.actionResult).toEqual({ status: 'completed', results: { retries: '3', compress: 'true' }, logs: [] });
  });

  it('refuses action keys Foo and stdout (the charm sees exit 2)', async () => {
    const ctx = demo();
    const codes: number[] = [];
    await ctx.run(ctx.on.action('noop'), createState(), charm(async ({ tools }) => {
      for (const arg of ['Foo=1', 'stdout=1']) {
        await tools.run('action-set', [arg]).catch((e: unknown) => { if (isHookToolError(e)) codes.push(e.exitCode); });
      }
    }));
    expect(codes).toEqual([2, 2]);
  });
});

describe('Context.run: secrets through the harness', () => {
  it('a consumer stays on its tracked revision until it refreshes', async () => {
    const ctx = demo();
    const secret = ctx.secret({ ownerApp: 'vault', revisions: [{ revision: 1, content: { token: 'old' } }, { revision: 2, content: { token: 'new' } }], trackedRevision: 1 });
    const read = (flags: string[]) => charm(async ({ tools }) => {
      await tools.run('juju-log', ['--', await tools.run('secret-get', [`secret:${secret.id}`, 'token', ...flags])]);
    });
    const pinned = await ctx.run(ctx.on.secretChanged(secret), createState({ secrets: [secret] }), read([]));
    expect(pinned.logs.map((l) => l.message)).toEqual(['old\n']);
    expect(pinned.env['JUJU_SECRET_ID']).toBe(`secret:${secret.id}`);
    const refreshed = await ctx.run(ctx.on.secretChanged(secret), pinned.state, read(['--refresh']));
    expect(refreshed.logs.map((l) => l.message)).toEqual(['new\n']);
    expect(refreshed.state.secrets[0]?.trackedRevision).toBe(2);
  });

  it('an owner\'s secret-set becomes a new revision in the output State', async () => {
    const ctx = demo();
    const secret = ctx.secret({ owner: 'app', label: 'root', content: { password: 'a' } });
    const out = await ctx.run(ctx.on.updateStatus(), createState({ leader: true, secrets: [secret] }), charm(async ({ tools }) => {
      await tools.run('secret-set', [`secret:${secret.id}`, 'password=b']);
    }));
    expect(out.state.secrets[0]?.revisions).toEqual([{ revision: 1, content: { password: 'a' } }, { revision: 2, content: { password: 'b' } }]);
    expect(out.state.secrets[0]?.owner).toBe('app');
  });
});
