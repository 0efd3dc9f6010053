/**
 * Checks, before the charm runs, that a (State, event) pair could happen in
 * Juju. Each check is a small pure function; all problems are reported at once.
 */
import type { CharmFiles, ConfigType } from '../fake-juju/model.js';
import type { HarnessEvent } from './events.js';
import type { State } from './state.js';
import { storageId } from './state.js';

export interface CheckResults {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

export interface CheckInput {
  readonly state: State;
  readonly event: HarnessEvent;
  readonly charm: CharmFiles;
  readonly appName: string;
  readonly unitId: number;
}

export type ConsistencyCheck = (input: CheckInput) => CheckResults;

/** The scenario could never happen in Juju; `problems` lists every error found. */
export class InconsistentStateError extends Error {
  override name = 'InconsistentStateError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`inconsistent scenario:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

const typeOk = (type: ConfigType, value: unknown): boolean => {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'secret':
      return typeof value === 'string' && /^secret:/.test(value);
  }
};

export const checkConfig: ConsistencyCheck = ({ state, charm }) => {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(state.config)) {
    const option = charm.config[key];
    if (!option) errors.push(`config key ${JSON.stringify(key)} is not declared in config.yaml`);
    else if (!typeOk(option.type, value)) {
      errors.push(`config key ${JSON.stringify(key)} is declared as ${option.type} but the state gives ${JSON.stringify(value)}`);
    }
  }
  return { errors, warnings: [] };
};

export const checkRelations: ConsistencyCheck = ({ state, charm, unitId }) => {
  const errors: string[] = [];
  const warnings: string[] = [];
  const seen = new Set<number>();
  for (const relation of state.relations) {
    if (seen.has(relation.id)) errors.push(`relation id ${relation.id} is used twice`);
    seen.add(relation.id);
    const peer = charm.metadata.peers[relation.endpoint];
    const other = charm.metadata.provides[relation.endpoint] ?? charm.metadata.requires[relation.endpoint];
    const declared = peer ?? other;
    if (!declared) {
      errors.push(`relation endpoint ${JSON.stringify(relation.endpoint)} is not declared in metadata.yaml`);
      continue;
    }
    if (peer && relation.kind !== 'peer') errors.push(`endpoint ${JSON.stringify(relation.endpoint)} is a peer endpoint: use peerRelation()`);
    if (!peer && relation.kind === 'peer') errors.push(`endpoint ${JSON.stringify(relation.endpoint)} is not a peer endpoint: use relation()`);
    if (declared.interface !== relation.interface) {
      warnings.push(`relation ${relation.id} has interface ${JSON.stringify(relation.interface)}, metadata.yaml says ${JSON.stringify(declared.interface)}`);
    }
    if (relation.kind === 'peer' && unitId in relation.peersData) {
      errors.push(`peer relation ${relation.id}: peersData must not contain this unit (${unitId})`);
    }
  }
  return { errors, warnings };
};

export const checkStorages: ConsistencyCheck = ({ state, charm }) => {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const s of state.storages) {
    if (!charm.metadata.storage[s.name]) errors.push(`storage ${JSON.stringify(s.name)} is not declared in metadata.yaml`);
    if (seen.has(storageId(s))) errors.push(`storage ${storageId(s)} is listed twice`);
    seen.add(storageId(s));
  }
  return { errors, warnings: [] };
};

export const checkSecrets: ConsistencyCheck = ({ state }) => {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const secret of state.secrets) {
    if (seen.has(secret.id)) errors.push(`secret id ${secret.id} is used twice`);
    seen.add(secret.id);
    if (!/^[0-9a-v]{20}$/.test(secret.id)) errors.push(`secret id ${JSON.stringify(secret.id)} is not 20 characters of [0-9a-v]`);
    if (secret.revisions.length === 0) errors.push(`secret ${secret.id} has no revisions`);
    if (secret.trackedRevision !== undefined && !secret.revisions.some((r) => r.revision === secret.trackedRevision)) {
      errors.push(`secret ${secret.id} tracks revision ${secret.trackedRevision}, which it does not have`);
    }
  }
  return { errors, warnings: [] };
};

export const checkEvent: ConsistencyCheck = ({ state, event, charm, appName }) => {
  const errors: string[] = [];
  if (event.kind === 'action') return { errors, warnings: [] };
  const { relation } = event;
  if (relation) {
    const inState = state.relations.find((r) => r.id === relation.id);
    if (!inState) errors.push(`the event's relation ${relation.endpoint}:${relation.id} is not in the state`);
    const suffix = event.name.slice(relation.endpoint.length + '-relation-'.length);
    if ((suffix === 'joined' || suffix === 'departed') && !event.remoteUnit) {
      errors.push(`${event.name} needs a remote unit`);
    }
    if (relation.kind === 'peer' && (suffix === 'broken')) errors.push('peer relations never get -relation-broken');
    if (inState && event.remoteUnit && suffix !== 'departed') {
      const remoteApp = inState.kind === 'peer' ? appName : inState.remoteApp;
      const data = inState.kind === 'peer' ? inState.peersData : inState.remoteUnitsData;
      const n = Number(event.remoteUnit.slice(event.remoteUnit.lastIndexOf('/') + 1));
      if (!event.remoteUnit.startsWith(`${remoteApp}/`) || !(n in data)) {
        errors.push(`remote unit ${event.remoteUnit} is not in relation ${relation.id}'s remote units`);
      }
    }
  }
  if (event.storage) {
    const s = event.storage;
    if (!charm.metadata.storage[s.name]) errors.push(`storage ${JSON.stringify(s.name)} is not declared in metadata.yaml`);
    if (!state.storages.some((x) => storageId(x) === storageId(s))) errors.push(`the event's storage ${storageId(s)} is not attached in the state`);
  }
  if (event.secret && !state.secrets.some((s) => s.id === event.secret?.id)) {
    errors.push(`the event's secret ${event.secret.id} is not in the state`);
  }
  return { errors, warnings: [] };
};

export const DEFAULT_CHECKS: readonly ConsistencyCheck[] = [checkConfig, checkRelations, checkStorages, checkSecrets, checkEvent];

/** Runs every check; returns warnings. Throws {@link InconsistentStateError} listing all errors. */
export const assertConsistent = (input: CheckInput, checks: readonly ConsistencyCheck[] = DEFAULT_CHECKS): readonly string[] => {
  const errors: string[] = [];
  const warnings: string[] = [];
  for (const check of checks) {
    const result = check(input);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
  }
  if (errors.length > 0) throw new InconsistentStateError(errors);
  return warnings;
};
