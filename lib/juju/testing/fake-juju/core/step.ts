/**
 * The core: `step(model, input) -> { model, commands }`. Pure: the input model
 * is never changed (the step works on a copy), time comes from `input.at`, and
 * randomness from the model's seeded PRNG, so a list of inputs replays exactly.
 * Inputs are operator verbs, hook results and timer firings; commands say what
 * the runtime must do (run a hook, start a timer, persist, lay out a unit).
 */
import type { CommitResult } from '../commit.js';
import type { CharmFiles, ConfigValue } from '../model.js';
import { enqueueFront, eventLabel, refreshSequence } from './events.js';
import { nextExpiryAt, queueExpired } from './expiry.js';
import { ModelError } from './errors.js';
import { afterSuccess, beforeEvent, afterEvent, finishEvent, startEvent, swapCharm } from './lifecycle.js';
import { nextEvent, nextRetryAt, pickReady, queueHooks, taken } from './queue.js';
import { integrate, removeRelation } from './relations.js';
import { addUserSecret, grantUserSecret, updateUserSecret } from './secrets.js';
import { setUnitAddress } from './addresses.js';
import { addApplication, addUnits, appUnits, beginRemoval, electLeader, removeApplication } from './units.js';
import type { CharmRef, CoreModel, QueuedEvent } from './types.js';

export type Input = { readonly at: number } & (
  | { kind: 'deploy'; app: string; charm: CharmRef; files: CharmFiles; units: number; config?: Record<string, ConfigValue> }
  | { kind: 'add-unit'; app: string; units: number }
  | { kind: 'remove-unit'; units: readonly string[] }
  | { kind: 'remove-application'; app: string }
  | { kind: 'integrate'; a: { app: string; endpoint?: string }; b: { app: string; endpoint?: string } }
  | { kind: 'remove-relation'; relationId: number }
  | { kind: 'config'; app: string; set: Record<string, ConfigValue>; reset: readonly string[] }
  | { kind: 'refresh'; app: string; charm: CharmRef; files: CharmFiles }
  | { kind: 'run-action'; unit: string; action: string; params: Record<string, unknown> }
  | { kind: 'resolved'; unit: string; noRetry: boolean }
  | { kind: 'update-status'; units?: readonly string[] }
  /** The unit's machine got a new private address (core/addresses.ts). */
  | { kind: 'set-address'; unit: string; address: string }
  | { kind: 'elect-leader'; app: string; unit?: string }
  | { kind: 'add-secret'; name: string; content: Record<string, string> }
  | { kind: 'grant-secret'; name: string; app: string }
  | { kind: 'update-secret'; name: string; content: Record<string, string> }
  /** A hook or action the core started has ended; `commit` is its session's result. */
  | { kind: 'hook-done'; unit: string; exitCode: number; commit: CommitResult }
  /** Test seam: a hook context with no process (not scheduled; only Juju's effects around it). */
  | { kind: 'context-opened'; unit: string; event: QueuedEvent }
  | { kind: 'context-closed'; unit: string; event: QueuedEvent; exitCode: number; commit: CommitResult }
  | { kind: 'timer'; id: string }
  /** Manual scheduling (`settings.manual`): start `unit`'s next event now (one event in the model at a time). */
  | { kind: 'run-next'; unit: string }
);

export type { Command } from './types.js';
import type { Command } from './types.js';

export interface StepResult {
  readonly model: CoreModel;
  readonly commands: Command[];
  /** What the verb answers (`units` added, the relation made, the action id, ...). */
  readonly reply: Record<string, unknown>;
}

const unitOf = (model: CoreModel, name: string) => {
  const unit = model.units[name];
  if (!unit) throw new ModelError(`unit ${JSON.stringify(name)} not found`);
  return unit;
};

const effectiveConfig = (model: CoreModel, app: string): string => {
  const state = model.applications[app];
  if (!state) return '';
  return JSON.stringify(Object.entries(state.application.charm.config).map(([k, o]) => [k, state.config[k] ?? o.default ?? null]));
};

/** Applies one input. Throws {@link ModelError} when the input is refused (the model is then unchanged). */
export function step(input: Input, model: CoreModel): StepResult;
export function step(model: CoreModel, input: Input): StepResult;
export function step(a: CoreModel | Input, b: CoreModel | Input): StepResult {
  const [before, input] = 'kind' in a ? [b as CoreModel, a] : [a, b as Input];
  return stepInPlace(structuredClone(before), input);
}

/**
 * {@link step} on the model itself, for a runtime that owns its copy (an exploring test
 * that clones a world only when it branches): no copy per input. When the input is
 * refused the model may be half-changed, so such a runtime must not go on with it.
 */
export function stepInPlace(model: CoreModel, input: Input): StepResult {
  model.now = Math.max(model.now, input.at);
  const commands: Command[] = [];
  const reply = apply(model, input, commands);
  for (const { unit, event } of pickReady(model)) {
    startEvent(model, unit, event);
    commands.push({ kind: 'run', unit: unit.name, event });
  }
  const retry = nextRetryAt(model);
  if (retry !== undefined) commands.push({ kind: 'timer', id: 'retry', at: retry });
  const expiry = nextExpiryAt(model);
  if (expiry !== undefined) commands.push({ kind: 'timer', id: 'secret-expiry', at: expiry });
  commands.push({ kind: 'persist' });
  return { model, commands, reply };
}

function apply(model: CoreModel, input: Input, commands: Command[]): Record<string, unknown> {
  switch (input.kind) {
    case 'deploy': {
      const fresh = Object.keys(model.applications).length === 0;
      addApplication(model, input);
      const units = addUnits(model, input.app, input.units).map((u) => u.name);
      for (const unit of units) commands.push({ kind: 'unit-added', unit });
      if (fresh) commands.push({ kind: 'timer', id: 'update-status', at: model.now + model.settings.updateStatusMs });
      return { application: input.app, charm: input.charm.url, units };
    }
    case 'add-unit': {
      const units = addUnits(model, input.app, input.units).map((u) => u.name);
      for (const unit of units) commands.push({ kind: 'unit-added', unit });
      return { units };
    }
    case 'remove-unit': {
      const units = input.units.map((n) => unitOf(model, n));
      for (const unit of units) if (unit.dying) throw new ModelError(`unit ${JSON.stringify(unit.name)} is already being removed`);
      for (const unit of units) beginRemoval(model, unit);
      return { units: units.map((u) => u.name) };
    }
    case 'remove-application':
      removeApplication(model, input.app);
      return { application: input.app };
    case 'integrate': {
      const relation = integrate(model, input.a, input.b);
      return { id: relation.id, endpoints: relation.ends.map((e) => `${e.app}:${e.endpoint}`) };
    }
    case 'remove-relation':
      removeRelation(model, input.relationId);
      return {};
    case 'config': {
      const app = model.applications[input.app];
      if (!app) throw new ModelError(`application ${JSON.stringify(input.app)} not found`);
      const was = effectiveConfig(model, input.app);
      Object.assign(app.config, input.set);
      for (const key of input.reset) delete app.config[key];
      const changed = was !== effectiveConfig(model, input.app);
      if (changed) for (const unit of appUnits(model, input.app)) queueHooks(model, unit.name, [{ kind: 'hook', name: 'config-changed' }]);
      return { changed };
    }
    case 'refresh': {
      const app = model.applications[input.app];
      if (!app) throw new ModelError(`application ${JSON.stringify(input.app)} not found`);
      app.charm = input.charm;
      app.application.charm = input.files;
      app.application.charmRevision = input.charm.revision;
      for (const unit of appUnits(model, input.app)) {
        if (unit.dying) continue;
        unit.pendingCharm = input.charm;
        swapCharm(unit, commands);
        // juju refresh on machines: upgrade-charm, config-changed (contract §3.6), ahead of what waits.
        unit.queue = enqueueFront(unit.queue, refreshSequence(model.settings.startAfterRefresh), taken(unit));
      }
      return { charm: input.charm.url, revision: input.charm.revision };
    }
    case 'run-action': {
      const unit = unitOf(model, input.unit);
      model.counters.action += 1;
      const id = String(model.counters.action);
      unit.actions.push({ kind: 'action', id, name: input.action, params: input.params });
      return { id };
    }
    case 'resolved': {
      const unit = unitOf(model, input.unit);
      if (!unit.failure) throw new ModelError(`unit ${JSON.stringify(unit.name)} is not in an error state`);
      if (input.noRetry) {
        const skipped = unit.queue.shift();
        delete unit.failure;
        unit.juju.agentStatus = { status: 'idle', message: '', since: new Date(model.now).toISOString() };
        if (skipped) afterSuccess(model, unit, skipped, commands);
      } else {
        unit.failure.retryAt = 0;
      }
      return {};
    }
    case 'update-status': {
      const units = input.units === undefined || input.units.length === 0 ? Object.values(model.units).filter((u) => !u.dying) : input.units.map((n) => unitOf(model, n));
      const started = units.filter((u) => u.started);
      for (const unit of started) queueHooks(model, unit.name, [{ kind: 'hook', name: 'update-status' }]);
      return { units: started.map((u) => u.name) };
    }
    case 'set-address':
      return setUnitAddress(model, input.unit, input.address);
    case 'elect-leader':
      electLeader(model, input.app, input.unit);
      return {};
    case 'add-secret':
      return { uri: addUserSecret(model, input.name, input.content, new Date(model.now).toISOString()) };
    case 'grant-secret':
      grantUserSecret(model, input.name, input.app);
      return {};
    case 'update-secret':
      return updateUserSecret(model, input.name, input.content, new Date(model.now).toISOString());
    case 'hook-done':
      finishEvent(model, unitOf(model, input.unit), input.exitCode, input.commit, commands);
      return {};
    case 'context-opened':
      beforeEvent(model, unitOf(model, input.unit), input.event);
      return {};
    case 'context-closed': {
      const unit = model.units[input.unit];
      if (unit) afterEvent(model, unit, input.event, input.exitCode, input.commit);
      return {};
    }
    case 'run-next': {
      const unit = unitOf(model, input.unit);
      const busy = Object.values(model.units).find((u) => u.running);
      if (busy?.running) throw new ModelError(`unit ${JSON.stringify(busy.name)} is running ${eventLabel(busy.running)}`);
      const event = nextEvent(unit, model.now);
      if (!event) throw new ModelError(`unit ${JSON.stringify(unit.name)} has nothing to run`);
      startEvent(model, unit, event);
      commands.push({ kind: 'run', unit: unit.name, event });
      return { event: eventLabel(event) };
    }
    case 'timer':
      if (input.id === 'secret-expiry') queueExpired(model);
      if (input.id === 'update-status') {
        for (const unit of Object.values(model.units)) if (unit.started && !unit.dying) queueHooks(model, unit.name, [{ kind: 'hook', name: 'update-status' }]);
        commands.push({ kind: 'timer', id: 'update-status', at: model.now + model.settings.updateStatusMs });
      }
      return {};
  }
}
