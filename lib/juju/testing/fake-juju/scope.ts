/**
 * What a tool implementation sees of one hook: the live model (for "Now"
 * effects), the snapshot taken when the hook started (for remote data,
 * config and leadership), the hook's pending ("Txn") changes, and helpers.
 */
import type { FakeModel, OpenedPort, RelationModel, RotatePolicy, SecretGrant, SecretModel, UnitModel } from './model.js';

/** A runtime failure: the tool prints `ERROR <message>` and exits 1. */
export class ToolFailure extends Error {
  override name = 'ToolFailure';
}

export interface PendingSecretUpdate {
  content?: Record<string, string>;
  label?: string;
  description?: string;
  expire?: string;
  rotate?: RotatePolicy;
}

/** Changes kept in memory until `finish(0)`. `null` values mean "delete this key". */
export interface PendingChanges {
  relationUnit: Map<number, Map<string, string | null>>;
  relationApp: Map<number, Map<string, string | null>>;
  state: Map<string, string | null>;
  ports: Array<{ op: 'open' | 'close'; port: OpenedPort }>;
  secretsAdded: SecretModel[];
  secretUpdates: Map<string, PendingSecretUpdate>;
  secretGrants: Array<{ id: string; grant: SecretGrant }>;
  secretRevokes: Array<{ id: string; match: Partial<SecretGrant> }>;
  secretRemovals: Array<{ id: string; revision?: number }>;
}

export const emptyPending = (): PendingChanges => ({
  relationUnit: new Map(),
  relationApp: new Map(),
  state: new Map(),
  ports: [],
  secretsAdded: [],
  secretUpdates: new Map(),
  secretGrants: [],
  secretRevokes: [],
  secretRemovals: [],
});

export interface FileAccess {
  readFile(path: string): string;
  writeFile(path: string, content: string): void;
}

export interface HookScope {
  /** The live model: "Now" effects go here at once; commits go here at `finish(0)`. */
  readonly model: FakeModel;
  /** A deep copy taken when the hook started: what reads of remote data, config and leadership see. */
  readonly snapshot: FakeModel;
  readonly unitName: string;
  readonly appName: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly pending: PendingChanges;
  readonly isLeader: boolean;
  /** The relation of a relation hook (`JUJU_RELATION_ID`). */
  readonly relationId: number | undefined;
  readonly remoteUnit: string | undefined;
  readonly remoteApp: string | undefined;
  readonly now: () => string;
  readonly files: FileAccess;
  /** Resolves a path given to a tool (`-o`, `#file`) against the hook's working directory. */
  readonly resolvePath: (path: string) => string;
}

/** The live unit. Throws if the model lost it (a controller bug, not a charm error). */
export const liveUnit = (scope: HookScope): UnitModel => {
  const unit = scope.model.units[scope.unitName];
  if (!unit) throw new Error(`unit ${scope.unitName} is not in the model`);
  return unit;
};

/** A relation as the hook sees it (snapshot), alive or dying. */
export const snapshotRelation = (scope: HookScope, id: number): RelationModel | undefined =>
  scope.snapshot.relations.find((r) => r.id === id);

/** `ep:id`, the form relation-ids prints and JUJU_RELATION_ID carries. */
export const relationKey = (relation: RelationModel): string => `${relation.endpoint}:${relation.id}`;

/** Applies pending key changes on top of a bag, returning a new bag. */
export const overlay = (
  bag: Readonly<Record<string, string>> | undefined,
  changes: ReadonlyMap<string, string | null> | undefined,
): Record<string, string> => {
  const out = { ...bag };
  for (const [key, value] of changes ?? []) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
};

/** Records key changes for a bag; an empty value deletes the key, as Juju does. */
export const recordBagChanges = (
  store: Map<number, Map<string, string | null>>,
  relationId: number,
  settings: Readonly<Record<string, string>>,
): void => {
  const changes = store.get(relationId) ?? new Map<string, string | null>();
  for (const [key, value] of Object.entries(settings)) changes.set(key, value === '' ? null : value);
  store.set(relationId, changes);
};
