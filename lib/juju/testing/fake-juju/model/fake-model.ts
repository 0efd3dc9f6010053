/** The whole model, its constructor and the lookups and id sources that take it. */
import type { ApplicationModel, UnitModel } from './application.js';
import type { ActionModel, HistoryEntry, LogEntry } from './actions-and-logs.js';
import type { CharmFiles, ConfigValue } from './charm-files.js';
import type { RelationModel } from './relation.js';
import { secretIdFor } from './secret.js';
import type { SecretModel } from './secret.js';
import { storedStatus } from './status.js';

export interface FakeModel {
  uuid: string;
  name: string;
  jujuVersion: string;
  application: ApplicationModel;
  /** Keyed by unit name. */
  units: Record<string, UnitModel>;
  /** Values set by the user; defaults come from `application.charm.config`. */
  config: Record<string, ConfigValue>;
  relations: RelationModel[];
  secrets: SecretModel[];
  /** The running action, if any (one at a time per unit; the simulator swaps it per hook). */
  action?: ActionModel;
  logs: LogEntry[];
  history: HistoryEntry[];
  /** Deterministic id sources, kept in the model so ids never depend on module state. */
  counters: { relation: number; secret: number; action: number };
}

/** A model with one application and no units. */
export const emptyModel = (options: {
  appName: string;
  charm: CharmFiles;
  uuid?: string;
  name?: string;
  jujuVersion?: string;
  charmRevision?: number;
}): FakeModel => ({
  uuid: options.uuid ?? '00000000-0000-4000-8000-000000000000',
  name: options.name ?? 'test-model',
  jujuVersion: options.jujuVersion ?? '3.6.8',
  application: {
    name: options.appName,
    charm: options.charm,
    charmRevision: options.charmRevision ?? 1,
    status: storedStatus('unknown'),
    statusSetByCharm: false,
    leaderSettings: {},
  },
  units: {},
  config: {},
  relations: [],
  secrets: [],
  logs: [],
  history: [],
  counters: { relation: 0, secret: 0, action: 0 },
});

/** The next deterministic secret id for this model (20 chars of Juju's xid alphabet). */
export const nextSecretId = (model: FakeModel): string => {
  const taken = new Set(model.secrets.map((s) => s.id));
  for (;;) {
    model.counters.secret += 1;
    const id = secretIdFor(model.counters.secret);
    if (!taken.has(id)) return id;
  }
};

/** The next relation id for this model. */
export const nextRelationId = (model: FakeModel): number => {
  const taken = new Set(model.relations.map((r) => r.id));
  let id = model.counters.relation;
  while (taken.has(id)) id += 1;
  model.counters.relation = id + 1;
  return id;
};

export const findRelation = (model: FakeModel, id: number): RelationModel | undefined =>
  model.relations.find((r) => r.id === id);

export const findSecret = (model: FakeModel, id: string): SecretModel | undefined =>
  model.secrets.find((s) => s.id === id);
