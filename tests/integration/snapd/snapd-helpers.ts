import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { createStore, daemonPid, SNAP_DAEMON_GID, SNAP_DAEMON_UID, serviceLogFile, snapToolsEnv, supervisorPid, writeSnapTools } from '../../sim/snapd/index.js';

/** The charm's storage locations (metadata.yaml), relative to a unit's root; data first. */
export const STORAGE_DIRS = [
  'var/snap/charmed-etcd/common/var/lib/etcd',
  'var/snap/charmed-etcd/common/var/log/etcd',
  'var/snap/charmed-etcd/common/archive',
] as const;

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A temp workspace: the built tools and a store, shared by the units of one test file. */
export interface Workspace {
  readonly dir: string;
  readonly binDir: string;
  readonly storeFile: string;
}

export async function makeWorkspace(): Promise<Workspace> {
  const dir = mkdtempSync(path.join(tmpdir(), 'snapd-sim-it-'));
  const { binDir } = await writeSnapTools(path.join(dir, 'bin'));
  const storeFile = path.join(dir, 'store', 'store.json');
  createStore(storeFile);
  return { dir, binDir, storeFile };
}

/** One simulated machine: a root, a loopback address, and the pids it has had (to check cleanup). */
export class Unit {
  readonly root: string;
  readonly seenPids = new Set<number>();

  constructor(
    private readonly ws: Workspace,
    readonly ip: string,
    name: string,
  ) {
    this.root = path.join(ws.dir, 'units', name);
    // As Juju does before `install`: the charm's storages mounted, root-owned.
    for (const dir of STORAGE_DIRS) mkdirSync(path.join(this.root, dir), { recursive: true });
  }

  get dataDir(): string {
    return path.join(this.root, STORAGE_DIRS[0]);
  }

  get endpoint(): string {
    return `http://${this.ip}:2379`;
  }

  /** Runs `tool` (`snap`, `charmed-etcd.etcdctl`, ...) as a hook would: found on PATH, unit env. */
  async run(tool: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<ToolResult> {
    const result = await execa(tool, [...args], {
      reject: false,
      env: {
        ...snapToolsEnv(this.root, this.ws.storeFile, process.pid),
        PATH: `${this.ws.binDir}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
        ...extraEnv,
      },
      extendEnv: false,
      timeout: 120_000,
    });
    this.remember();
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  snap(...args: string[]): Promise<ToolResult> {
    return this.run('snap', args);
  }

  etcdctl(...args: string[]): Promise<ToolResult> {
    return this.run('charmed-etcd.etcdctl', ['--endpoints', this.endpoint, ...args]);
  }

  /** Records the supervisor's and daemon's pids, so a test can check they are gone later. */
  remember(): void {
    for (const pid of [supervisorPid(this.root), daemonPid(this.root)]) if (pid !== undefined) this.seenPids.add(pid);
  }

  /**
   * As the charm does: gives the data storage to snap_daemon and writes a
   * minimal single-member etcd.conf.yml into `$SNAP_DATA` (through `current`).
   */
  writeConfig(extra: readonly string[] = []): void {
    const dataDir = this.dataDir;
    chownSync(dataDir, SNAP_DAEMON_UID, SNAP_DAEMON_GID);
    const lines = [
      'name: member0',
      `data-dir: ${dataDir}`,
      `listen-client-urls: http://${this.ip}:2379`,
      `advertise-client-urls: http://${this.ip}:2379`,
      `listen-peer-urls: http://${this.ip}:2380`,
      `initial-advertise-peer-urls: http://${this.ip}:2380`,
      `initial-cluster: member0=http://${this.ip}:2380`,
      'initial-cluster-state: new',
      'initial-cluster-token: snapd-sim-test',
      ...extra,
      '',
    ];
    writeFileSync(path.join(this.root, 'var/snap/charmed-etcd/current/etcd.conf.yml'), lines.join('\n'));
  }

  /** The etcd service's journal (its stdout and stderr). */
  journal(): string {
    const file = serviceLogFile(this.root, 'charmed-etcd', 'etcd');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** Polls `endpoint health` until it succeeds; returns the last result either way. */
  async waitHealthy(timeoutMs = 60_000): Promise<ToolResult> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.etcdctl('endpoint', 'health', '--command-timeout=2s');
      if (result.exitCode === 0 || Date.now() > deadline) return result;
      await sleep(200);
    }
  }

  /** The server version etcd reports (`endpoint status`). */
  async serverVersion(): Promise<string> {
    const result = await this.etcdctl('endpoint', 'status', '-w', 'json');
    const parsed = JSON.parse(result.stdout) as { Status: { version: string } }[];
    return parsed[0]?.Status.version ?? '';
  }
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(100);
  }
}
