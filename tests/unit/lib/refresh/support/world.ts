/**
 * A small model of Juju and the machines around the pure refresh core, for
 * property-based and exhaustive exploration: units with local files, databags,
 * snap revisions and a workload that is up or down; etcd's cluster version
 * (etcd-model.ts); Juju's behaviour on `juju refresh` (code replaced on every
 * unit, then upgrade-charm and config-changed), relation-changed after every
 * committed databag change, hook failure and retry. Effects and invariants are
 * in effects.ts; the operator in operator.ts.
 */
import { decide } from '../../../../../lib/refresh/decide.js';
import type { LocalFileName } from '../../../../../lib/refresh/constants.js';
import type { ActionOutcome, EffectResults, RefreshDecision, RefreshEvent, Status } from '../../../../../lib/refresh/types.js';
import { checkState, performEffect } from './effects.js';
import { cancelOrphanedDowngrade, EtcdCluster, type Member } from './etcd-model.js';
import type { Faults } from './faults.js';
import { APP, type CharmRev } from './fixtures.js';
import { minorOfSnap, workloadOfSnap } from './releases.js';
import { snapshotOf } from './snapshot.js';

export type QueuedEvent =
  | { readonly kind: 'hook'; readonly name: string; readonly departingUnit?: string }
  | { readonly kind: 'upgrade'; readonly release: CharmRev };

export interface UnitState {
  readonly n: number;
  readonly name: string;
  code: CharmRev;
  mtime: number;
  readonly files: Map<LocalFileName, string>;
  snap: string | null;
  workloadUp: boolean;
  /** Was a cluster member once (a fresh unit that never ran does not count as down). */
  everUp: boolean;
  /** The etcd minor that last ran here (its data is that minor's); undefined before the first start. */
  ranMinor: number | undefined;
  /**
   * Its snap was refreshed from a running workload: random crashes model a refresh that
   * broke a working unit, so only these crash (not installs, not recoveries of a downed unit).
   */
  refreshed: boolean;
  bag: Record<string, string>;
  /** The charm's blocked unit status after its last event, when it refused a snap refresh. */
  refusal: string | undefined;
  queue: QueuedEvent[];
  joined: boolean;
  dying: boolean;
}

/** Applies databag changes (null deletes); returns how many there were. */
const commit = (bag: Record<string, string>, changes: Readonly<Record<string, string | null>>): number => {
  const entries = Object.entries(changes);
  for (const [key, value] of entries) {
    if (value === null) delete bag[key];
    else bag[key] = value;
  }
  return entries.length;
};

export class RefreshWorld {
  readonly units = new Map<string, UnitState>();
  appBag: Record<string, string> = {};
  leader: string;
  pause = 'first';
  deployed: CharmRev;
  clock = 10_000;
  appStatus: Status | undefined;
  etcd: EtcdCluster;
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  private nextNumber = 0;

  constructor(
    size: number,
    release: CharmRev,
    public faults: Faults,
  ) {
    this.deployed = release;
    this.etcd = new EtcdCluster(minorOfSnap(release.snap));
    for (let i = 0; i < size; i += 1) this.addUnit();
    this.leader = `${APP}/0`;
  }

  /** A deep copy: changing it leaves this world as it was. */
  clone(): RefreshWorld {
    const copy = new RefreshWorld(0, this.deployed, this.faults.clone());
    // Releases and queued events are never changed in place, so they may be shared.
    for (const [name, unit] of this.units) copy.units.set(name, { ...unit, files: new Map(unit.files), bag: { ...unit.bag }, queue: [...unit.queue] });
    copy.appBag = { ...this.appBag };
    copy.leader = this.leader;
    copy.pause = this.pause;
    copy.clock = this.clock;
    copy.appStatus = this.appStatus === undefined ? undefined : { ...this.appStatus };
    copy.etcd = this.etcd.clone();
    copy.violations.push(...this.violations);
    copy.trace.push(...this.trace);
    copy.nextNumber = this.nextNumber;
    return copy;
  }

  get unitsAdded(): number {
    return this.nextNumber;
  }

  addUnit(): string {
    const n = this.nextNumber++;
    const name = `${APP}/${n}`;
    this.clock += 1;
    this.units.set(name, {
      n,
      name,
      code: this.deployed,
      mtime: this.clock,
      files: new Map(),
      snap: null,
      workloadUp: false,
      everUp: false,
      ranMinor: undefined,
      refreshed: false,
      bag: {},
      refusal: undefined,
      queue: [{ kind: 'hook', name: 'install' }, { kind: 'hook', name: 'refresh-v-three-relation-created' }, { kind: 'hook', name: 'config-changed' }, { kind: 'hook', name: 'start' }],
      joined: false,
      dying: false,
    });
    this.trace.push(`add-unit ${name}`);
    return name;
  }

  removeUnit(name: string): void {
    const unit = this.units.get(name);
    if (!unit || unit.dying || this.live().length <= 1) return;
    unit.dying = true;
    unit.queue.unshift({ kind: 'hook', name: 'refresh-v-three-relation-departed', departingUnit: name });
    for (const other of this.live()) {
      if (other.joined) other.queue.push({ kind: 'hook', name: 'refresh-v-three-relation-departed', departingUnit: name });
    }
    if (this.leader === name) this.setLeader(this.live()[0]!.name);
    this.trace.push(`remove-unit ${name}`);
  }

  setLeader(name: string): void {
    this.leader = name;
    this.units.get(name)?.queue.push({ kind: 'hook', name: 'leader-elected' });
  }

  live(): UnitState[] {
    return [...this.units.values()].filter((unit) => !unit.dying).sort((a, b) => b.n - a.n);
  }

  /** Units in the peer relation as others see them: joined and not departing. */
  relationUnits(): UnitState[] {
    return this.live().filter((unit) => unit.joined);
  }

  pending(): UnitState[] {
    return [...this.units.values()].filter((unit) => unit.queue.length > 0);
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
    this.trace.push(`juju refresh --revision ${release.revision}`);
    for (const unit of this.live()) {
      // Each unit finishes its current hook, gets the new code, then runs upgrade-charm.
      unit.queue = unit.queue.filter((event) => event.kind !== 'upgrade');
      unit.queue.unshift({ kind: 'upgrade', release });
    }
  }

  configure(pause: string): void {
    this.pause = pause;
    this.trace.push(`config pause-after-unit-refresh=${pause}`);
    for (const unit of this.live()) unit.queue.push({ kind: 'hook', name: 'config-changed' });
  }

  /** Processes the next queued event of `unit`. */
  step(unit: UnitState): void {
    const event = unit.queue.shift();
    if (event === undefined) return;
    this.clock += 1;
    if (event.kind === 'upgrade') {
      unit.code = event.release;
      unit.mtime = this.clock;
      this.runHook(unit, { kind: 'hook', name: 'upgrade-charm' });
      unit.queue.unshift({ kind: 'hook', name: 'config-changed' });
      return;
    }
    if (event.name === 'refresh-v-three-relation-created' && !unit.joined) {
      unit.joined = true;
      for (const other of this.relationUnits()) {
        if (other !== unit) other.queue.push({ kind: 'hook', name: 'refresh-v-three-relation-joined' });
      }
    }
    const failed = this.runHook(unit, event);
    if (failed) {
      unit.queue.unshift(event); // Juju retries the failed hook
      return;
    }
    if (event.name === 'refresh-v-three-relation-departed' && event.departingUnit === unit.name) {
      unit.workloadUp = false;
      this.units.delete(unit.name);
      this.settleEtcd();
    }
  }

  /** Runs an action now; returns its outcome. */
  runAction(name: string, action: string, params: Record<string, unknown> = {}): ActionOutcome | undefined {
    const unit = this.units.get(name);
    if (!unit) return undefined;
    this.clock += 1;
    this.trace.push(`juju run ${name} ${action} ${JSON.stringify(params)}`);
    let outcome: ActionOutcome | undefined;
    this.runHook(unit, { kind: 'action', name: action, params }, (decision) => {
      outcome = decision.action;
    });
    return outcome;
  }

  /** One hook or action on one unit, through the decide/effect loop. Returns whether the hook failed. */
  private runHook(unit: UnitState, event: RefreshEvent, onDecision?: (decision: RefreshDecision) => void): boolean {
    let effects: EffectResults = {};
    let decision: RefreshDecision | undefined;
    let filesApplied = 0;
    let refused: string | undefined;
    // Read once per event, as the adapter does; effects only add results.
    const base = snapshotOf(this, unit, event);
    for (let round = 0; round < 6; round += 1) {
      decision = decide({ ...base, workloadRunning: unit.workloadUp, effects });
      for (const op of decision.files.slice(filesApplied)) {
        if (op.op === 'write') unit.files.set(op.name, op.content);
        else unit.files.delete(op.name);
      }
      filesApplied = decision.files.length;
      const request = decision.request;
      if (request === undefined) break;
      const performed = performEffect(this, unit, event, request);
      refused ??= performed.refused;
      effects = { ...effects, ...performed.effects };
    }
    this.faults.once = {}; // one-shot faults are for this event only
    unit.refusal = refused;
    this.settleEtcd();
    if (decision === undefined || decision.request !== undefined) throw new Error('decide did not settle');
    onDecision?.(decision);
    if (unit.name === this.leader) this.appStatus = decision.appStatus;
    // The charm exits non-zero after a failed snap refresh so that Juju retries: databag writes are lost.
    // Not after a refusal: nothing was stopped, the unit shows why (src/refresh/wiring.ts).
    const failed = decision.snapRefreshFailed && event.kind === 'hook' && refused === undefined;
    if (failed) return true;
    const inProgress = decision.inProgress !== false || (decision.refreshCompletedThisEvent && this.relationUnits().length > 1);
    if (unit.name === this.leader && event.kind === 'hook' && !inProgress && unit.workloadUp && cancelOrphanedDowngrade(this.etcd, workloadOfSnap(unit.snap!))) {
      this.trace.push(`${unit.name} (leader) cancelled an etcd downgrade no unit carries out`);
      this.settleEtcd();
    }
    const changed = commit(unit.bag, decision.unitBag) + (unit.name === this.leader ? commit(this.appBag, decision.appBag) : 0) > 0;
    if (changed && unit.joined) {
      for (const other of this.relationUnits()) {
        if (other !== unit) other.queue.push({ kind: 'hook', name: 'refresh-v-three-relation-changed' });
      }
    }
    return false;
  }

  /** Checked after every step. */
  checkState(): void {
    checkState(this);
  }

  /** Time passes: Juju fires update-status on every unit. */
  tick(): void {
    for (const unit of this.live()) unit.queue.push({ kind: 'hook', name: 'update-status' });
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
