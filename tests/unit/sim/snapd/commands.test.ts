import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountDataStorage } from '../../../sim/snapd/charmed-etcd-snap.js';
import { runSnap } from '../../../sim/snapd/commands.js';
import type { SnapdContext } from '../../../sim/snapd/context.js';
import { holdUntil } from '../../../sim/snapd/list.js';
import { readState } from '../../../sim/snapd/state.js';
import { addSnapRevision, writeJsonAtomic, type Store } from '../../../sim/snapd/store.js';

/** A fake store whose "binaries" are empty files: enough for every command that runs no daemon. */
function fakeStore(dir: string): string {
  const binDir = (v: string, tools: string[]): string => {
    const d = path.join(dir, 'bin', v);
    mkdirSync(d, { recursive: true });
    for (const t of tools) writeFileSync(path.join(d, t), '');
    return d;
  };
  const store: Store = {
    schema: 1,
    snaps: {
      'charmed-etcd': {
        summary: 'etcd',
        publisher: { username: 'canonical', 'display-name': 'Canonical', validation: 'verified' },
        'default-track': '3.5',
        revisions: [
          { revision: '1', version: '3.4.23', channel: '3.4/stable', broken: false, 'bin-dir': binDir('3.4.23', ['etcd', 'etcdctl']) },
          { revision: '2', version: '3.5.16', channel: '3.5/stable', broken: false, 'bin-dir': binDir('3.5.16', ['etcd', 'etcdctl', 'etcdutl']) },
          { revision: '3', version: '3.5.30', channel: '3.5/stable', broken: false, 'bin-dir': binDir('3.5.30', ['etcd', 'etcdctl', 'etcdutl']) },
        ],
      },
    },
  };
  const file = path.join(dir, 'store.json');
  writeJsonAtomic(file, store);
  return file;
}

let dir: string;
let ctx: SnapdContext;
let out: string[];
let err: string[];

const snap = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  out.length = 0;
  err.length = 0;
  const code = await runSnap(ctx, argv);
  return { code, stdout: out.join(''), stderr: err.join('') };
};

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'snapd-sim-unit-'));
  mountDataStorage(path.join(dir, 'root'));
  out = [];
  err = [];
  ctx = {
    root: path.join(dir, 'root'),
    storeFile: fakeStore(dir),
    stdout: (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    unicode: false,
    // Never used: no command in these tests needs a running service.
    launcher: { entry: '/nonexistent', execArgv: [] },
  };
  mkdirSync(ctx.root, { recursive: true });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('snap install / list', () => {
  it('says so when nothing is installed', async () => {
    expect(await snap('list')).toEqual({ code: 0, stdout: '', stderr: "No snaps are installed yet. Try 'snap install hello-world'.\n" });
    expect(await snap('list', 'charmed-etcd')).toEqual({ code: 1, stdout: '', stderr: 'error: no matching snaps installed\n' });
  });

  it('lays the snap out like snapd and lists it', async () => {
    expect(await snap('install', 'charmed-etcd', '--revision', '2')).toMatchObject({
      code: 0,
      stdout: 'charmed-etcd 3.5.16 from Canonical** installed\n',
    });
    expect(readlinkSync(path.join(ctx.root, 'snap/charmed-etcd/current'))).toBe('2');
    expect(readlinkSync(path.join(ctx.root, 'var/snap/charmed-etcd/current'))).toBe('2');
    expect(existsSync(path.join(ctx.root, 'var/snap/charmed-etcd/common'))).toBe(true);
    expect(existsSync(path.join(ctx.root, 'snap/charmed-etcd/2/meta/snap.yaml'))).toBe(true);
    expect((await snap('list')).stdout).toBe(
      'Name          Version  Rev  Tracking    Publisher    Notes\ncharmed-etcd  3.5.16   2    3.5/stable  canonical**  -\n',
    );
    expect((await snap('services')).stdout).toBe(
      'Service            Startup   Current   Notes\ncharmed-etcd.etcd  disabled  inactive  -\n',
    );
  });

  it('installs from a channel and shows it, tracking that channel', async () => {
    expect((await snap('install', 'charmed-etcd', '--channel', '3.4/stable')).stdout).toBe(
      'charmed-etcd (3.4/stable) 3.4.23 from Canonical** installed\n',
    );
    expect(readState(ctx.root).snaps['charmed-etcd']).toMatchObject({ revision: '1', tracking: '3.4/stable' });
  });

  it('reports an installed snap as snapd does, with exit code 0', async () => {
    await snap('install', 'charmed-etcd', '--revision', '1');
    expect(await snap('install', 'charmed-etcd', '--revision', '2')).toEqual({
      code: 0,
      stdout: '',
      stderr: `snap "charmed-etcd" is already installed, see 'snap help refresh'\n`,
    });
  });

  it('needs the store only for install and refresh', async () => {
    const noStore = { ...ctx, storeFile: undefined };
    out.length = 0;
    err.length = 0;
    expect(await runSnap(noStore, ['install', 'charmed-etcd'])).toBe(1);
    expect(err.join('')).toMatch(/^error: unable to contact snap store/);
    expect(await runSnap(noStore, ['list'])).toBe(0);
  });
});

describe('holds', () => {
  it('marks a held snap in snap list and removes the hold on --unhold', async () => {
    await snap('install', 'charmed-etcd', '--revision', '3');
    expect(await snap('refresh', '--hold', 'charmed-etcd')).toMatchObject({
      code: 0,
      stdout: 'General refreshes of "charmed-etcd" held indefinitely\n',
    });
    expect((await snap('list')).stdout).toMatch(/canonical\*\*\s+held\n$/);
    expect((await snap('refresh', '--hold')).stdout).toBe('Auto-refresh of all snaps held indefinitely\n');
    expect((await snap('refresh', '--unhold', 'charmed-etcd')).stdout).toBe('Removed general refresh hold of "charmed-etcd"\n');
    expect((await snap('list')).stdout).toMatch(/canonical\*\*\s+-\n$/);
    expect((await snap('refresh', '--unhold')).stdout).toBe('Removed auto-refresh hold on all snaps\n');
    expect((await snap('refresh', '--hold', '--revision', '2', 'charmed-etcd')).stderr).toBe(
      'error: cannot use --hold with other flags\n',
    );
  });

  it('parses hold durations like Go and refuses less than a second', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(holdUntil('forever', now)).toBe('forever');
    expect(holdUntil('1h30m', now)).toBe('2025-01-01T01:30:00Z');
    expect(() => holdUntil('500ms', now)).toThrow(/less than a second/);
    expect(() => holdUntil('soon', now)).toThrow(/hold value must be/);
  });
});

describe('snap get / set', () => {
  it('stores values as JSON when they parse, strings otherwise, and reads them back', async () => {
    await snap('install', 'charmed-etcd', '--revision', '2');
    expect(await snap('get', 'charmed-etcd')).toEqual({ code: 1, stdout: '', stderr: 'error: snap "charmed-etcd" has no configuration\n' });
    expect((await snap('set', 'charmed-etcd', 'log.level=debug', 'port=2379', 'name=x=y')).code).toBe(0);
    expect((await snap('get', 'charmed-etcd', 'port')).stdout).toBe('2379\n');
    expect((await snap('get', 'charmed-etcd', 'name')).stdout).toBe('x=y\n');
    expect((await snap('get', 'charmed-etcd', 'log.level')).stdout).toBe('debug\n');
    expect((await snap('get', 'charmed-etcd')).stdout).toBe('Key   Value\nlog   {...}\nname  x=y\nport  2379\n');
    expect((await snap('get', 'charmed-etcd', 'nope')).stderr).toBe('error: snap "charmed-etcd" has no "nope" configuration option\n');
    expect((await snap('set', 'charmed-etcd', 'port!')).code).toBe(0);
    expect((await snap('get', 'charmed-etcd', 'port')).code).toBe(1);
  });
});

describe('refresh and remove without running services', () => {
  it('copies $SNAP_DATA to the new revision, keeps two revisions, and removes everything on remove', async () => {
    await snap('install', 'charmed-etcd', '--revision', '1');
    writeFileSync(path.join(ctx.root, 'var/snap/charmed-etcd/current/etcd.conf.yml'), 'name: a\n');
    expect((await snap('refresh', 'charmed-etcd', '--revision', '2')).stdout).toBe('charmed-etcd 3.5.16 from Canonical** refreshed\n');
    expect(existsSync(path.join(ctx.root, 'var/snap/charmed-etcd/2/etcd.conf.yml'))).toBe(true);
    expect((await snap('refresh', 'charmed-etcd', '--revision', '3')).code).toBe(0);
    // refresh.retain: the two newest revisions stay on disk.
    expect(existsSync(path.join(ctx.root, 'snap/charmed-etcd/1'))).toBe(false);
    expect(existsSync(path.join(ctx.root, 'snap/charmed-etcd/2'))).toBe(true);
    expect(await snap('remove', 'charmed-etcd', '--revision', '3')).toMatchObject({
      code: 1,
      stderr: 'error: cannot remove active revision 3 of snap "charmed-etcd" (revert first?)\n',
    });
    expect((await snap('remove', 'charmed-etcd', '--purge')).stdout).toBe('charmed-etcd removed\n');
    expect(existsSync(path.join(ctx.root, 'var/snap/charmed-etcd'))).toBe(false);
    expect(await snap('remove', 'charmed-etcd')).toEqual({ code: 0, stdout: '', stderr: 'snap "charmed-etcd" is not installed\n' });
  });
});

describe('command-line errors', () => {
  it('uses exit code 64 for unknown commands, unknown flags and missing arguments', async () => {
    expect(await snap('frobnicate')).toEqual({ code: 64, stdout: '', stderr: `error: unknown command "frobnicate", see 'snap help'.\n` });
    expect(await snap('list', '--nope')).toEqual({ code: 64, stdout: '', stderr: "error: unknown flag `nope'\n" });
    expect(await snap('install')).toEqual({ code: 64, stdout: '', stderr: 'error: the required argument `<snap>` was not provided\n' });
    expect((await snap('install', 'charmed-etcd', '--revision')).code).toBe(64);
  });

  it('reports unknown services of installed snaps and snaps that are not installed', async () => {
    expect((await snap('services', 'charmed-etcd')).stderr).toBe('error: snap "charmed-etcd" not found\n');
    await snap('install', 'charmed-etcd', '--revision', '2');
    expect((await snap('stop', 'charmed-etcd.nope')).stderr).toBe('error: snap "charmed-etcd" has no service "nope"\n');
    // Nothing runs, so stopping needs no supervisor and succeeds.
    expect(await snap('stop', '--disable', 'charmed-etcd')).toEqual({ code: 0, stdout: 'Stopped.\n', stderr: '' });
  });
});

describe('any snap, not only charmed-etcd', () => {
  it('installs a snap published from its unpacked tree: its files, its snap.yaml, its install hook', async () => {
    const tree = path.join(dir, 'hello-tree');
    mkdirSync(path.join(tree, 'meta', 'hooks'), { recursive: true });
    writeFileSync(path.join(tree, 'meta', 'snap.yaml'), 'name: hello-sim\nversion: "2.10"\nsummary: a greeting\napps:\n  hello:\n    command: bin/hello\n');
    mkdirSync(path.join(tree, 'bin'));
    writeFileSync(path.join(tree, 'bin', 'hello'), '#!/bin/sh\necho hello\n', { mode: 0o755 });
    writeFileSync(path.join(tree, 'meta', 'hooks', 'install'), '#!/bin/sh\necho "$SNAP_NAME $SNAP_VERSION" > "$SNAP_COMMON/installed-by-hook"\n', { mode: 0o755 });
    expect(addSnapRevision(ctx.storeFile as string, tree)).toMatchObject({ revision: '1', version: '2.10', channel: 'latest/stable' });
    const installed = await snap('install', 'hello-sim');
    expect(installed.stderr).toBe('');
    expect(installed).toMatchObject({ code: 0, stdout: 'hello-sim 2.10 from Simulator (sim) installed\n' });
    expect(existsSync(path.join(ctx.root, 'snap', 'hello-sim', '1', 'bin', 'hello'))).toBe(true);
    expect(readFileSync(path.join(ctx.root, 'var', 'snap', 'hello-sim', 'common', 'installed-by-hook'), 'utf8')).toBe('hello-sim 2.10\n');
    expect(readState(ctx.root).snaps['hello-sim']).toMatchObject({ revision: '1', version: '2.10', tracking: 'latest/stable', services: {} });
    expect(await snap('install', 'no-such-snap')).toMatchObject({ code: 1 });
  });
});
