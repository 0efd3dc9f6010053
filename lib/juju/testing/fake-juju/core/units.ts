/** Applications and units: deploy, scale up, removal (contract §3.6 "Unit removal"), leadership. */
import path from 'node:path';
import { compareUnitNames, newUnit, storedStatus } from '../model.js';
import type { CharmFiles, ConfigValue } from '../model.js';
import { deploySequence, teardownSequence } from './events.js';
import { ModelError } from './errors.js';
import { queueHooks } from './queue.js';
import { addRelation, collectRelations, findCoreRelation, joinRelationData, knownUnits, otherSide, refFor, removeRelation } from './relations.js';
import { departedHook } from './events.js';
import type { AppState, CharmRef, CoreModel, CoreUnit } from './types.js';

/** A unit's root directory (its machine's `/`); storage locations are under it. */
export const unitRootOf = (model: CoreModel, unit: string): string => path.join(model.unitsDir, unit.replace('/', '-'), 'root');

const APP_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;

/** A new application with its peer relations and no units. Throws {@link ModelError} for a taken or invalid name. */
export function addApplication(model: CoreModel, options: { app: string; charm: CharmRef; files: CharmFiles; config?: Record<string, ConfigValue> }): AppState {
  const { app } = options;
  if (!APP_NAME.test(app)) throw new ModelError(`invalid application name ${JSON.stringify(app)}`);
  if (model.applications[app]) throw new ModelError(`cannot add application ${JSON.stringify(app)}: application already exists`);
  const state: AppState = {
    name: app,
    charm: options.charm,
    application: { name: app, charm: options.files, charmRevision: options.charm.revision, status: storedStatus('unknown'), statusSetByCharm: false, leaderSettings: {} },
    config: { ...options.config },
    life: 'alive',
    nextUnit: 0,
  };
  model.applications[app] = state;
  for (const [endpoint, spec] of Object.entries(options.files.metadata.peers)) addRelation(model, [{ app, endpoint, role: 'peer' }], spec.interface);
  return state;
}

export const appUnits = (model: CoreModel, app: string): CoreUnit[] =>
  Object.values(model.units)
    .filter((u) => u.app === app)
    .sort((a, b) => compareUnitNames(a.name, b.name));

/**
 * Adds `count` units of `app`, each on its own machine with its address and storage, and queues
 * their deploy sequence. Throws {@link ModelError} when the model's /24 is full.
 */
export function addUnits(model: CoreModel, appName: string, count: number): CoreUnit[] {
  const app = model.applications[appName];
  if (!app || app.life !== 'alive') throw new ModelError(`application ${JSON.stringify(appName)} not found`);
  const added: CoreUnit[] = [];
  for (let i = 0; i < count; i++) {
    const machine = model.counters.machine;
    if (10 + machine > 254) throw new ModelError('the model has no free address left in its /24');
    model.counters.machine += 1;
    const name = `${appName}/${app.nextUnit++}`;
    const address = `${model.subnet}.${10 + machine}`;
    const leader = !appUnits(model, appName).some((u) => u.juju.leader && !u.dying);
    const juju = newUnit({ name, address, leader, machineId: String(machine) });
    const root = unitRootOf(model, name);
    juju.storage = Object.entries(app.application.charm.metadata.storage).map(([storageName, spec]) => ({
      id: `${storageName}/${model.counters.storage++}`,
      kind: spec.type,
      location: path.join(root, spec.location ?? path.join('/srv', storageName)),
    }));
    const unit: CoreUnit = { name, app: appName, machine, address, juju, charm: app.charm, queue: [], actions: [], started: false, inScope: [], dying: false };
    model.units[name] = unit;
    const mine = model.relations.filter((r) => !r.dying && r.ends.some((e) => e.app === appName));
    for (const relation of mine) joinRelationData(relation, unit);
    queueHooks(model, name, deploySequence({
      app: appName,
      leader,
      storage: juju.storage.map((s) => ({ name: s.id.split('/')[0] ?? '', id: s.id })),
      peers: mine.filter((r) => r.ends.length === 1).map((r) => refFor(r, appName)),
      related: mine.filter((r) => r.ends.length > 1).map((r) => refFor(r, appName)),
    }));
    added.push(unit);
  }
  return added;
}

/** Starts removing a unit: the units that know it see it depart; it departs, breaks its relations, stops, detaches, goes. */
export function beginRemoval(model: CoreModel, unit: CoreUnit): void {
  if (unit.dying) return;
  const peers = [];
  const broken = [];
  for (const relationId of unit.inScope) {
    const relation = findCoreRelation(model, relationId);
    if (!relation || relation.dying) continue;
    const ref = refFor(relation, unit.app);
    // A unit that is leaving too may already have queued its departure here: it departs once.
    const queued = new Set(unit.queue.filter((h) => h.relationId === relationId && h.name.endsWith('-relation-departed')).map((h) => h.remoteUnit));
    peers.push({ relation: ref, units: knownUnits(model, unit, relationId).filter((u) => !queued.has(u)) });
    if (relation.ends.length > 1) broken.push(ref);
    for (const other of otherSide(model, relation, unit)) {
      if (other.dying || !knownUnits(model, other, relationId).includes(unit.name)) continue;
      queueHooks(model, other.name, [departedHook(refFor(relation, other.app), unit.app, unit.name, unit.name)]);
    }
  }
  unit.dying = true;
  unit.juju.life = 'dying';
  const storage = unit.juju.storage.map((s) => ({ name: s.id.split('/')[0] ?? 'data', id: s.id }));
  queueHooks(model, unit.name, teardownSequence({ app: unit.app, self: unit.name, peers, broken, storage }), true);
}

/**
 * After `remove`: the unit leaves the model; a new leader is elected if it led; an application
 * being removed goes with its last unit (and its peer relations with it).
 */
export function finalizeRemoval(model: CoreModel, unit: CoreUnit): void {
  const wasLeader = unit.juju.leader;
  for (const relation of model.relations) {
    if (relation.unitData[unit.name] !== undefined && !relation.departed.includes(unit.name)) relation.departed.push(unit.name);
    delete relation.joined[unit.name];
  }
  delete model.units[unit.name];
  const app = model.applications[unit.app];
  if (app?.life === 'dying' && appUnits(model, unit.app).length === 0) {
    delete model.applications[unit.app];
    for (const relation of model.relations) if (relation.ends.some((e) => e.app === unit.app)) relation.dying = true;
  }
  collectRelations(model);
  if (wasLeader && app?.life === 'alive') electLeader(model, unit.app);
}

/**
 * Makes `next` (default: the lowest-numbered live unit) the application's leader: it gets
 * leader-elected, the others leader-settings-changed (contract §3.6, last line of "Unit removal").
 */
export function electLeader(model: CoreModel, app: string, next?: string): void {
  const alive = appUnits(model, app).filter((u) => !u.dying);
  const chosen = next === undefined ? alive[0] : alive.find((u) => u.name === next);
  if (!chosen) {
    if (next !== undefined) throw new ModelError(`unit ${JSON.stringify(next)} cannot lead ${JSON.stringify(app)}`);
    return;
  }
  for (const unit of appUnits(model, app)) unit.juju.leader = unit.name === chosen.name;
  queueHooks(model, chosen.name, [{ kind: 'hook', name: 'leader-elected' }]);
  for (const other of alive) if (other !== chosen) queueHooks(model, other.name, [{ kind: 'hook', name: 'leader-settings-changed' }]);
}

/**
 * `juju remove-application`: its non-peer relations end on both sides (departed, broken), then
 * every unit tears down; the application leaves the model with its last unit.
 */
export function removeApplication(model: CoreModel, appName: string): void {
  const app = model.applications[appName];
  if (!app || app.life !== 'alive') throw new ModelError(`application ${JSON.stringify(appName)} not found`);
  for (const relation of [...model.relations]) {
    if (relation.ends.length > 1 && !relation.dying && relation.ends.some((e) => e.app === appName)) removeRelation(model, relation.id);
  }
  app.life = 'dying';
  const units = appUnits(model, appName);
  for (const unit of units) beginRemoval(model, unit);
  if (units.length === 0) {
    delete model.applications[appName];
    for (const relation of model.relations) if (relation.ends.some((e) => e.app === appName)) relation.dying = true;
    collectRelations(model);
  }
}
