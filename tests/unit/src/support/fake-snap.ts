/** A fake snapd for one unit: installs by making the `current` symlink, runs etcd in the fake cluster. */
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { SnapAdapter } from '../../../../src/etcd/snap.js';
import { unitPaths } from '../../../../src/etcd/paths.js';
import type { FakeEtcdCluster } from './fake-etcd.js';

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
    if (this.cluster.startFromConfig(readFileSync(paths.configFile, 'utf8'), version)) mkdirSync(paths.memberDir, { recursive: true });
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
