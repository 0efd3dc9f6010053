/**
 * Several units of the charm on the harness, sharing one fake etcd cluster:
 * each run builds the unit's State from the shared peer data, runs the real
 * charm with fake effects, and copies what it committed back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { refreshSequence, teardownSequence } from '../../../../lib/juju/testing/fake-juju/core/events.js';
import { Context, createState } from '../../../../lib/juju/testing/index.js';
import type { Bag, CharmFile, HarnessEvent, PeerRelation, Relation, RunResult, Secret, State } from '../../../../lib/juju/testing/index.js';
import { createCharm } from '../../../../src/charm/charm.js';
import type { CharmEffects } from '../../../../src/charm/effects.js';
import type { SnapshotRestoreOptions } from '../../../../src/etcd/etcdutl.js';
import { etcdRefreshStep } from '../../../../src/refresh/wiring.js';
import { FakeEtcdCluster } from './fake-etcd.js';
import { FakeSnap } from './fake-snap.js';
import { FakeObjectStorage } from './fake-object-store.js';
import { harnessEvent } from './juju-events.js';
import { unitEffects } from './world-effects.js';
import { APP, BUILDS, charmYaml, DATA_STORAGE, ipOf, PEER_ID, REFRESH_ID, refreshVersionsToml, type CharmBuild } from './world-fixtures.js';
import type { UnitSim, WorldOptions } from './world-types.js';

export { APP, BUILDS, DATA_STORAGE, ipOf, PEER_ID, REFRESH_ID, REFRESH_VERSIONS, refreshVersionsToml } from './world-fixtures.js';
export type { CharmBuild } from './world-fixtures.js';

export type { UnitSim, WorldOptions } from './world-types.js';

export class World {
  readonly cluster = new FakeEtcdCluster();
  readonly units = new Map<number, UnitSim>();
  appBag: Record<string, string> = {};
  appStatus: State['appStatus'] = { name: 'unknown', message: '' };
  secrets: Secret[] = [];
  config: Record<string, string | number | boolean> = {};
  leader = 0;
  clock = Date.parse('2025-01-01T00:00:00Z');
  password = 'generated-password-1';
  refreshAppBag: Record<string, string> = {};
  /** Units goal-state reports; default: every unit in the world. */
  plannedUnits: number | undefined;
  build: CharmBuild;
  /** Snapshots `etcdctl snapshot save` wrote, by path. */
  readonly snapshots: string[] = [];
  /** `etcdutl snapshot restore` calls, by unit. */
  readonly restores: { unit: number; file: string; options: SnapshotRestoreOptions }[] = [];
  /** Non-peer relations every unit sees (e.g. `s3-credentials`); the leader's app bag writes are copied back. */
  otherRelations: Relation[] = [];
  /** The object storage behind `s3-credentials` (accepts these credentials). */
  readonly objectStorage = new FakeObjectStorage('test-access-key', 'test-secret-key');
  readonly #roots: string[] = [];
  readonly #yaml = charmYaml();

  constructor(options: WorldOptions = {}) {
    this.build = options.build ?? BUILDS.etcd3516;
    this.cluster.version = this.build.workload;
  }

  /** Charm files as Juju unpacks revision `b` at time `mtimeMs`. */
  charmFilesFor(b: CharmBuild, mtimeMs: number): Record<string, CharmFile> {
    return {
      '.juju-charm': { content: `ch:amd64/noble/charmed-etcd-${b.revision}\n`, mtimeMs },
      'refresh_versions.toml': { content: refreshVersionsToml(b), mtimeMs },
    };
  }

  addUnit(n: number): UnitSim {
    const root = mkdtempSync(path.join(tmpdir(), `charm-unit-${n}-`));
    this.#roots.push(root);
    const unit: UnitSim = {
      n,
      ctx: new Context({ charmYaml: this.#yaml, unitId: n }),
      root,
      snap: new FakeSnap(root, this.cluster),
      address: ipOf(n),
      bag: this.#addressBag(n),
      unitStatus: { name: 'unknown', message: '' },
      openedPorts: [],
      architecture: 'x86_64',
      refreshBag: this.#addressBag(n),
      charmFiles: this.charmFilesFor(this.build, this.clock),
      workloadVersion: '',
      refresh: etcdRefreshStep,
      relationBags: {},
    };
    this.units.set(n, unit);
    return unit;
  }

  #addressBag(n: number, address = ipOf(n)): Record<string, string> {
    return { 'private-address': address, 'ingress-address': address, 'egress-subnets': `${address}/32` };
  }

  /**
   * The machine of unit `n` gets address `ip`: network-get answers it at once;
   * Juju's address keys in the unit's bags follow when a config-changed
   * commits (see {@link hook}). Runs nothing.
   */
  setAddress(n: number, ip: string): void {
    this.unit(n).address = ip;
  }

  unit(n: number): UnitSim {
    const u = this.units.get(n);
    if (u === undefined) throw new Error(`no unit ${n}`);
    return u;
  }

  /** The fake machine and services unit `u`'s charm runs against (world-effects.ts). */
  effects(u: UnitSim): CharmEffects {
    return unitEffects(this, u);
  }

  /** The peer relation as unit `n` sees it. */
  peerRelation(n: number): PeerRelation {
    const u = this.unit(n);
    const peersData: Record<number, Bag> = {};
    for (const [m, other] of this.units) if (m !== n) peersData[m] = other.bag;
    return u.ctx.peerRelation({ endpoint: 'etcd-peers', id: PEER_ID, localAppData: this.appBag, localUnitData: u.bag, peersData });
  }

  /** The refresh peer relation as unit `n` sees it. */
  refreshRelation(n: number): PeerRelation {
    const u = this.unit(n);
    const peersData: Record<number, Bag> = {};
    for (const [m, other] of this.units) if (m !== n) peersData[m] = other.refreshBag;
    return u.ctx.peerRelation({ endpoint: 'refresh-v-three', id: REFRESH_ID, localAppData: this.refreshAppBag, localUnitData: u.refreshBag, peersData });
  }

  state(n: number, relation: PeerRelation | undefined): State {
    const u = this.unit(n);
    return createState({
      leader: this.leader === n,
      config: this.config,
      relations: relation === undefined ? this.#otherRelationsOf(u) : [relation, this.refreshRelation(n), ...this.#otherRelationsOf(u)],
      plannedUnits: this.plannedUnits ?? this.units.size,
      workloadVersion: u.workloadVersion,
      secrets: this.secrets,
      address: u.address,
      unitStatus: u.unitStatus,
      appStatus: this.appStatus,
      openedPorts: u.openedPorts,
      storages: [DATA_STORAGE],
      charmFiles: u.charmFiles,
    });
  }

  /** {@link otherRelations} with unit `u`'s own bags. */
  #otherRelationsOf(u: UnitSim): Relation[] {
    return this.otherRelations.map((r) => {
      const bag = u.relationBags[r.id];
      return bag === undefined ? r : { ...r, localUnitData: bag };
    });
  }

  /**
   * Runs `event(ctx, relation)` on unit `n` and copies its committed peer
   * data, secrets, ports and statuses back into the world.
   */
  async run(
    n: number,
    event: (ctx: Context, relation: PeerRelation, refresh: PeerRelation) => HarnessEvent,
    options: { withoutPeers?: boolean } = {},
  ): Promise<RunResult> {
    const u = this.unit(n);
    const relation = this.peerRelation(n);
    const refresh = this.refreshRelation(n);
    const out = await u.ctx.run(event(u.ctx, relation, refresh), this.state(n, options.withoutPeers === true ? undefined : relation), createCharm({ effects: () => this.effects(u), refresh: u.refresh }));
    const rel = out.state.relations.find((r) => r.id === PEER_ID);
    if (rel !== undefined && rel.kind === 'peer') {
      u.bag = { ...rel.localUnitData };
      if (this.leader === n) this.appBag = { ...rel.localAppData };
    }
    const rrel = out.state.relations.find((r) => r.id === REFRESH_ID);
    if (rrel !== undefined && rrel.kind === 'peer') {
      u.refreshBag = { ...rrel.localUnitData };
      if (this.leader === n) this.refreshAppBag = { ...rrel.localAppData };
    }
    for (const r of this.otherRelations) {
      const after = out.state.relations.find((o) => o.id === r.id);
      if (after !== undefined && after.kind === 'relation') u.relationBags[r.id] = { ...after.localUnitData };
    }
    if (this.leader === n) {
      this.otherRelations = this.otherRelations.map((r) => {
        const after = out.state.relations.find((o) => o.id === r.id);
        return after !== undefined && after.kind === 'relation' ? { ...r, localAppData: { ...after.localAppData } } : r;
      });
    }
    u.charmFiles = { ...out.state.charmFiles };
    u.workloadVersion = out.state.workloadVersion;
    this.secrets = [...out.state.secrets];
    u.unitStatus = out.state.unitStatus;
    u.openedPorts = out.state.openedPorts;
    if (this.leader === n) this.appStatus = out.state.appStatus;
    return out;
  }

  /** Runs a hook that needs no relation argument. */
  async hook(n: number, name: 'install' | 'start' | 'config-changed' | 'update-status' | 'leader-elected' | 'stop' | 'remove' | 'upgrade-charm'): Promise<RunResult> {
    const pick = {
      install: (c: Context) => c.on.install(),
      'upgrade-charm': (c: Context) => c.on.upgradeCharm(),
      start: (c: Context) => c.on.start(),
      'config-changed': (c: Context) => c.on.configChanged(),
      'update-status': (c: Context) => c.on.updateStatus(),
      'leader-elected': (c: Context) => c.on.leaderElected(),
      stop: (c: Context) => c.on.stop(),
      remove: (c: Context) => c.on.remove(),
    }[name];
    const out = await this.run(n, (ctx) => pick(ctx), { withoutPeers: name === 'install' });
    if (name === 'config-changed' && out.exitCode === 0) {
      // Juju rewrites the unit's address keys with config-changed's commit (UpdateNetworkInfo).
      const u = this.unit(n);
      u.bag = { ...u.bag, ...this.#addressBag(n, u.address) };
      u.refreshBag = { ...u.refreshBag, ...this.#addressBag(n, u.address) };
    }
    return out;
  }

  /** A peer relation-changed on `n` about `remote`. */
  changed(n: number, remote: number): Promise<RunResult> {
    return this.run(n, (ctx, rel) => ctx.on.relationChanged(rel, { remoteUnit: remote }));
  }

  /**
   * Deploys units 0..count-1 (unit 0 leads) and settles the cluster: every
   * unit is planned from the start, as `juju deploy -n` plans them.
   */
  async deploy(count: number): Promise<void> {
    for (let n = 0; n < count; n++) this.addUnit(n);
    for (let n = 0; n < count; n++) await this.hook(n, 'install');
    for (let n = 0; n < count; n++) await this.hook(n, n === this.leader ? 'leader-elected' : 'config-changed');
    for (let n = 0; n < count; n++) await this.hook(n, 'start');
    await this.settle();
  }

  /** A `refresh-v-three` relation-changed on `n` about `remote`. */
  refreshChanged(n: number, remote: number): Promise<RunResult> {
    return this.run(n, (ctx, _rel, refresh) => ctx.on.relationChanged(refresh, { remoteUnit: remote }));
  }

  /** Runs an action on unit `n`. */
  action(n: number, name: string, params: Readonly<Record<string, unknown>> = {}): Promise<RunResult> {
    return this.run(n, (ctx) => ctx.on.action(name, params));
  }

  /**
   * `juju refresh --revision`: every unit's charm code is replaced (new
   * `.juju-charm` mtime), then each unit runs upgrade-charm and config-changed,
   * in `order` (default: as Juju might, lowest first). Does not settle.
   */
  async refreshCharm(b: CharmBuild, order?: readonly number[]): Promise<void> {
    this.build = b;
    this.clock += 60_000;
    const files = this.charmFilesFor(b, this.clock);
    for (const u of this.units.values()) u.charmFiles = { ...u.charmFiles, ...files };
    for (const n of order ?? [...this.units.keys()].sort((a, c) => a - c)) {
      // Juju's order on a machine refresh, from the core (upgrade-charm, config-changed).
      for (const hook of refreshSequence(false)) await this.hook(n, hook.name as 'upgrade-charm' | 'config-changed');
    }
  }

  /** Runs relation-changed rounds on every unit until nothing changes (at most `rounds`). */
  async settle(rounds = 12): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const snapshot = () =>
        JSON.stringify([this.appBag, this.refreshAppBag, [...this.units.values()].map((u) => [u.bag, u.refreshBag, u.snap.revision()]), this.cluster.list()]);
      const before = snapshot();
      for (const [n] of this.units) {
        const remote = [...this.units.keys()].find((m) => m !== n);
        if (remote === undefined) await this.hook(n, 'update-status');
        else await this.changed(n, remote);
      }
      const after = snapshot();
      if (before === after) return;
    }
  }

  /**
   * Juju's removal sequence on unit `n`: -departed for each remaining peer
   * (with itself departing), stop, data-storage-detaching, remove. Stops at
   * the first failed hook and returns its result; forgets the unit on success.
   */
  async removeUnit(n: number): Promise<RunResult> {
    const self = `${APP}/${n}`;
    const others = [...this.units.keys()].filter((m) => m !== n);
    // Juju's teardown order, from the core: -departed per remaining peer (itself departing), stop, storage-detaching, remove.
    const sequence = teardownSequence({
      app: APP,
      self,
      peers: [{ relation: { id: PEER_ID, endpoint: this.peerRelation(n).endpoint }, units: others.map((m) => `${APP}/${m}`) }],
      storage: [{ name: DATA_STORAGE.name, id: `${DATA_STORAGE.name}/${n}` }],
    });
    let last: RunResult | undefined;
    for (const hook of sequence) {
      last = await this.run(n, (ctx, rel) => harnessEvent(ctx, hook, rel));
      if (last.exitCode !== 0) return last;
    }
    this.forget(n);
    for (const m of this.units.keys()) await this.run(m, (ctx, rel) => ctx.on.relationDeparted(rel, { remoteUnit: n }));
    return last!;
  }

  /** Removes unit `n` from the world (after its teardown hooks). */
  forget(n: number): void {
    this.units.delete(n);
  }

  cleanup(): void {
    for (const root of this.#roots) rmSync(root, { recursive: true, force: true });
  }
}
