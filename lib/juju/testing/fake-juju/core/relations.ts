/**
 * Relations between units, both sides at once (contract §3.6): entering scope
 * after `-relation-created`, joined/changed both ways, `-relation-changed`
 * after a commit for the other side only, and the end of a relation
 * (`remove-relation`, or the removal of one of its applications): every unit
 * sees each unit it knew depart, then `-broken`; the relation leaves the model
 * once no unit is in its scope (juju/juju worker/uniter/relation/statetracker.go:
 * committing `-broken` is what makes the relation gone for a unit).
 */
import { addressBag, compareUnitNames } from '../model.js';
import type { CharmMetadata } from '../model.js';
import type { CommitResult } from '../commit.js';
import { brokenHook, changedHook, departedHook, joinedHooks } from './events.js';
import type { RelationRef } from './events.js';
import { queueHooks } from './queue.js';
import { ModelError } from './errors.js';
import { endsFor } from './view.js';
import type { CoreModel, CoreRelation, CoreUnit, RelationEnd } from './types.js';

export const findCoreRelation = (model: CoreModel, id: number): CoreRelation | undefined => model.relations.find((r) => r.id === id);

/** The relation as `app` refers to it in its hooks: id, its endpoint, the other application. */
export function refFor(relation: CoreRelation, app: string): RelationRef {
  const ends = endsFor(relation, app);
  if (!ends) throw new Error(`application ${app} is not in relation ${relation.id}`);
  return { id: relation.id, endpoint: ends.local.endpoint, remoteApp: ends.remote.app };
}

/** `db:3 wordpress:db`-style key, as `juju status` prints relations. */
export const relationKey = (relation: CoreRelation): string => relation.ends.map((e) => `${e.app}:${e.endpoint}`).join(' ');

/** Units on the other side of `relation` from `unit` (other peers for a peer relation). */
export function otherSide(model: CoreModel, relation: CoreRelation, unit: CoreUnit): CoreUnit[] {
  const peer = relation.ends.length === 1;
  return Object.values(model.units).filter((u) => u.name !== unit.name && (peer ? u.app === unit.app : u.app !== unit.app && relation.ends.some((e) => e.app === u.app)));
}

const nextRelationId = (model: CoreModel): number => {
  const taken = new Set(model.relations.map((r) => r.id));
  let id = model.counters.relation;
  while (taken.has(id)) id += 1;
  model.counters.relation = id + 1;
  return id;
};

/** Adds a relation with empty app bags and every current unit's address bag. */
export function addRelation(model: CoreModel, ends: readonly RelationEnd[], iface: string): CoreRelation {
  const relation: CoreRelation = { id: nextRelationId(model), interface: iface, ends, appData: {}, unitData: {}, joined: {}, departed: [], dying: false };
  for (const end of ends) relation.appData[end.app] = {};
  for (const unit of Object.values(model.units)) if (ends.some((e) => e.app === unit.app)) joinRelationData(relation, unit);
  model.relations.push(relation);
  return relation;
}

/** Juju writes the unit's addresses into its bag when it can enter the relation. */
export function joinRelationData(relation: CoreRelation, unit: CoreUnit): void {
  relation.unitData[unit.name] ??= addressBag(unit.address);
  relation.joined[unit.name] ??= [];
}

interface Candidate {
  readonly provider: RelationEnd;
  readonly requirer: RelationEnd;
  readonly iface: string;
}

function candidates(a: { app: string; meta: CharmMetadata; endpoint?: string }, b: { app: string; meta: CharmMetadata; endpoint?: string }): Candidate[] {
  const out: Candidate[] = [];
  const pairs = [[a, b], [b, a]] as const;
  for (const [p, r] of pairs) {
    for (const [pe, pspec] of Object.entries(p.meta.provides)) {
      if (p.endpoint !== undefined && p.endpoint !== pe) continue;
      for (const [re, rspec] of Object.entries(r.meta.requires)) {
        if (r.endpoint !== undefined && r.endpoint !== re) continue;
        if (pspec.interface === rspec.interface) out.push({ provider: { app: p.app, endpoint: pe, role: 'provides' }, requirer: { app: r.app, endpoint: re, role: 'requires' }, iface: pspec.interface });
      }
    }
  }
  return out;
}

/**
 * `juju integrate A[:ep] B[:ep]`: the one provides/requires pair with the same interface
 * (juju/juju state InferEndpoints: "no relations found", "ambiguous relation: %q could refer
 * to %s" with the sorted quoted keys; AddRelation: "relation <key> already exists").
 * Every unit of both applications gets `-relation-created`; joins follow as units enter scope.
 * Throws {@link ModelError} with Juju's wording when none or several pairs match, or the relation exists.
 */
export function integrate(model: CoreModel, a: { app: string; endpoint?: string }, b: { app: string; endpoint?: string }): CoreRelation {
  const side = (s: { app: string; endpoint?: string }) => {
    const app = model.applications[s.app];
    if (!app || app.life !== 'alive') throw new ModelError(`application ${JSON.stringify(s.app)} not found`);
    return { ...s, meta: app.application.charm.metadata };
  };
  const found = candidates(side(a), side(b));
  const text = (c: Candidate): string => `${c.provider.app}:${c.provider.endpoint} ${c.requirer.app}:${c.requirer.endpoint}`;
  if (found.length === 0) throw new ModelError(`no relations found`);
  if (found.length > 1) {
    const keys = found.map((c) => JSON.stringify(text(c))).sort();
    throw new ModelError(`ambiguous relation: ${JSON.stringify(`${a.app} ${b.app}`)} could refer to ${keys.join('; ')}`);
  }
  const [pick] = found as [Candidate];
  const exists = model.relations.find((r) => !r.dying && relationKey(r) === text(pick));
  if (exists) throw new ModelError(`relation ${text(pick)} already exists`);
  const relation = addRelation(model, [pick.provider, pick.requirer], pick.iface);
  for (const unit of Object.values(model.units)) {
    if (unit.dying || !relation.ends.some((e) => e.app === unit.app)) continue;
    queueHooks(model, unit.name, [{ ...createdHook(relation, unit.app) }]);
  }
  return relation;
}

const createdHook = (relation: CoreRelation, app: string) => {
  const ref = refFor(relation, app);
  return { kind: 'hook' as const, name: `${ref.endpoint}-relation-created`, relationId: ref.id, endpoint: ref.endpoint, remoteApp: ref.remoteApp ?? app, remoteUnit: '' };
};

/** The unit entered the relation (its `-created` ran): it and every unit of the other side already in scope see each other join. */
export function enterScope(model: CoreModel, unit: CoreUnit, relationId: number): void {
  if (unit.inScope.includes(relationId)) return;
  const relation = findCoreRelation(model, relationId);
  if (!relation) return;
  unit.inScope.push(relationId);
  if (relation.dying) {
    // Removed while its -created ran: the unit knew the relation, so it sees it break (no joins).
    const ref = refFor(relation, unit.app);
    queueHooks(model, unit.name, [brokenHook(ref, ref.remoteApp ?? unit.app)], true);
    return;
  }
  if (unit.dying) return;
  joinRelationData(relation, unit);
  for (const other of otherSide(model, relation, unit)) {
    if (other.dying || !other.inScope.includes(relationId)) continue;
    queueHooks(model, other.name, joinedHooks(refFor(relation, other.app), unit.app, unit.name));
    queueHooks(model, unit.name, joinedHooks(refFor(relation, unit.app), other.app, other.name));
  }
}

/** Units whose join `observer` has seen or will see (a joined hook is queued). */
export function knownUnits(model: CoreModel, observer: CoreUnit, relationId: number): string[] {
  const relation = findCoreRelation(model, relationId);
  const seen = relation?.joined[observer.name] ?? [];
  const pending = observer.queue.filter((h) => h.relationId === relationId && h.name.endsWith('-relation-joined')).map((h) => h.remoteUnit ?? '');
  return [...new Set([...seen, ...pending])].filter((u) => u !== '').sort(compareUnitNames);
}

/**
 * After a commit: the other units in scope get `-relation-changed` (a unit bag only for those
 * that saw its owner join; an app bag for the units whose remote application wrote it). The writer
 * never gets an event for its own write (contract §3.1).
 */
export function fanOutRelationChanges(model: CoreModel, writer: CoreUnit, changes: CommitResult['relationChanges']): void {
  for (const change of changes) {
    const relation = findCoreRelation(model, change.relationId);
    if (!relation || relation.dying) continue;
    for (const other of otherSide(model, relation, writer)) {
      if (other.dying || !other.inScope.includes(relation.id)) continue;
      if (change.bag === 'app') queueHooks(model, other.name, [changedHook(refFor(relation, other.app), writer.app, '')]);
      else if ((relation.joined[other.name] ?? []).includes(change.owner)) queueHooks(model, other.name, [changedHook(refFor(relation, other.app), writer.app, change.owner)]);
    }
  }
}

/**
 * `juju remove-relation`: the relation is dying; each unit in scope drops the joins it has not
 * run, sees every unit it knew depart (`JUJU_DEPARTING_UNIT` the remote unit), then `-broken`.
 * Units that never entered scope drop their queued hooks for it. Throws for peer relations,
 * which only go with their application.
 */
export function removeRelation(model: CoreModel, relationId: number): void {
  const relation = findCoreRelation(model, relationId);
  if (!relation || relation.dying) throw new ModelError(`relation ${relationId} not found`);
  if (relation.ends.length === 1) throw new ModelError(`cannot remove peer relation ${relationKey(relation)}`);
  relation.dying = true;
  for (const unit of Object.values(model.units)) {
    if (!relation.ends.some((e) => e.app === unit.app)) continue;
    const head = unit.running?.kind === 'hook' || unit.failure ? unit.queue.slice(0, 1) : [];
    const rest = unit.queue.slice(head.length).filter((h) => h.relationId !== relationId || !/-relation-(?:created|joined|changed)$/.test(h.name));
    unit.queue = [...head, ...rest];
    if (!unit.inScope.includes(relationId)) continue;
    const ref = refFor(relation, unit.app);
    const seen = relation.joined[unit.name] ?? [];
    queueHooks(model, unit.name, [...seen.map((remote) => departedHook(ref, ref.remoteApp ?? unit.app, remote, remote)), brokenHook(ref, ref.remoteApp ?? unit.app)], true);
  }
  collectRelations(model);
}

/** After `-broken`: the unit is out of the relation's scope. */
export function leaveScope(model: CoreModel, unit: CoreUnit, relationId: number): void {
  unit.inScope = unit.inScope.filter((id) => id !== relationId);
  const relation = findCoreRelation(model, relationId);
  if (relation) delete relation.joined[unit.name];
  collectRelations(model);
}

/** Dying relations no unit is in scope of, or waits on, leave the model. */
export function collectRelations(model: CoreModel): void {
  model.relations = model.relations.filter((r) => {
    if (!r.dying) return true;
    return Object.values(model.units).some((u) => u.inScope.includes(r.id) || u.queue.some((h) => h.relationId === r.id) || (u.running?.kind === 'hook' && u.running.relationId === r.id));
  });
}
