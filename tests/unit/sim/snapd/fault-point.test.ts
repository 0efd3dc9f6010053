import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mountDataStorage } from '../../../sim/snapd/charmed-etcd-snap.js';
import { runSnap } from '../../../sim/snapd/commands.js';
import type { FaultPoint, SnapdContext } from '../../../sim/snapd/context.js';
import { writeJsonAtomic, type Store } from '../../../sim/snapd/store.js';

/** A store with two revisions whose "binaries" are empty files (no daemon is started here). */
function fakeStore(dir: string): string {
  const revision = (rev: string, version: string) => {
    const bin = path.join(dir, 'bin', version);
    mkdirSync(bin, { recursive: true });
    for (const t of ['etcd', 'etcdctl', 'etcdutl']) writeFileSync(path.join(bin, t), '');
    return { revision: rev, version, channel: '3.5/stable', broken: false, 'bin-dir': bin };
  };
  const store: Store = {
    schema: 1,
    snaps: {
      'charmed-etcd': {
        summary: 'etcd',
        publisher: { username: 'canonical', 'display-name': 'Canonical', validation: 'verified' },
        'default-track': '3.5',
        revisions: [revision('2', '3.5.16'), revision('3', '3.5.30')],
      },
    },
  };
  const file = path.join(dir, 'store.json');
  writeJsonAtomic(file, store);
  return file;
}

let dir: string;
let err: string[];
/** What the fault point was asked, in order. */
let asked: string[];

const context = (faultPoint: FaultPoint | undefined): SnapdContext => ({
  root: path.join(dir, 'root'),
  storeFile: path.join(dir, 'store.json'),
  stdout: () => undefined,
  stderr: (t) => void err.push(t),
  unicode: false,
  launcher: { entry: '/nonexistent', execArgv: [] },
  faultPoint,
});

/** A fault point that fails `snap <command>` at `when` once, and records every question. */
const failOnce = (command: string, when: 'before' | 'after'): FaultPoint => {
  let armed = true;
  return async (argv, at) => {
    asked.push(`${at} ${argv.join(' ')}`);
    if (!armed || argv[0] !== command || at !== when) return undefined;
    armed = false;
    return 'cannot perform the following tasks: injected';
  };
};

const current = () => readlinkSync(path.join(dir, 'root', 'snap', 'charmed-etcd', 'current'));

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'snapd-fault-'));
  mountDataStorage(path.join(dir, 'root'));
  mkdirSync(path.join(dir, 'root'), { recursive: true });
  fakeStore(dir);
  err = [];
  asked = [];
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('snap commands with a fault point', () => {
  it('asks before each command and after each that succeeded', async () => {
    const ctx = context(failOnce('none', 'before'));
    expect(await runSnap(ctx, ['install', 'charmed-etcd', '--revision', '2'])).toBe(0);
    expect(await runSnap(ctx, ['refresh', 'nosuch'])).toBe(0); // a notice, not a success: no "after"
    expect(asked).toEqual(['before install charmed-etcd --revision 2', 'after install charmed-etcd --revision 2', 'before refresh nosuch']);
  });

  it('a failure before the command: snapd-like error, exit 1, nothing changed', async () => {
    const ctx = context(failOnce('refresh', 'before'));
    expect(await runSnap(ctx, ['install', 'charmed-etcd', '--revision', '2'])).toBe(0);
    expect(await runSnap(ctx, ['refresh', 'charmed-etcd', '--revision', '3'])).toBe(1);
    expect(err.join('')).toBe('error: cannot perform the following tasks: injected\n');
    expect(current()).toBe('2');
    // One-shot: the same command works next time.
    expect(await runSnap(ctx, ['refresh', 'charmed-etcd', '--revision', '3'])).toBe(0);
    expect(current()).toBe('3');
  });

  it('a failure after the command: it took effect, yet snap reports the error', async () => {
    const ctx = context(failOnce('refresh', 'after'));
    expect(await runSnap(ctx, ['install', 'charmed-etcd', '--revision', '2'])).toBe(0);
    expect(await runSnap(ctx, ['refresh', 'charmed-etcd', '--revision', '3'])).toBe(1);
    expect(current()).toBe('3');
  });

  it('no fault point (outside a hook): nothing is asked', async () => {
    expect(await runSnap(context(undefined), ['install', 'charmed-etcd', '--revision', '2'])).toBe(0);
    expect(asked).toEqual([]);
  });
});
