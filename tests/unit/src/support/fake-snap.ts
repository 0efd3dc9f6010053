/** A fake snapd for one unit: installs by making the `current` symlink, runs etcd in the fake cluster. */
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { SnapAdapter } from '../../../../src/effects.js';
import { unitPaths } from '../../../../src/paths.js';
import type { FakeEtcdCluster } from './fake-etcd.js';

export class FakeSnap implements SnapAdapter {
  readonly root: string;
  readonly cluster: FakeEtcdCluster;
  readonly calls: string[] = [];
  failInstall = false;
  /** etcd exits right after every start (a bad release, a broken machine). */
  failStart = false;

  constructor(root: string, cluster: FakeEtcdCluster) {
    this.root = root;
    this.cluster = cluster;
  }

  #memberName(): string | undefined {
    const file = unitPaths(this.root).configFile;
    if (!existsSync(file)) return undefined;
    return /^name: (.+)$/m.exec(readFileSync(file, 'utf8'))?.[1];
  }

  #launch(): void {
    const paths = unitPaths(this.root);
    if (this.failStart || !existsSync(paths.configFile)) return;
    if (this.cluster.startFromConfig(readFileSync(paths.configFile, 'utf8'))) mkdirSync(paths.memberDir, { recursive: true });
  }

  async install(name: string, revision: string): Promise<void> {
    this.calls.push(`install ${name} --revision ${revision}`);
    if (this.failInstall) throw new Error('error: cannot install "charmed-etcd": store unreachable');
    const base = path.join(this.root, 'snap', name);
    mkdirSync(path.join(base, revision), { recursive: true });
    symlinkSync(revision, path.join(base, 'current'));
  }

  async hold(name: string): Promise<void> {
    this.calls.push(`refresh --hold ${name}`);
  }

  async refresh(name: string, revision: string): Promise<void> {
    this.calls.push(`refresh ${name} --revision ${revision}`);
  }

  async start(service: string, options: { readonly enable?: boolean } = {}): Promise<void> {
    this.calls.push(`start${options.enable === true ? ' --enable' : ''} ${service}`);
    const name = this.#memberName();
    if (name !== undefined && this.cluster.isRunning(name)) return;
    this.#launch();
  }

  async stop(service: string, options: { readonly disable?: boolean } = {}): Promise<void> {
    this.calls.push(`stop${options.disable === true ? ' --disable' : ''} ${service}`);
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
