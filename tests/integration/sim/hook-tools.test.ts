/**
 * Contract tests of the hook-tool executables: the real jujuc binary on PATH, talking to a
 * real controller over its socket, in hook contexts opened through the controller's
 * test seam (no charm process), checked against reference/juju-contract.md §2–3.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { request } from '../../sim/protocol.js';
import { useSimModel } from '../../sim/testing.js';
import { writeTinyCharm } from './tiny-charm.js';

const model = useSimModel({ units: 2, local: true, charmDir: writeTinyCharm(path.join(mkdtempSync(path.join(tmpdir(), 'tiny-')), 'charm')) });

interface Context {
  readonly id: string;
  readonly env: Record<string, string>;
  tool(name: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  close(exitCode: number): Promise<Record<string, unknown>>;
}

async function open(unit: string, hook: string, relation?: { id: number; remoteUnit?: string }): Promise<Context> {
  const reply = await request(model().home.socketPath, {
    type: 'open-context',
    unit,
    hook,
    ...(relation ? { relationId: relation.id, ...(relation.remoteUnit ? { remoteUnit: relation.remoteUnit } : {}) } : {}),
  });
  const env = reply['env'] as Record<string, string>;
  const id = reply['contextId'] as string;
  return {
    id,
    env,
    async tool(name, args, input) {
      // Found on the hook's PATH, with the hook's environment only: as a charm runs it.
      const r = await execa(name, args, { env, extendEnv: false, reject: false, ...(input === undefined ? { stdin: 'ignore' } : { input }) });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? -1 };
    },
    close: (exitCode) => request(model().home.socketPath, { type: 'close-context', contextId: id, exitCode }),
  };
}

describe('hook tools against the controller', () => {
  it('lists relations and units, and reads remote bags (json format)', async () => {
    await model().wait();
    const ctx = await open('tiny/0', 'update-status');
    expect(await ctx.tool('relation-ids', ['peers', '--format=json'])).toMatchObject({ stdout: '["peers:0"]', exitCode: 0 });
    const list = await ctx.tool('relation-list', ['-r', 'peers:0', '--format=json']);
    expect(list).toMatchObject({ stdout: '["tiny/1"]', exitCode: 0 });
    const bag = await ctx.tool('relation-get', ['--format=json', '-r', 'peers:0', '-', 'tiny/1']);
    expect(JSON.parse(bag.stdout)).toMatchObject({ 'private-address': expect.stringMatching(/^127\.\d+\.\d+\.11$/), marker: 'none' });
    expect(await ctx.tool('is-leader', ['--format=json'])).toMatchObject({ stdout: 'true' });
    expect(JSON.parse((await ctx.tool('config-get', ['--format=json'])).stdout)).toEqual({ marker: 'none', count: 1 });
    await ctx.close(0);
  });

  it('answers usage errors with exit 2 and runtime errors with exit 1, one ERROR line on stderr', async () => {
    const ctx = await open('tiny/1', 'update-status');
    expect(await ctx.tool('relation-get', ['--bogus'])).toEqual({ stdout: '', stderr: 'ERROR option provided but not defined: --bogus', exitCode: 2 });
    expect(await ctx.tool('status-set', ['sleepy'])).toMatchObject({ exitCode: 2, stderr: expect.stringMatching(/^ERROR invalid status "sleepy"/) });
    expect(await ctx.tool('relation-set', ['-r', 'peers:0', '--app', 'k=v'])).toEqual({ stdout: '', stderr: 'ERROR cannot write relation settings', exitCode: 1 });
    expect(await ctx.tool('relation-list', ['-r', 'peers:99'])).toMatchObject({ exitCode: 2, stderr: 'ERROR invalid value "peers:99" for option -r: relation not found' });
    expect(await ctx.tool('is-leader', ['--format=json'])).toMatchObject({ stdout: 'false' });
    expect(await ctx.tool('action-get', [])).toMatchObject({ exitCode: 1, stderr: 'ERROR not running an action' });
    await ctx.close(0);
  });

  it('discards a failed hook\'s relation writes but keeps its status (commit on success only)', async () => {
    const ctx = await open('tiny/1', 'update-status');
    // relation-set --file - reads YAML from stdin; the hook sees its own pending write.
    expect(await ctx.tool('relation-set', ['-r', 'peers:0', '--file', '-'], 'discarded: "yes"\n')).toMatchObject({ exitCode: 0 });
    expect((await ctx.tool('relation-get', ['-r', 'peers:0', 'discarded', 'tiny/1'])).stdout).toBe('yes');
    expect(await ctx.tool('status-set', ['blocked', 'kept after failure'])).toMatchObject({ exitCode: 0 });
    await ctx.close(1);

    const reader = await open('tiny/0', 'update-status');
    expect((await reader.tool('relation-get', ['--format=json', '-r', 'peers:0', 'discarded', 'tiny/1'])).stdout).toBe('null');
    await reader.close(0);
    // The failed hook shows as Juju shows it; the charm's status stays underneath.
    expect((await model().status()).units['tiny/1']).toMatchObject({ 'workload-status': 'error', message: 'hook failed: "update-status"' });
    const next = await open('tiny/1', 'update-status');
    expect(JSON.parse((await next.tool('status-get', ['--format=json', '--include-data'])).stdout)).toMatchObject({ status: 'blocked', message: 'kept after failure' });
    await next.close(0);
    expect((await model().status()).units['tiny/1']).toMatchObject({ 'workload-status': 'blocked', message: 'kept after failure' });
  });

  it('commits a successful hook\'s writes and wakes the other unit with -relation-changed', async () => {
    await model().wait();
    const changedOn = (unit: string): number =>
      model().hookRecords().filter((r) => r.unit === unit && r.event === 'peers-relation-changed').length;
    const before = changedOn('tiny/0');
    const writerBefore = changedOn('tiny/1');
    const ctx = await open('tiny/1', 'update-status');
    expect(await ctx.tool('relation-set', ['-r', 'peers:0', 'committed=yes'])).toMatchObject({ exitCode: 0 });
    await ctx.close(0);
    await model().wait();
    expect(changedOn('tiny/0')).toBe(before + 1);
    // The writer is never woken by its own write.
    expect(changedOn('tiny/1')).toBe(writerBefore);
    const reader = await open('tiny/0', 'update-status');
    expect((await reader.tool('relation-get', ['-r', 'peers:0', 'committed', 'tiny/1'])).stdout).toBe('yes');
    await reader.close(0);
  });

  it('refuses calls once the hook has ended', async () => {
    const ctx = await open('tiny/0', 'update-status');
    await ctx.close(0);
    expect(await ctx.tool('is-leader', [])).toMatchObject({ exitCode: 1, stderr: expect.stringMatching(/^ERROR /) });
  });

  it('round-trips non-ASCII values, from argv and from stdin (--file=-), through the Go client', async () => {
    await model().wait();
    const ctx = await open('tiny/0', 'update-status');
    const value = 'héllo ✓ 🙂 tab\there';
    expect(await ctx.tool('relation-set', ['-r', 'peers:0', `uni=${value}`])).toEqual({ stdout: '', stderr: '', exitCode: 0 });
    expect((await ctx.tool('relation-get', ['-r', 'peers:0', 'uni', 'tiny/0'])).stdout).toBe(value);
    expect(await ctx.tool('relation-set', ['-r', 'peers:0', '--file=-'], 'multi: "línea 1\\nlínea 2 ✓"\n')).toMatchObject({ exitCode: 0 });
    expect(JSON.parse((await ctx.tool('relation-get', ['--format=json', '-r', 'peers:0', 'multi', 'tiny/0'])).stdout)).toBe('línea 1\nlínea 2 ✓');
    await ctx.close(0);
    await model().wait();
    const reader = await open('tiny/1', 'update-status');
    expect((await reader.tool('relation-get', ['-r', 'peers:0', 'uni', 'tiny/0'])).stdout).toBe(value);
    await reader.close(0);
  });

  it('carries a large non-ASCII stdin whole, however the socket splits it', async () => {
    const ctx = await open('tiny/0', 'update-status');
    // 3-byte characters across several socket reads: a split one must not become U+FFFD.
    const big = `${'✓é'.repeat(40_000)}x`;
    expect(await ctx.tool('relation-set', ['-r', 'peers:0', '--file', '-'], `big: "${big}"\n`)).toMatchObject({ exitCode: 0 });
    expect((await ctx.tool('relation-get', ['-r', 'peers:0', 'big', 'tiny/0'])).stdout).toBe(big);
    await ctx.close(0);
  });

  it('records every tool call of a hook with the time it took', async () => {
    const records = model().hookRecords().filter((r) => r.event === 'config-changed');
    expect(records.length).toBeGreaterThan(0);
    const calls = records.flatMap((r) => r.toolCalls);
    expect(calls.map((c) => c.tool)).toEqual(expect.arrayContaining(['config-get', 'relation-ids', 'relation-set', 'status-set']));
    for (const call of calls) expect(call.ms).toBeGreaterThan(0);
  });
});
