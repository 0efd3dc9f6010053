/**
 * Several units of the charm on the harness, sharing one fake etcd cluster:
 * each run builds the unit's State from the shared peer data, runs the real
 * charm with fake effects, and copies what it committed back.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Context, REPO_ROOT, createState, storage } from '../../../../lib/juju/testing/index.js';
import type { Bag, HarnessEvent, PeerRelation, RunResult, Secret, State } from '../../../../lib/juju/testing/index.js';
import { createCharm } from '../../../../src/charm.js';
import type { CharmEffects } from '../../../../src/effects.js';
import type { RefreshStep } from '../../../../src/refresh-step.js';
import { FakeEtcdCluster } from './fake-etcd.js';
import { FakeSnap } from './fake-snap.js';

export const PEER_ID = 7;
export const APP = 'charmed-etcd';

/** actions.yaml plus the `health` action this charm adds (the repo file gets it from the lead). */
const HEALTH_ACTION = `
health:
  description: Health of every member, as published and as probed now.
  additionalProperties: false
`;

const charmYaml = () => {
  const read = (f: string) => readFileSync(path.join(REPO_ROOT, f), 'utf8');
  const actions = read('actions.yaml');
  return { metadata: read('metadata.yaml'), config: read('config.yaml'), actions: /^health:/m.test(actions) ? actions : actions + HEALTH_ACTION };
};

export const REFRESH_VERSIONS = `charm = "3.6/1.0.0"
charm_major = 1
workload = "3.5.16"

[snap]
name = "charmed-etcd"

[snap.revisions]
x86_64 = "2"
aarch64 = "3"
`;

/** The `data` storage every unit has. */
export const DATA_STORAGE = storage('data', { location: '/var/snap/charmed-etcd/common/var/lib/etcd' });

export const ipOf = (n: number): string => `10.0.0.${n + 10}`;

export interface UnitSim {
  readonly n: number;
  readonly ctx: Context;
  readonly root: string;
  readonly snap: FakeSnap;
  bag: Record<string, string>;
  unitStatus: State['unitStatus'];
  openedPorts: State['openedPorts'];
  architecture: string;
  refresh?: RefreshStep;
}

export class World {
  readonly cluster = new FakeEtcdCluster();
  readonly units = new Map<number, UnitSim>();
  appBag: Record<string, string> = {};
  appStatus: State['appStatus'] = { status: 'unknown', message: '' };
  secrets: Secret[] = [];
  config: Record<string, string | number | boolean> = {};
  leader = 0;
  clock = Date.parse('2025-01-01T00:00:00Z');
  password = 'generated-password-1';
  readonly #roots: string[] = [];
  readonly #yaml = charmYaml();

  addUnit(n: number): UnitSim {
    const root = mkdtempSync(path.join(tmpdir(), `charm-unit-${n}-`));
    this.#roots.push(root);
    const unit: UnitSim = {
      n,
      ctx: new Context({ charmYaml: this.#yaml, unitId: n }),
      root,
      snap: new FakeSnap(root, this.cluster),
      bag: this.#addressBag(n),
      unitStatus: { status: 'unknown', message: '' },
      openedPorts: [],
      architecture: 'x86_64',
    };
    this.units.set(n, unit);
    return unit;
  }

  #addressBag(n: number): Record<string, string> {
    return { 'private-address': ipOf(n), 'ingress-address': ipOf(n), 'egress-subnets': `${ipOf(n)}/32` };
  }

  unit(n: number): UnitSim {
    const u = this.units.get(n);
    if (u === undefined) throw new Error(`no unit ${n}`);
    return u;
  }

  effects(u: UnitSim): CharmEffects {
    const effects: CharmEffects = {
      root: u.root,
      snap: u.snap,
      etcd: (connect) => this.cluster.client(connect),
      now: () => this.clock,
      sleep: async (ms) => void (this.clock += ms),
      architecture: async () => u.architecture,
      hostCapacity: async () => ({ memoryBytes: 8 * 1024 ** 3, dataDiskBytes: 100 * 1024 ** 3 }),
      generatePassword: () => this.password,
      ...(u.refresh === undefined ? {} : { refresh: u.refresh }),
    };
    return effects;
  }

  /** The peer relation as unit `n` sees it. */
  peerRelation(n: number): PeerRelation {
    const u = this.unit(n);
    const peersData: Record<number, Bag> = {};
    for (const [m, other] of this.units) if (m !== n) peersData[m] = other.bag;
    return u.ctx.peerRelation({ endpoint: 'etcd-peers', id: PEER_ID, localAppData: this.appBag, localUnitData: u.bag, peersData });
  }

  state(n: number, relation: PeerRelation | undefined): State {
    const u = this.unit(n);
    return createState({
      leader: this.leader === n,
      config: this.config,
      relations: relation === undefined ? [] : [relation],
      secrets: this.secrets,
      address: ipOf(n),
      unitStatus: u.unitStatus,
      appStatus: this.appStatus,
      openedPorts: u.openedPorts,
      storages: [DATA_STORAGE],
      charmFiles: { 'refresh_versions.toml': { content: REFRESH_VERSIONS, mtimeMs: 1_700_000_000_000 } },
    });
  }

  /**
   * Runs `event(ctx, relation)` on unit `n` and copies its committed peer
   * data, secrets, ports and statuses back into the world.
   */
  async run(n: number, event: (ctx: Context, relation: PeerRelation) => HarnessEvent, options: { withoutPeers?: boolean } = {}): Promise<RunResult> {
    const u = this.unit(n);
    const relation = this.peerRelation(n);
    const out = await u.ctx.run(event(u.ctx, relation), this.state(n, options.withoutPeers === true ? undefined : relation), createCharm(() => this.effects(u)));
    const rel = out.state.relations.find((r) => r.id === PEER_ID);
    if (rel !== undefined && rel.kind === 'peer') {
      u.bag = { ...rel.localUnitData };
      if (this.leader === n) this.appBag = { ...rel.localAppData };
    }
    this.secrets = [...out.state.secrets];
    u.unitStatus = out.state.unitStatus;
    u.openedPorts = out.state.openedPorts;
    if (this.leader === n) this.appStatus = out.state.appStatus;
    return out;
  }

  /** Runs a hook that needs no relation argument. */
  hook(n: number, name: 'install' | 'start' | 'config-changed' | 'update-status' | 'leader-elected' | 'stop' | 'remove'): Promise<RunResult> {
    const pick = {
      install: (c: Context) => c.on.install(),
      start: (c: Context) => c.on.start(),
      'config-changed': (c: Context) => c.on.configChanged(),
      'update-status': (c: Context) => c.on.updateStatus(),
      'leader-elected': (c: Context) => c.on.leaderElected(),
      stop: (c: Context) => c.on.stop(),
      remove: (c: Context) => c.on.remove(),
    }[name];
    return this.run(n, (ctx) => pick(ctx), { withoutPeers: name === 'install' });
  }

  /** A peer relation-changed on `n` about `remote`. */
  changed(n: number, remote: number): Promise<RunResult> {
    return this.run(n, (ctx, rel) => ctx.on.relationChanged(rel, { remoteUnit: remote }));
  }

  /** Deploys units 0..count-1 (unit 0 leads) and settles the cluster. */
  async deploy(count: number): Promise<void> {
    for (let n = 0; n < count; n++) {
      this.addUnit(n);
      await this.hook(n, 'install');
      await this.hook(n, n === this.leader ? 'leader-elected' : 'config-changed');
      await this.hook(n, 'start');
    }
    await this.settle();
  }

  /** Runs relation-changed rounds on every unit until nothing changes (at most `rounds`). */
  async settle(rounds = 12): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const before = JSON.stringify([this.appBag, [...this.units.values()].map((u) => u.bag), this.cluster.list()]);
      for (const [n] of this.units) {
        const remote = [...this.units.keys()].find((m) => m !== n);
        if (remote === undefined) await this.hook(n, 'update-status');
        else await this.changed(n, remote);
      }
      const after = JSON.stringify([this.appBag, [...this.units.values()].map((u) => u.bag), this.cluster.list()]);
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
    let last: RunResult | undefined;
    const others = [...this.units.keys()].filter((m) => m !== n);
    for (const m of others) {
      last = await this.run(n, (ctx, rel) => ctx.on.relationDeparted(rel, { remoteUnit: m, departingUnit: self }));
      if (last.exitCode !== 0) return last;
    }
    for (const step of [
      (c: Context) => c.on.stop(),
      (c: Context) => c.on.storageDetaching(DATA_STORAGE),
      (c: Context) => c.on.remove(),
    ]) {
      last = await this.run(n, (ctx) => step(ctx));
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
