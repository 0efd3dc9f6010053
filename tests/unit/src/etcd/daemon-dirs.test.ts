import { chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { giveConfigToDaemon, prepareDaemonDirs } from '../../../../src/etcd/daemon-dirs.js';
import { SNAP_DAEMON_ID, unitPaths, type UnitPaths } from '../../../../src/etcd/paths.js';

let root: string;
let paths: UnitPaths;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'daemon-dirs-'));
  paths = unitPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const owner = (p: string) => {
  const st = statSync(p);
  return { uid: st.uid, gid: st.gid, mode: st.mode & 0o777 };
};

describe('the storages given to snap_daemon', () => {
  it('root-owned mounts (as Juju leaves them) become snap_daemon 0750, files inside too; missing ones are created', async () => {
    mkdirSync(paths.dataDir, { recursive: true, mode: 0o755 });
    mkdirSync(path.join(paths.dataDir, 'member', 'wal'), { recursive: true });
    writeFileSync(path.join(paths.dataDir, 'member', 'wal', '0.wal'), 'x');
    // A symlink inside is not followed: its target keeps its owner.
    const outside = path.join(root, 'outside');
    writeFileSync(outside, 'not etcd');
    symlinkSync(outside, path.join(paths.dataDir, 'link'));
    await prepareDaemonDirs(paths);
    for (const dir of [paths.dataDir, paths.logDir, paths.archiveDir]) {
      expect(owner(dir)).toEqual({ uid: SNAP_DAEMON_ID, gid: SNAP_DAEMON_ID, mode: 0o750 });
    }
    expect(owner(path.join(paths.dataDir, 'member', 'wal', '0.wal'))).toMatchObject({ uid: SNAP_DAEMON_ID, gid: SNAP_DAEMON_ID });
    expect(owner(outside)).toMatchObject({ uid: 0, gid: 0 });
  });

  it('is idempotent, and repairs a directory handed back to root', async () => {
    await prepareDaemonDirs(paths);
    chownSync(paths.logDir, 0, 0);
    await prepareDaemonDirs(paths);
    await prepareDaemonDirs(paths);
    expect(owner(paths.logDir)).toEqual({ uid: SNAP_DAEMON_ID, gid: SNAP_DAEMON_ID, mode: 0o750 });
  });

  it('the config file is readable by snap_daemon only', async () => {
    mkdirSync(path.dirname(paths.configFile), { recursive: true });
    writeFileSync(paths.configFile, 'name: x\n', { mode: 0o644 });
    await giveConfigToDaemon(paths.configFile);
    expect(owner(paths.configFile)).toEqual({ uid: SNAP_DAEMON_ID, gid: SNAP_DAEMON_ID, mode: 0o600 });
  });
});
