/**
 * A hook's life as the unit agent sees it: before it runs (agent `executing`,
 * Juju's pre-hook statuses, relation-list following joined/departed), and after
 * it ends (Juju's post-hook statuses, what its commit wakes, the queue moving on
 * or the retry back-off).
 */
import { compareUnitNames } from '../model.js';
import { refreshAddressBags } from './addresses.js';
import type { CommitResult } from '../commit.js';
import { afterHook, beforeHook } from '../juju-effects.js';
import type { HookIdentity } from '../juju-effects.js';
import { retryDelayMs } from './events.js';
import { enterScope, fanOutRelationChanges, findCoreRelation, leaveScope } from './relations.js';
import { secretChanged } from './secrets.js';
import { finalizeRemoval } from './units.js';
import { appView } from './view.js';
import type { Command, CoreModel, CoreUnit, QueuedEvent, QueuedHook } from './types.js';

const identity = (event: QueuedEvent): HookIdentity =>
  event.kind === 'action' ? { kind: 'action', name: event.name } : { kind: 'hook', name: event.name, ...(event.remoteUnit ? { remoteUnit: event.remoteUnit } : {}) };

const iso = (ms: number): string => new Date(ms).toISOString();

/** What Juju does as a hook starts: relation-list follows joined/departed, then the agent statuses. */
export function beforeEvent(model: CoreModel, unit: CoreUnit, event: QueuedEvent): void {
  if (event.kind === 'hook' && event.relationId !== undefined && event.remoteUnit) {
    const relation = findCoreRelation(model, event.relationId);
    const seen = relation?.joined[unit.name] ?? [];
    if (relation && event.name.endsWith('-relation-joined') && !seen.includes(event.remoteUnit)) {
      relation.joined[unit.name] = [...seen, event.remoteUnit].sort(compareUnitNames);
    }
    if (relation && event.name.endsWith('-relation-departed')) relation.joined[unit.name] = seen.filter((u) => u !== event.remoteUnit);
  }
  beforeHook(appView(() => model, unit.app), unit.name, identity(event), iso(model.now));
}

/** Marks the event running (an action leaves the action queue) and applies {@link beforeEvent}. */
export function startEvent(model: CoreModel, unit: CoreUnit, event: QueuedEvent): void {
  if (event.kind === 'action') unit.actions.shift();
  unit.running = event;
  beforeEvent(model, unit, event);
}

/** Juju's statuses after the event and what a commit wakes (relation-changed on the other side, secret-changed). */
export function afterEvent(model: CoreModel, unit: CoreUnit, event: QueuedEvent, exitCode: number, commit: CommitResult): void {
  const view = appView(() => model, unit.app);
  const agent = unit.juju.agentStatus;
  afterHook(view, unit.name, identity(event), exitCode, iso(model.now));
  // An action never changes a unit's hook-error state.
  if (event.kind === 'action' && unit.failure) unit.juju.agentStatus = agent;
  if (!commit.committed) return;
  // Juju refreshes the unit's address keys with config-changed's commit (core/addresses.ts).
  const addressChanges = event.kind === 'hook' && event.name === 'config-changed' ? refreshAddressBags(model, unit) : [];
  fanOutRelationChanges(model, unit, [...commit.relationChanges, ...addressChanges]);
  for (const { id, revision } of commit.secretRevisions) secretChanged(model, id, revision);
}

/** A successful (or skipped with `resolved --no-retry`) hook moves the unit along. */
export function afterSuccess(model: CoreModel, unit: CoreUnit, hook: QueuedHook, commands: Command[]): void {
  if (hook.name === 'start') unit.started = true;
  if (hook.relationId !== undefined && hook.name.endsWith('-relation-created')) enterScope(model, unit, hook.relationId);
  if (hook.relationId !== undefined && hook.name.endsWith('-relation-broken')) leaveScope(model, unit, hook.relationId);
  if (hook.name === 'remove') {
    finalizeRemoval(model, unit);
    commands.push({ kind: 'log', unit: unit.name, level: 'INFO', logger: 'juju.worker.uniter', message: 'unit removed' });
    commands.push({ kind: 'unit-removed', unit: unit.name });
  }
}

/** The running event ended with `exitCode` (after its commit): the queue moves on, or the hook waits for its retry. */
export function finishEvent(model: CoreModel, unit: CoreUnit, exitCode: number, commit: CommitResult, commands: Command[]): void {
  const event = unit.running;
  if (!event) throw new Error(`unit ${unit.name} is not running anything`);
  afterEvent(model, unit, event, exitCode, commit);
  delete unit.running;
  if (event.kind === 'hook') {
    if (exitCode === 0) {
      commands.push({ kind: 'log', unit: unit.name, level: 'INFO', logger: 'juju.worker.uniter.operation', message: `ran ${JSON.stringify(event.name)} hook (via hook dispatching script: dispatch)` });
      unit.queue.shift();
      delete unit.failure;
      afterSuccess(model, unit, event, commands);
    } else {
      const attempts = (unit.failure?.attempts ?? 0) + 1;
      const delay = retryDelayMs(attempts, model.settings.retryScale);
      unit.failure = { attempts, retryAt: model.now + delay };
      commands.push({ kind: 'log', unit: unit.name, level: 'ERROR', logger: 'juju.worker.uniter.operation', message: `hook ${JSON.stringify(event.name)} (via hook dispatching script: dispatch) failed: exit status ${exitCode}` });
      commands.push({ kind: 'log', unit: unit.name, level: 'INFO', logger: 'juju.worker.uniter', message: `awaiting error resolution for "${event.name}" hook (retry in ${delay} ms)` });
    }
  }
  const live = model.units[unit.name];
  if (live?.pendingCharm) swapCharm(live, commands);
}

/** The unit's directory gets the new charm (now, or after the hook that was running). */
export function swapCharm(unit: CoreUnit, commands: Command[]): void {
  const next = unit.pendingCharm;
  if (!next || unit.running) return;
  commands.push({ kind: 'install-charm', unit: unit.name, charm: next, previous: unit.charm });
  unit.charm = next;
  delete unit.pendingCharm;
}
