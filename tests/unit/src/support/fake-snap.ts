/** A fake snapd for one unit: installs by making the `current` symlink, runs etcd in the fake cluster. */
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { decodeWal, unreplayableIn37 } from '../../../../src/etcd/wal-records.js';
import type { SnapAdapter } from '../../../../src/etcd/snap.js';
import { unitPaths } from '../../../../src/etcd/paths.js';
import type { FakeEtcdCluster } from './fake-etcd.js';
import { file, snapshot, state, writeWalFile } from './wal-frames.js';

/**
 * The store, as the simulator's: snap revision -> etcd version (revision 4 is a release whose daemon fails),
 * plus 3.6 and 3.7 revisions for the minor refreshes the harness plays.
 */
export const STORE: Readonly<Record<string, string>> = { '1': '3.4.23', '2': '3.5.16', '3': '3.5.30', '4': '3.5.31', '5': '3.6.13', '6': '3.6.16', '7': '3.7.3' };
export const BROKEN_REVISION = '4';

export class FakeSnap implements SnapAdapter {
  readonly root: string;
  readonly cluster: FakeEtcdCluster;
  readonly calls: string[] = [];
  failInstall = false;
  /** `snap refresh` fails (store unreachable). */
  failRefresh = false;
  /** etcd exits right after every start (a bad release, a broken machine). */
  failStart = false;
  enabled = false;
  /** etcd 3.6 takes no snapshot at start whatever `snapshot-count` says (src/refresh/wal-snapshot.ts's failure). */
  neverSnapshots = false;

  constructor(root: string, cluster: FakeEtcdCluster) {
    this.root = root;
    this.cluster = cluster;
  }

  #memberName(): string | undefined {
    const file = unitPaths(this.root).configFile;
    if (!existsSync(file)) return undefined;
    return /^name: (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
  }

  /** The installed revision (from the `current` symlink). */
  revision(): string | undefined {
    try {
      return readlinkSync(unitPaths(this.root).snapCurrent);
    } catch {
      return undefined;
    }
  }

  #launch(): void {
    const paths = unitPaths(this.root);
    const revision = this.revision();
    if (this.failStart || revision === BROKEN_REVISION || !existsSync(paths.configFile)) return;
    const version = revision === undefined ? undefined : STORE[revision];
    if (version !== undefined && !this.#replaysWal(version, readFileSync(paths.configFile, 'utf8'))) return;
    if (this.cluster.startFromConfig(readFileSync(paths.configFile, 'utf8'), version)) mkdirSync(paths.memberDir, { recursive: true });
  }

  /**
   * What a real start does with a WAL a test planted under memberDir/wal
   * (the fake cluster keeps no WAL of its own): 3.7 panics on entries 3.5
   * wrote after the latest snapshot; 3.6 snapshots when more than
   * `snapshot-count` entries follow it. False when etcd would not start.
   */
  #replaysWal(version: string, configText: string): boolean {
    const dir = path.join(unitPaths(this.root).memberDir, 'wal');
    if (!existsSync(dir)) return true;
    const names = readdirSync(dir).filter((n) => n.endsWith('.wal')).sort();
    const wal = decodeWal(names.map((n) => readFileSync(path.join(dir, n))));
    if (version.startsWith('3.7.') && unreplayableIn37(wal).length > 0) return false;
    const since = wal.snapshots.filter((s) => s <= wal.commit).at(-1) ?? 0;
    const count = Number((yaml.load(configText) as Record<string, unknown>)['snapshot-count']);
    if (version.startsWith('3.6.') && !this.neverSnapshots && wal.commit - since > count) {
      writeWalFile(unitPaths(this.root).memberDir, wal.commit + 1, file(snapshot(wal.commit), state(wal.commit)));
    }
    return true;
  }

  #link(name: string, revision: string): void {
    const base = path.join(this.root, 'snap', name);
    mkdirSync(path.join(base, revision), { recursive: true });
    rmSync(path.join(base, 'current'), { force: true });
    symlinkSync(revision, path.join(base, 'current'));
  }

  async install(name: string, revision: string): Promise<void> {
    this.calls.push(`install ${name} --revision ${revision}`);
    if (this.failInstall) throw new Error('error: cannot install "charmed-etcd": store unreachable');
    this.#link(name, revision);
    this.enabled = true;
  }

  async hold(name: string): Promise<void> {
    this.calls.push(`refresh --hold ${name}`);
  }

  async refresh(name: string, revision: string): Promise<void> {
    this.calls.push(`refresh ${name} --revision ${revision}`);
    if (this.failRefresh) throw new Error(`error: cannot refresh "${name}": store unreachable`);
    const name0 = this.#memberName();
    if (name0 !== undefined) this.cluster.stopByName(name0);
    this.#link(name, revision);
    // snapd starts enabled services again after a refresh.
    if (this.enabled) this.#launch();
  }

  async start(service: string, options: { readonly enable?: boolean } = {}): Promise<void> {
    this.calls.push(`start${options.enable === true ? ' --enable' : ''} ${service}`);
    if (options.enable === true) this.enabled = true;
    const name = this.#memberName();
    if (name !== undefined && this.cluster.isRunning(name)) return;
    this.#launch();
  }

  async stop(service: string, options: { readonly disable?: boolean } = {}): Promise<void> {
    this.calls.push(`stop${options.disable === true ? ' --disable' : ''} ${service}`);
    if (options.disable === true) this.enabled = false;
    const name = this.#memberName();
    if (name !== undefined) this.cluster.stopByName(name);
  }

  async restart(service: string): Promise<void> {
    this.calls.push(`restart ${service}`);
    const name = this.#memberName();
    if (name !== undefined) this.cluster.stopByName(name);
    this.#launch();
  }

  async isActive(_service: string): Promise<boolean> {
    const name = this.#memberName();
    return name !== undefined && this.cluster.isRunning(name);
  }

  /** Kills etcd behind the charm's back (a crash). */
  kill(): void {
    const name = this.#memberName();
    if (name !== undefined) this.cluster.stopByName(name);
  }
}
