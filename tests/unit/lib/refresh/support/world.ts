/**
 * A small model of Juju and the machines around the pure refresh core, for
 * property-based exploration: units with local files, databags, snap revisions
 * and a workload that is up or down; Juju's behaviour on `juju refresh` (code
 * replaced on every unit, then upgrade-charm and config-changed), relation-changed
 * after every committed databag change, hook failure and retry; an operator who
 * follows the app status. Invariants are checked as the model runs.
 */
import { decide } from '../../../../../lib/refresh/decide.js';
import { LOCAL_FILES, REFRESH_UNIT_KEYS, type LocalFileName } from '../../../../../lib/refresh/constants.js';
import type {
  ActionOutcome,
  EffectResults,
  RefreshDecision,
  RefreshEvent,
  RefreshSnapshot,
  Status,
} from '../../../../../lib/refresh/types.js';
import { APP, jujuCharm, spec, versionsOf, type CharmRev } from './fixtures.js';

export const RELEASES: Record<string, CharmRev> = {
  A: { revision: 1, charm: '3.5/1.0.0', workload: '3.5.16', snap: '10' },
  B: { revision: 2, charm: '3.5/1.1.0', workload: '3.5.30', snap: '11' },
  /** A bad release: its workload never starts. */
  C: { revision: 3, charm: '3.5/1.2.0', workload: '3.5.31', snap: '12' },
  /** A development build: always incompatible. */
  D: { revision: 4, charm: '3.5/1.3.0.post1.dev0+abc.dirty', workload: '3.5.30', snap: '13' },
};
const BAD_SNAPS = new Set(['12']);

type QueuedEvent = { readonly kind: 'hook'; readonly name: string; readonly departingUnit?: string } | { readonly kind: 'upgrade'; readonly release: CharmRev };

interface UnitState {
  readonly n: number;
  readonly name: string;
  code: CharmRev;
  mtime: number;
  readonly files: Map<LocalFileName, string>;
  snap: string | null;
  workloadUp: boolean;
  /** Was a cluster member once (a fresh unit that never ran does not count as down). */
  everUp: boolean;
  /**
   * Its snap was refreshed from a running workload: random crashes model a refresh that
   * broke a working unit, so only these crash (not installs, not recoveries of a downed unit).
   */
  refreshed: boolean;
  bag: Record<string, string>;
  queue: QueuedEvent[];
  joined: boolean;
  dying: boolean;
}

/** The pause rule as the reference states it, written independently of the library. */
const confirmationNeeded = (pause: string, index: number): boolean => {
  if (index === 0) return false;
  if (pause === 'none') return false;
  if (pause === 'first') return index === 1;
  return true; // 'all' and any invalid value
};

export interface FaultPlan {
  readonly snap: readonly ('ok' | 'fail-before' | 'fail-after')[];
  /** false: the health check fails and the workload crashes. */
  readonly health: readonly boolean[];
  readonly precheck: readonly boolean[];
  /** A workload that never starts on one unit at one snap revision (a persistent, unit-local failure). */
  readonly broken?: { readonly unit: number; readonly snap: string } | undefined;
}

/** Random failures, each kind consumed in order; when exhausted (or disabled) nothing fails. */
export class Faults {
  private readonly index = { snap: 0, health: 0, precheck: 0 };
  enabled = true;
  constructor(private readonly plan: FaultPlan = { snap: [], health: [], precheck: [] }) {}
  private next<T>(kind: 'snap' | 'health' | 'precheck', values: readonly T[]): T | undefined {
    if (!this.enabled) return undefined;
    return values[this.index[kind]++];
  }
  snapRefresh(): 'ok' | 'fail-before' | 'fail-after' {
    return this.next('snap', this.plan.snap) ?? 'ok';
  }
  health(): boolean {
    return this.next('health', this.plan.health) ?? true;
  }
  precheck(): boolean {
    return this.next('precheck', this.plan.precheck) ?? true;
  }
  /** Whether the workload cannot run: a bad release everywhere, or the broken unit (even with faults disabled). */
  cannotRun(unit: number, snap: string): boolean {
    return BAD_SNAPS.has(snap) || (this.plan.broken?.unit === unit && this.plan.broken.snap === snap);
  }
}

export class RefreshWorld {
  readonly units = new Map<string, UnitState>();
  appBag: Record<string, string> = {};
  leader: string;
  pause = 'first';
  deployed: CharmRev;
  clock = 10_000;
  appStatus: Status | undefined;
  readonly violations: string[] = [];
  readonly trace: string[] = [];
  private nextNumber = 0;

  constructor(
    size: number,
    release: CharmRev,
    public faults: Faults,
  ) {
    this.deployed = release;
    for (let i = 0; i < size; i += 1) this.addUnit();
    this.leader = `${APP}/0`;
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
      refreshed: false,
      bag: {},
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
  private relationUnits(): UnitState[] {
    return this.live().filter((unit) => unit.joined);
  }

  pending(): UnitState[] {
    return [...this.units.values()].filter((unit) => unit.queue.length > 0);
  }

  quiescent(): boolean {
    return this.pending().length === 0;
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

  private snapshot(unit: UnitState, event: RefreshEvent, effects: EffectResults): RefreshSnapshot {
    const peerUnits: Record<string, Record<string, string>> = {};
    for (const other of this.relationUnits()) peerUnits[other.name] = { ...other.bag };
    if (unit.joined) peerUnits[unit.name] = { ...unit.bag };
    const history = unit.files.get(LOCAL_FILES.history);
    const workloadVersion = unit.files.get(LOCAL_FILES.installedWorkloadVersion);
    return {
      event,
      appName: APP,
      unitName: unit.name,
      isLeader: this.leader === unit.name,
      spec,
      charm: { jujuCharm: jujuCharm(unit.code), jujuCharmMtime: unit.mtime, versions: versionsOf(unit.code) },
      local: {
        ...(history === undefined ? {} : { history }),
        refreshStarted: unit.files.has(LOCAL_FILES.refreshStarted),
        ...(workloadVersion === undefined ? {} : { installedWorkloadVersion: workloadVersion }),
        peerRelationInitialized: unit.files.has(LOCAL_FILES.peerRelationInitialized),
        tearingDown: unit.files.has(LOCAL_FILES.tearingDown),
        tearingDownLogged: unit.files.has(LOCAL_FILES.tearingDownLogged),
      },
      installedSnapRevision: unit.snap,
      peer: unit.joined ? { units: peerUnits, app: { ...this.appBag } } : null,
      pauseAfterUnitRefresh: this.pause,
      plannedUnits: this.live().length,
      workloadRunning: unit.workloadUp,
      now: this.clock,
      effects,
    };
  }

  /** One hook or action on one unit, through the decide/effect loop. Returns whether the hook failed. */
  private runHook(unit: UnitState, event: RefreshEvent, onDecision?: (decision: RefreshDecision) => void): boolean {
    let effects: EffectResults = {};
    let decision: RefreshDecision | undefined;
    let filesApplied = 0;
    // Read once per event, as the adapter does; effects only add results.
    const base = this.snapshot(unit, event, {});
    for (let round = 0; round < 6; round += 1) {
      decision = decide({ ...base, workloadRunning: unit.workloadUp, effects });
      for (const op of decision.files.slice(filesApplied)) {
        if (op.op === 'write') unit.files.set(op.name, op.content);
        else unit.files.delete(op.name);
      }
      filesApplied = decision.files.length;
      const request = decision.request;
      if (request === undefined) break;
      if (request.kind === 'run-pre-refresh-checks') {
        effects = { ...effects, preRefreshChecks: this.faults.precheck() ? { ok: true } : { ok: false, message: 'Cluster is not healthy' } };
      } else if (request.kind === 'check-health-for-gate') {
        // Like etcd's charm: restart a stopped workload, then check health.
        if (!unit.workloadUp && unit.snap !== null && !this.faults.cannotRun(unit.n, unit.snap)) this.workloadUp(unit);
        let healthy = unit.workloadUp;
        if (healthy && unit.refreshed && !this.faults.health()) {
          // The workload crashed: down until a later health check restarts it.
          unit.workloadUp = false;
          healthy = false;
          this.trace.push(`${unit.name} workload crashed`);
        }
        effects = { ...effects, healthCheck: healthy ? { healthy: true } : { healthy: false, reason: 'health check failed' } };
      } else {
        effects = { ...effects, snapRefresh: this.refreshSnap(unit, event, request.revision, request.install) };
      }
    }
    if (decision === undefined || decision.request !== undefined) throw new Error('decide did not settle');
    onDecision?.(decision);
    if (unit.name === this.leader) this.appStatus = decision.appStatus;
    // The charm exits non-zero after a failed snap refresh so that Juju retries: databag writes are lost.
    const failed = decision.snapRefreshFailed && event.kind === 'hook';
    if (failed) return true;
    let changed = false;
    for (const [key, value] of Object.entries(decision.unitBag)) {
      changed = true;
      if (value === null) delete unit.bag[key];
      else unit.bag[key] = value;
    }
    if (unit.name === this.leader) {
      for (const [key, value] of Object.entries(decision.appBag)) {
        changed = true;
        if (value === null) delete this.appBag[key];
        else this.appBag[key] = value;
      }
    }
    if (changed && unit.joined) {
      for (const other of this.relationUnits()) {
        if (other !== unit) other.queue.push({ kind: 'hook', name: 'refresh-v-three-relation-changed' });
      }
    }
    return false;
  }

  private workloadUp(unit: UnitState): void {
    unit.workloadUp = true;
    unit.everUp = true;
  }

  private refreshSnap(unit: UnitState, event: RefreshEvent, revision: string, install: boolean) {
    if (!install) this.checkRefreshAllowed(unit, event);
    const fault = this.faults.snapRefresh();
    this.trace.push(`${unit.name} ${install ? 'install' : 'refresh'} snap ${unit.snap} -> ${revision} (${fault})`);
    if (fault === 'fail-before') {
      if (unit.snap !== null && !this.faults.cannotRun(unit.n, unit.snap)) this.workloadUp(unit);
      return { installedRevision: unit.snap, error: 'snap refresh failed' };
    }
    unit.refreshed = !install && unit.workloadUp;
    unit.snap = revision;
    unit.workloadUp = false;
    if (fault === 'fail-after') return { installedRevision: unit.snap, error: 'workload failed to start' };
    if (!this.faults.cannotRun(unit.n, revision)) this.workloadUp(unit);
    return { installedRevision: unit.snap };
  }

  /** Invariants at the moment a unit's snap is refreshed. */
  private checkRefreshAllowed(unit: UnitState, event: RefreshEvent): void {
    const bypass = event.kind === 'action' && event.name === 'resume-refresh' && event.params['check-health-of-refreshed-units'] === false;
    if (bypass) return;
    const down = this.live().filter((other) => other !== unit && other.everUp && !other.workloadUp);
    // Refreshing a unit whose workload is already down does not take a second one down.
    if (down.length > 0 && unit.workloadUp) this.violations.push(`${unit.name} refreshed while ${down.map((u) => u.name).join(', ')} down`);
    const order = this.live().filter((other) => other.joined || other === unit);
    const index = order.indexOf(unit);
    for (const ahead of order.slice(0, index)) {
      if (ahead.bag[REFRESH_UNIT_KEYS.gate] !== 'true') this.violations.push(`${unit.name} refreshed before ${ahead.name} had its gate`);
    }
    const resumed = event.kind === 'action' && event.name === 'resume-refresh';
    if (confirmationNeeded(this.pause, index) && !resumed) {
      this.violations.push(`${unit.name} at index ${index} refreshed without resume-refresh (pause ${this.pause})`);
    }
  }

  /** Checked after every step. */
  checkState(): void {
    const down = this.live().filter((unit) => unit.everUp && !unit.workloadUp);
    if (down.length > 1) this.violations.push(`workloads down at once: ${down.map((u) => u.name).join(', ')}`);
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

/** What an operator who follows the app status does next; returns whether they did anything. */
export const followStatus = (world: RefreshWorld, rollBack: boolean): boolean => {
  const message = world.appStatus?.message ?? '';
  if (message.startsWith('pause-after-unit-refresh config must be set')) {
    world.configure('first');
    return true;
  }
  const resume = /run `resume-refresh` on unit (\d+)/.exec(message);
  if (resume) {
    const outcome = world.runAction(`${APP}/${resume[1]}`, 'resume-refresh');
    if (outcome?.status === 'failed' && !outcome.message?.startsWith('Failed to refresh snap')) {
      world.violations.push(`app status "${message}" named an action that failed: ${outcome.message ?? ''}`);
    }
    return true;
  }
  const rollback = /`juju refresh --revision (\w+)`/.exec(message);
  if (rollback && rollBack) {
    const release = Object.values(RELEASES).find((r) => String(r.revision) === rollback[1]);
    if (!release) {
      world.violations.push(`rollback revision ${rollback[1]} is unknown`);
      return false;
    }
    if (release.revision === world.deployed.revision) return false;
    world.jujuRefresh(release);
    return true;
  }
  return false;
};
