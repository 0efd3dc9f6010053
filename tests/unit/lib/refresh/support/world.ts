/**
 * A small model of Juju and the machines around the pure refresh core, for
 * property-based and exhaustive exploration. Juju is the simulator's pure core
 * (juju.ts: its event order on deploy, `juju refresh`, config changes, peer
 * joins and departures, leadership, coalescing, retries); this world drives it
 * one event at a time and adds the machines: units' local files, snap
 * revisions, a workload that is up or down, and etcd's cluster version
 * (etcd-model.ts). Effects and invariants are in effects.ts; the operator in
 * operator.ts.
 */
import { cloneModel, stepInPlace, readyUnits, type CoreModel, type CoreUnit, type Input, type QueuedEvent } from '../../../../../lib/juju/testing/fake-juju/core/index.js';
import { emptyCommit, type CommitResult } from '../../../../../lib/juju/testing/fake-juju/commit.js';
import type { ActionOutcome, Status } from '../../../../../lib/refresh/types.js';
import { checkState } from './effects.js';
import { EtcdCluster, type Member } from './etcd-model.js';
import type { Faults } from './faults.js';
import { APP, type CharmRev } from './fixtures.js';
import { charmFiles, charmRef, emptyModel, PAUSE_KEY, peerRelation } from './juju.js';
import { minorOfSnap } from './releases.js';
import { runEvent } from './run-event.js';
import { UnitState, type Machine } from './unit.js';

export { UnitState } from './unit.js';
export type { QueuedEvent } from '../../../../../lib/juju/testing/fake-juju/core/index.js';

type Body = Input extends infer I ? (I extends { at: number } ? Omit<I, 'at'> : never) : never;

export class RefreshWorld {
  readonly units = new Map<string, UnitState>();
  core: CoreModel;
  deployed: CharmRev;
  clock = 10_000;
  appStatus: Status | undefined;
  etcd: EtcdCluster;
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  /** Charm revisions the core installed, by revision (CharmRev values are never changed). */
  private readonly releases: Map<number, CharmRev>;

  constructor(
    size: number,
    release: CharmRev,
    public faults: Faults,
    from?: { core: CoreModel; releases: Map<number, CharmRev> },
  ) {
    this.deployed = release;
    this.etcd = new EtcdCluster(minorOfSnap(release.snap));
    this.releases = from?.releases ?? new Map([[release.revision, release]]);
    this.core = from?.core ?? emptyModel(this.clock);
    if (from) return;
    this.send({ kind: 'deploy', app: APP, charm: charmRef(release), files: charmFiles, units: 0 });
    for (let i = 0; i < size; i += 1) this.addUnit();
  }

  /** A deep copy: changing it leaves this world as it was. */
  clone(): RefreshWorld {
    const copy = new RefreshWorld(0, this.deployed, this.faults.clone(), { core: cloneModel(this.core), releases: this.releases });
    for (const [name, unit] of this.units) copy.units.set(name, unit.copyFor(copy));
    copy.clock = this.clock;
    copy.appStatus = this.appStatus === undefined ? undefined : { ...this.appStatus };
    copy.etcd = this.etcd.clone();
    copy.violations.push(...this.violations);
    copy.trace.push(...this.trace);
    return copy;
  }

  /** One input to the core at the world's clock; applies its commands to the machines. */
  send(body: Body): { reply: Record<string, unknown>; run: QueuedEvent | undefined } {
    // The world owns its model (clone() copies it), so the core steps it in place.
    const result = stepInPlace(this.core, { ...body, at: this.clock } as Input);
    // Status history and logs are the simulator's, not state: they would only grow.
    this.core.history.length = 0;
    this.core.logs.length = 0;
    let run: QueuedEvent | undefined;
    for (const command of result.commands) {
      if (command.kind === 'run') run = command.event;
      if (command.kind === 'install-charm') this.units.get(command.unit)?.install(this.releaseOf(command.charm.revision), this.clock);
      if (command.kind === 'unit-removed') this.unitGone(command.unit);
    }
    return { reply: result.reply, run };
  }

  private releaseOf(revision: number): CharmRev {
    const release = this.releases.get(revision);
    if (!release) throw new Error(`unknown charm revision ${revision}`);
    return release;
  }

  coreUnit(name: string): CoreUnit | undefined {
    return this.core.units[name];
  }

  get peerBags(): { units: Record<string, Record<string, string>>; app: Record<string, string> } {
    const relation = peerRelation(this.core);
    return { units: relation.unitData, app: (relation.appData[APP] ??= {}) };
  }

  get appBag(): Record<string, string> {
    return this.peerBags.app;
  }

  get leader(): string {
    return Object.values(this.core.units).find((u) => u.juju.leader)?.name ?? '';
  }

  get pause(): string {
    const value = this.core.applications[APP]?.config[PAUSE_KEY];
    return typeof value === 'string' ? value : 'first';
  }

  get unitsAdded(): number {
    return this.core.applications[APP]?.nextUnit ?? 0;
  }

  addUnit(): string {
    this.clock += 1;
    const { reply } = this.send({ kind: 'add-unit', app: APP, units: 1 });
    const name = (reply['units'] as string[])[0] ?? '';
    const machine: Machine = {
      n: Number(name.split('/')[1]),
      name,
      code: this.deployed,
      mtime: this.clock,
      files: new Map(),
      snap: null,
      workloadUp: false,
      everUp: false,
      ranMinor: undefined,
      refreshed: false,
      refusal: undefined,
    };
    this.units.set(name, new UnitState(this, machine));
    this.trace.push(`add-unit ${name}`);
    return name;
  }

  removeUnit(name: string): void {
    const unit = this.units.get(name);
    if (!unit || unit.dying || this.live().length <= 1) return;
    this.send({ kind: 'remove-unit', units: [name] });
    this.trace.push(`remove-unit ${name}`);
  }

  /** After its `remove` hook the unit's machine goes, and its member with it. */
  private unitGone(name: string): void {
    const unit = this.units.get(name);
    if (unit) unit.workloadUp = false;
    this.units.delete(name);
    this.settleEtcd();
  }

  setLeader(name: string): void {
    this.send({ kind: 'elect-leader', app: APP, unit: name });
  }

  live(): UnitState[] {
    return [...this.units.values()].filter((unit) => !unit.dying).sort((a, b) => b.n - a.n);
  }

  /** Units in the peer relation as others see them: in its scope and not departing. */
  relationUnits(): UnitState[] {
    return this.live().filter((unit) => unit.joined);
  }

  /** Units the core would run something on now (a hook, a retried hook, an action), in unit order. */
  pending(): UnitState[] {
    return readyUnits(this.core).flatMap((u) => this.units.get(u.name) ?? []);
  }

  quiescent(): boolean {
    return this.pending().length === 0;
  }

  /** etcd members: units whose workload ran once and that have not left. */
  members(): Member[] {
    return [...this.units.values()].filter((u) => u.everUp && u.snap !== null).map((u) => ({ minor: minorOfSnap(u.snap!), up: u.workloadUp }));
  }

  settleEtcd(): void {
    this.etcd.settle(this.members());
  }

  jujuRefresh(release: CharmRev): void {
    this.deployed = release;
    this.releases.set(release.revision, release);
    this.trace.push(`juju refresh --revision ${release.revision}`);
    this.clock += 1;
    this.send({ kind: 'refresh', app: APP, charm: charmRef(release), files: charmFiles });
  }

  configure(pause: string): void {
    this.trace.push(`config pause-after-unit-refresh=${pause}`);
    this.send({ kind: 'config', app: APP, set: { [PAUSE_KEY]: pause }, reset: [] });
  }

  /** Runs the next event the core has for `unit` (nothing when it has none); returns an action's outcome. */
  step(unit: UnitState): ActionOutcome | undefined {
    if (!this.pending().includes(unit)) return undefined;
    this.clock += 1;
    const { run } = this.send({ kind: 'run-next', unit: unit.name });
    if (run === undefined) throw new Error(`the core started nothing on ${unit.name}`);
    let commit: CommitResult = emptyCommit(false);
    let exitCode = 1;
    let outcome: ActionOutcome | undefined;
    try {
      ({ exitCode, commit, outcome } = runEvent(this, unit, run));
    } finally {
      this.send({ kind: 'hook-done', unit: unit.name, exitCode, commit });
    }
    return outcome;
  }

  /** `juju run`: the action is queued and, the unit being idle, runs now; returns its outcome. */
  runAction(name: string, action: string, params: Record<string, unknown> = {}): ActionOutcome | undefined {
    const unit = this.units.get(name);
    if (!unit) return undefined;
    this.trace.push(`juju run ${name} ${action} ${JSON.stringify(params)}`);
    this.send({ kind: 'run-action', unit: name, action, params });
    // Before install the action waits in the core's queue and runs with a later step.
    return this.coreUnit(name)?.queue.some((h) => h.name === 'install') ? undefined : this.step(unit);
  }

  /** Checked after every step. */
  checkState(): void {
    checkState(this);
  }

  /** Time passes: Juju fires update-status on every started unit. */
  tick(): void {
    this.send({ kind: 'update-status' });
  }

  /** Drains every queue round-robin (bounded). */
  drain(maxSteps = 2_000): void {
    for (let i = 0; i < maxSteps && !this.quiescent(); i += 1) {
      for (const unit of this.pending()) {
        this.step(unit);
        this.checkState();
      }
    }
  }

  /** Whether the model settled with every unit on the deployed release's snap. */
  completed(): boolean {
    return this.quiescent() && this.live().every((unit) => unit.snap === this.deployed.snap);
  }
}
