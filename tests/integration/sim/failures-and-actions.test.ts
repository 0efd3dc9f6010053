/**
 * Hook failure, retry, `resolved`, and actions, on the tiny shell charm (fast hooks).
 * Retries use Juju's back-off unscaled here (first retry after 5 s) so the error window is observable.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { request } from '../../sim/protocol.js';
import { useSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { writeTinyCharm } from './tiny-charm.js';

const model = useSimModel({ units: 2, local: true, retryScale: 1, charmDir: writeTinyCharm(path.join(mkdtempSync(path.join(tmpdir(), 'tiny-')), 'charm')) });

/** tiny/1's `marker` as tiny/0 reads it from the peer relation. */
async function markerSeenBy0(m: SimModel): Promise<string> {
  const reply = await request(m.home.socketPath, { type: 'open-context', unit: 'tiny/0', hook: 'update-status' });
  const contextId = reply['contextId'] as string;
  const env = reply['env'] as Record<string, string>;
  const got = await execa('relation-get', ['-r', 'peers:0', 'marker', 'tiny/1'], { env, extendEnv: false, stdin: 'ignore' });
  await request(m.home.socketPath, { type: 'close-context', contextId, exitCode: 0 });
  return got.stdout.trim();
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('hook failures', () => {
  it('puts the unit in error, discards the failed hook\'s relation writes, and `resolved` retries it', async () => {
    await model().wait();
    expect((await model().sim('fail-next-hook', 'tiny/1', 'config-changed')).exitCode).toBe(0);
    expect((await model().sim('config', 'marker=alpha')).exitCode).toBe(0);
    const shown = await until('tiny/1 in error', async () => {
      const unit = (await model().status()).units['tiny/1'];
      return unit?.['workload-status'] === 'error' ? unit : undefined;
    });
    expect(shown.message).toBe('hook failed: "config-changed"');
    expect(await markerSeenBy0(model())).toBe('none');

    expect((await model().sim('resolved', 'tiny/1')).exitCode).toBe(0);
    await model().wait();
    expect(await markerSeenBy0(model())).toBe('alpha');
    expect((await model().status()).units['tiny/1']).toMatchObject({ 'workload-status': 'active', message: 'marker alpha' });
  });

  it('retries a failed hook automatically with back-off', async () => {
    await model().sim('fail-next-hook', 'tiny/0');
    await model().sim('config', 'marker=beta');
    await model().wait(120);
    const log = model()
      .debugLog('tiny/0')
      .map((l) => l.message)
      .filter((m) => m.includes('"config-changed"'));
    expect(log.slice(-3)).toEqual([
      'hook "config-changed" (via hook dispatching script: dispatch) failed: exit status 1',
      expect.stringMatching(/^awaiting error resolution for "config-changed" hook \(retry in 5000 ms\)$/),
      'ran "config-changed" hook (via hook dispatching script: dispatch)',
    ]);
    expect((await model().status()).units['tiny/0']).toMatchObject({ 'workload-status': 'active', message: 'marker beta' });
  });

  it('refuses `resolved` for a unit not in error, and unknown units', async () => {
    expect(await model().sim('resolved', 'tiny/0')).toMatchObject({ exitCode: 2, stderr: 'ERROR unit "tiny/0" is not in an error state\n' });
    expect(await model().sim('resolved', 'tiny/9')).toMatchObject({ exitCode: 2, stderr: 'ERROR unit "tiny/9" not found\n' });
  });
});

describe('actions', () => {
  it('runs an action with params and returns its results, stdout and return code', async () => {
    const r = await model().spawnSim('run', 'tiny/leader', 'echo', 'value=hello', '--format', 'json');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'completed',
      unit: 'tiny/0',
      results: { value: 'hello', 'return-code': 0, stdout: 'dispatch actions/echo\nsaid hello\n', stderr: '' },
    });
  });

  it('reports action-fail as failed, exits non-zero, and never puts the unit in error', async () => {
    const failed = await model().sim('run', 'tiny/1', 'fail', '--format', 'json');
    expect(failed.exitCode).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: 'failed', message: 'as asked', results: { 'return-code': 0 } });
    const boom = await model().sim('run', 'tiny/1', 'boom', '--format', 'json');
    expect(boom.exitCode).toBe(1);
    expect(JSON.parse(boom.stdout)).toMatchObject({ status: 'failed', message: 'exit status 3', results: { 'return-code': 3, stdout: 'dispatch actions/boom\nout\n', stderr: 'err\n' } });
    expect((await model().status()).units['tiny/1']).toMatchObject({ 'workload-status': 'active', 'agent-status': 'idle' });
  });

  it('checks params against actions.yaml before queueing', async () => {
    expect(await model().sim('run', 'tiny/0', 'echo')).toMatchObject({ exitCode: 2, stderr: 'ERROR validation failed: (root) : value is required\n' });
    expect(await model().sim('run', 'tiny/0', 'echo', 'value=1', 'extra=2')).toMatchObject({ exitCode: 2 });
    expect(await model().sim('run', 'tiny/0', 'nope')).toMatchObject({ exitCode: 2, stderr: 'ERROR action "nope" not defined on unit "tiny/0"\n' });
  });
});

describe('CLI input errors', () => {
  it('refuses bad config values, unknown verbs and unknown units with a non-zero exit', async () => {
    expect(await model().sim('config', 'count=many')).toMatchObject({ exitCode: 2, stderr: 'ERROR option "count" expected int, got "many"\n' });
    expect(await model().sim('config', 'nope=1')).toMatchObject({ exitCode: 2, stderr: 'ERROR unknown option "nope"\n' });
    expect((await model().sim('frobnicate')).exitCode).toBe(2);
    expect((await model().sim('remove-unit', 'tiny/7')).exitCode).toBe(2);
    expect((await model().spawnSim('exec', 'tiny/8', '--', 'true')).exitCode).toBe(2);
  });
});

describe('sim exec through the real CLI', () => {
  // The integration helpers run commands in the unit's environment in-process (support/unit-exec.ts); this is the verb itself.
  it('runs the command in the unit environment with its stdout and exit code', async () => {
    const r = await model().spawnSim('exec', 'tiny/1', '--', 'sh', '-c', 'echo "$JUJU_UNIT_NAME"; exit 3');
    expect({ stdout: r.stdout, exitCode: r.exitCode }).toEqual({ stdout: 'tiny/1', exitCode: 3 });
  });
});
