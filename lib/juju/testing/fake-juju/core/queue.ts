/**
 * Per-unit queues and the scheduler: one event at a time per unit (Juju's
 * uniter runs one hook or action at a time), actions before hooks once the
 * unit is installed, failed hooks held until their retry time, and, when the
 * model is seeded, one event in the whole model at a time with the unit
 * picked by the seeded PRNG so any interleaving can be replayed.
 */
import { compareUnitNames } from '../model.js';
import { enqueue, nextRandom } from './events.js';
import type { CoreModel, CoreUnit, QueuedEvent, QueuedHook } from './types.js';

/** How many head entries of the queue must not be coalesced with (running or failed). */
export const taken = (unit: CoreUnit): number => ((unit.running && unit.running.kind === 'hook') || unit.failure ? 1 : 0);

/** Queues hooks on a unit (coalescing idempotent ones). Dying units get nothing new unless `force`. */
export function queueHooks(model: CoreModel, unitName: string, hooks: readonly QueuedHook[], force = false): void {
  const unit = model.units[unitName];
  if (!unit || (unit.dying && !force)) return;
  unit.queue = enqueue(unit.queue, hooks, taken(unit));
}

/** The next thing the unit would run now, if any. */
export function nextEvent(unit: CoreUnit, now: number): QueuedEvent | undefined {
  if (unit.running) return undefined;
  const installed = !unit.queue.some((h) => h.name === 'install');
  if (unit.actions.length > 0 && installed) return unit.actions[0];
  const head = unit.queue[0];
  if (!head) return undefined;
  if (unit.failure && unit.failure.retryAt > now) return undefined;
  return head;
}

export const unitsInOrder = (model: CoreModel): CoreUnit[] =>
  Object.keys(model.units)
    .sort(compareUnitNames)
    .map((n) => model.units[n] as CoreUnit);

/** The units to start now and their events: every ready unit, or one PRNG-picked unit when seeded. */
export function pickReady(model: CoreModel): Array<{ unit: CoreUnit; event: QueuedEvent }> {
  const ready = unitsInOrder(model).flatMap((unit) => {
    const event = nextEvent(unit, model.now);
    return event ? [{ unit, event }] : [];
  });
  if (ready.length === 0 || model.settings.manual === true) return [];
  if (model.settings.seed === undefined) return ready;
  if (Object.values(model.units).some((u) => u.running)) return [];
  const [r, next] = nextRandom(model.prng);
  model.prng = next;
  return [ready[Math.floor(r * ready.length)] as { unit: CoreUnit; event: QueuedEvent }];
}

/** Units with something they could run now (a hook, an action once installed), in unit order. */
export const readyUnits = (model: CoreModel): CoreUnit[] => unitsInOrder(model).filter((unit) => nextEvent(unit, model.now) !== undefined);

/** The earliest pending retry time, if a failed hook waits for one. */
export const nextRetryAt = (model: CoreModel): number | undefined => {
  const times = Object.values(model.units).flatMap((u) => (u.failure && !u.running && u.failure.retryAt > model.now ? [u.failure.retryAt] : []));
  return times.length === 0 ? undefined : Math.min(...times);
};
