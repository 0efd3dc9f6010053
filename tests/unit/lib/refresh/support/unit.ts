/**
 * A unit of the refresh model: its machine (charm code on disk, local files, snap,
 * workload) held here, and its Juju side (queue, peer databag, scope, life) read
 * from the world's core model on every access, so it follows the core as it steps.
 */
import type { LocalFileName } from '../../../../../lib/refresh/constants.js';
import type { QueuedHook } from '../../../../../lib/juju/testing/fake-juju/core/index.js';
import type { CharmRev } from './fixtures.js';
import { peerRelation, PEER } from './juju.js';
import type { RefreshWorld } from './world.js';

export interface Machine {
  readonly n: number;
  readonly name: string;
  /** The charm code in the unit's directory (the core's `install-charm`). */
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
  /** The charm's blocked unit status after its last event, when it refused a snap refresh. */
  refusal: string | undefined;
}

export class UnitState implements Machine {
  readonly n: number;
  readonly name: string;
  code: CharmRev;
  mtime: number;
  readonly files: Map<LocalFileName, string>;
  snap: string | null;
  workloadUp: boolean;
  everUp: boolean;
  ranMinor: number | undefined;
  refreshed: boolean;
  refusal: string | undefined;

  constructor(
    private readonly world: RefreshWorld,
    machine: Machine,
  ) {
    this.n = machine.n;
    this.name = machine.name;
    this.code = machine.code;
    this.mtime = machine.mtime;
    this.files = new Map(machine.files);
    this.snap = machine.snap;
    this.workloadUp = machine.workloadUp;
    this.everUp = machine.everUp;
    this.ranMinor = machine.ranMinor;
    this.refreshed = machine.refreshed;
    this.refusal = machine.refusal;
  }

  copyFor(world: RefreshWorld): UnitState {
    return new UnitState(world, this);
  }

  /** The core replaced the charm in the unit's directory. */
  install(release: CharmRev, at: number): void {
    this.code = release;
    this.mtime = at;
  }

  /** The hooks the core has queued for the unit (the head may be a failed one, retried next). */
  get queue(): readonly QueuedHook[] {
    return this.world.coreUnit(this.name)?.queue ?? [];
  }

  /** The unit's peer databag (the core's, so writes land in the model). */
  get bag(): Record<string, string> {
    return (peerRelation(this.world.core).unitData[this.name] ??= {});
  }

  /** In the peer relation's scope (after its `-relation-created`, or running it). */
  get joined(): boolean {
    const unit = this.world.coreUnit(this.name);
    if (!unit) return false;
    const running = unit.running;
    return unit.inScope.includes(peerRelation(this.world.core).id) || (running?.kind === 'hook' && running.name === `${PEER}-relation-created`);
  }

  get dying(): boolean {
    return this.world.coreUnit(this.name)?.dying ?? true;
  }
}
