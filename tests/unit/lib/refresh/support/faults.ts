/** What goes wrong in the refresh model: planned failures (random exploration) or one-shot ones (exhaustive). */
import { BAD_SNAPS } from './releases.js';

export type SnapFault = 'ok' | 'fail-before' | 'fail-after';

export interface FaultPlan {
  readonly snap: readonly SnapFault[];
  /** false: the health check fails and the workload crashes. */
  readonly health: readonly boolean[];
  readonly precheck: readonly boolean[];
  /** A workload that never starts on one unit at one snap revision (a persistent, unit-local failure). */
  readonly broken?: { readonly unit: number; readonly snap: string } | undefined;
}

/** Failures for the next event only; whatever it does not use is dropped after it. */
export interface OneShot {
  snap?: SnapFault;
  health?: boolean;
  precheck?: boolean;
}

type Kind = 'snap' | 'health' | 'precheck';

/** Random failures, each kind consumed in order; when exhausted (or disabled) nothing fails. */
export class Faults {
  private readonly index = { snap: 0, health: 0, precheck: 0 };
  enabled = true;
  once: OneShot = {};
  constructor(private readonly plan: FaultPlan = { snap: [], health: [], precheck: [] }) {}

  clone(): Faults {
    const copy = new Faults(this.plan);
    Object.assign(copy.index, this.index);
    copy.enabled = this.enabled;
    copy.once = { ...this.once };
    return copy;
  }

  private next<T>(kind: Kind, values: readonly T[], shot: T | undefined): T | undefined {
    if (!this.enabled) return undefined;
    if (shot !== undefined) {
      delete this.once[kind];
      return shot;
    }
    const value = values[this.index[kind]];
    if (value !== undefined) this.index[kind] += 1;
    return value;
  }
  snapRefresh(): SnapFault {
    return this.next('snap', this.plan.snap, this.once.snap) ?? 'ok';
  }
  health(): boolean {
    return this.next('health', this.plan.health, this.once.health) ?? true;
  }
  precheck(): boolean {
    return this.next('precheck', this.plan.precheck, this.once.precheck) ?? true;
  }
  /** Whether the workload cannot run: a bad release everywhere, or the broken unit (even with faults disabled). */
  cannotRun(unit: number, snap: string): boolean {
    return BAD_SNAPS.has(snap) || (this.plan.broken?.unit === unit && this.plan.broken.snap === snap);
  }

  /** What decides future failures (for state hashing). */
  key(): string {
    return `${this.enabled}/${this.index.snap}/${this.index.health}/${this.index.precheck}`;
  }
}
