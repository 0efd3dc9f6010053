/**
 * The data of a fake Juju model: plain, JSON-serialisable values (no classes,
 * no Maps, no Dates) so that the in-process harness and the multi-unit
 * simulator share one representation and the simulator can persist it as JSON.
 *
 * One model holds one local application and its units. Remote applications
 * exist only as names, app databags and unit databags inside relations.
 * Hook sessions (`session.ts`) read and change a `FakeModel` in place.
 */

/** A databag: Juju relation data is strings only. */
export type Bag = Record<string, string>;

/** Workload statuses a charm may set, plus the ones Juju sets itself. */
export type WorkloadStatusName =
  | 'unknown'
  | 'maintenance'
  | 'blocked'
  | 'waiting'
  | 'active'
  | 'error'
  | 'terminated';

export interface StatusValue {
  status: WorkloadStatusName;
  message: string;
  /** `status-set` never fills this from a charm; kept for `status-get --include-data`. */
  data: Record<string, unknown>;
  /** ISO-8601 time of the last change. */
  since: string;
}

export interface AgentStatusValue {
  status: 'allocating' | 'executing' | 'idle' | 'error' | 'failed' | 'lost' | 'rebooting';
  message: string;
  since: string;
}

// ---------------------------------------------------------------------------
// Charm files, parsed (see charm.ts for the zod parsers).

export interface CharmEndpoint {
  interface: string;
  limit?: number;
  optional?: boolean;
  scope?: 'global' | 'container';
}

export interface CharmStorage {
  type: 'filesystem' | 'block';
  location?: string;
  description?: string;
  multiple?: { range: string };
  minimumSize?: string;
}

export interface CharmMetadata {
  name: string;
  peers: Record<string, CharmEndpoint>;
  provides: Record<string, CharmEndpoint>;
  requires: Record<string, CharmEndpoint>;
  storage: Record<string, CharmStorage>;
  extraBindings: string[];
}

export type ConfigType = 'string' | 'int' | 'float' | 'boolean' | 'secret';
export type ConfigValue = string | number | boolean;

export interface CharmConfigOption {
  type: ConfigType;
  default?: ConfigValue;
  description?: string;
}

/** One action of actions.yaml; `params` holds JSON-schema property objects verbatim. */
export interface CharmAction {
  description?: string;
  params: Record<string, JsonSchema>;
  required: string[];
  /** Juju's default is false: unknown params are refused. */
  additionalProperties: boolean;
}

/** The subset of JSON schema actions.yaml uses; other keywords are kept but not checked. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  [keyword: string]: unknown;
}

export interface CharmFiles {
  metadata: CharmMetadata;
  config: Record<string, CharmConfigOption>;
  actions: Record<string, CharmAction>;
}

// ---------------------------------------------------------------------------
// Application and units.

export interface ApplicationModel {
  name: string;
  charm: CharmFiles;
  /** The charm revision the units run (for status output in the simulator). */
  charmRevision: number;
  status: StatusValue;
  /** True once any unit (the leader) called `status-set --application`. */
  statusSetByCharm: boolean;
  /** Deprecated leader settings (`leader-get`/`leader-set`). */
  leaderSettings: Bag;
  /**
   * When set, goal-state lists these units (all `active`) instead of the model's
   * units: lets a single-unit harness say "3 units are planned".
   */
  plannedUnits?: string[];
}

export interface StorageAttachment {
  /** `<name>/<n>`, for example `data/0`. */
  id: string;
  kind: 'filesystem' | 'block';
  location: string;
}

/** One `open-port` entry: `80/tcp`, `1000-2000/udp`, `icmp`. */
export interface OpenedPort {
  protocol: 'tcp' | 'udp' | 'icmp';
  /** Absent for icmp. */
  fromPort?: number;
  toPort?: number;
  /** Endpoints the port is opened for; `['*']` means all. */
  endpoints: string[];
}

export interface NetworkBinding {
  interfaceName: string;
  macAddress: string;
  address: string;
  cidr: string;
  ingressAddresses: string[];
  egressSubnets: string[];
}

export interface UnitAddresses {
  privateAddress: string;
  /** Used for every binding not listed in `bindings`. */
  defaultBinding: NetworkBinding;
  bindings: Record<string, NetworkBinding>;
}

export interface UnitModel {
  /** `app/<n>`. */
  name: string;
  machineId: string;
  leader: boolean;
  life: 'alive' | 'dying' | 'dead';
  workloadStatus: StatusValue;
  /** True once the charm called `status-set` on this unit (Juju's "unknown after start" rule). */
  statusSetByCharm: boolean;
  agentStatus: AgentStatusValue;
  workloadVersion: string;
  /** Committed open ports (opened-ports shows only these). */
  openedPorts: OpenedPort[];
  /** The per-unit `state-set` store. */
  state: Record<string, string>;
  storage: StorageAttachment[];
  addresses: UnitAddresses;
}

// ---------------------------------------------------------------------------
// Relations.

export interface RelationModel {
  id: number;
  /** The local application's endpoint name. */
  endpoint: string;
  interface: string;
  peer: boolean;
  /** For peer relations, the local application's name. */
  remoteApp: string;
  /** Remote side's endpoint name (informational; for peers the same endpoint). */
  remoteEndpoint: string;
  /** Application databags keyed by application name (local and remote). */
  appData: Record<string, Bag>;
  /** Unit databags keyed by unit name; departed units' bags stay readable. */
  unitData: Record<string, Bag>;
  /**
   * For each observing unit (local or remote), the units on the other side
   * (or other peers) it has seen join and not yet depart: `relation-list`.
   */
  joined: Record<string, string[]>;
  /** Units that have left the relation (bags kept for the life of the relation). */
  departed: string[];
  /** Set once the relation is being removed (`-broken`): relation-list is empty. */
  dying: boolean;
}

// ---------------------------------------------------------------------------
// Secrets.

export type RotatePolicy = 'never' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

export type SecretOwner =
  | { kind: 'application'; name: string }
  | { kind: 'unit'; name: string }
  /** A user secret (`juju add-secret`, Juju 3). */
  | { kind: 'model' };

export interface SecretRevision {
  revision: number;
  /** Decoded values (Juju stores base64; `secret-get` returns decoded strings). */
  content: Record<string, string>;
  createdAt: string;
  /** ISO-8601: when Juju runs `secret-expired` for this revision on the owner (Juju keeps expiry per revision). */
  expire?: string;
  /** When the last `secret-expired` for it was queued: Juju queues it again 5 minutes later until the revision goes. */
  expiryQueuedAt?: number;
}

/** Access given with `secret-grant` (or `juju grant-secret` for user secrets). */
export interface SecretGrant {
  scope: 'application' | 'unit';
  /** Application or unit name. */
  subject: string;
  /** Relation the grant was made over; absent for user-secret grants. */
  relationId?: number;
}

export interface SecretConsumer {
  /** The revision this unit is pinned to. */
  revision: number;
  label?: string;
}

export interface SecretModel {
  /** 20 characters, `[0-9a-v]`; the URI is `secret:<id>`. */
  id: string;
  owner: SecretOwner;
  /** The owner's label. */
  label?: string;
  description?: string;
  rotate?: RotatePolicy;
  /** ISO-8601 expiry of the latest revision (what `secret-info-get` shows). */
  expire?: string;
  revisions: SecretRevision[];
  grants: SecretGrant[];
  /** Per consuming unit name. */
  consumers: Record<string, SecretConsumer>;
  /** A user secret's name (`juju add-secret NAME`). */
  name?: string;
}

// ---------------------------------------------------------------------------
// Actions, logs and history.

export interface ActionModel {
  /** Numeric string, as Juju 3.x uses. */
  id: string;
  name: string;
  unit: string;
  /** Params after schema defaults are filled in. */
  params: Record<string, unknown>;
  /** Nested as `action-set a.b=v` builds them; leaves are strings. */
  results: Record<string, unknown>;
  /** `action-log` messages, in order. */
  logs: string[];
  failed: boolean;
  /** The `action-fail` message. */
  failMessage?: string;
}

export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface LogEntry {
  unit: string;
  level: LogLevel;
  message: string;
  at: string;
}

/** A "Now" effect that happened, in order; the simulator turns these into debug-log and status history. */
export type HistoryEntry =
  | { kind: 'unit-status'; unit: string; status: WorkloadStatusName; message: string; at: string }
  | { kind: 'app-status'; unit: string; status: WorkloadStatusName; message: string; at: string }
  | { kind: 'workload-version'; unit: string; version: string; at: string }
  | { kind: 'action-log'; unit: string; actionId: string; message: string; at: string };

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

// ---------------------------------------------------------------------------
// Small constructors and lookups shared by the session, harness and simulator.

export const EPOCH = '1970-01-01T00:00:00.000Z';

/** A status value with empty message and data. */
export const statusValue = (status: WorkloadStatusName, message = '', since = EPOCH): StatusValue => ({
  status,
  message,
  data: {},
  since,
});

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
    status: statusValue('unknown'),
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

/** A binding on `address` with a /24 cidr, as Juju reports for a simple machine. */
export const bindingFor = (address: string): NetworkBinding => ({
  interfaceName: 'eth0',
  macAddress: '',
  address,
  cidr: `${address.split('.').slice(0, 3).join('.')}.0/24`,
  ingressAddresses: [address],
  egressSubnets: [`${address}/32`],
});

/** A live unit with Juju's defaults (status unknown, agent idle). */
export const newUnit = (options: {
  name: string;
  address: string;
  leader?: boolean;
  machineId?: string;
}): UnitModel => ({
  name: options.name,
  machineId: options.machineId ?? unitNumber(options.name).toString(),
  leader: options.leader ?? false,
  life: 'alive',
  workloadStatus: statusValue('unknown'),
  statusSetByCharm: false,
  agentStatus: { status: 'idle', message: '', since: EPOCH },
  workloadVersion: '',
  openedPorts: [],
  state: {},
  storage: [],
  addresses: { privateAddress: options.address, defaultBinding: bindingFor(options.address), bindings: {} },
});

/** The address keys Juju writes into every unit's databag. */
export const addressBag = (address: string): Bag => ({
  'private-address': address,
  'ingress-address': address,
  'egress-subnets': `${address}/32`,
});

/** `app/3` → 3. Throws on a malformed unit name. */
export const unitNumber = (unitName: string): number => {
  const match = /^[a-z][a-z0-9-]*\/(\d+)$/.exec(unitName);
  if (!match?.[1]) throw new Error(`not a unit name: ${JSON.stringify(unitName)}`);
  return Number(match[1]);
};

/** `app/3` → `app`. */
export const appOfUnit = (unitName: string): string => unitName.slice(0, unitName.lastIndexOf('/'));

/** Sorts unit names by application, then unit number (so `app/10` follows `app/9`). */
export const compareUnitNames = (a: string, b: string): number => {
  const appA = appOfUnit(a);
  const appB = appOfUnit(b);
  if (appA !== appB) return appA < appB ? -1 : 1;
  return unitNumber(a) - unitNumber(b);
};

/** `secret:<id>`. */
export const secretUri = (id: string): string => `secret:${id}`;

const SECRET_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

/** The next deterministic secret id for this model (20 chars of Juju's xid alphabet). */
export const nextSecretId = (model: FakeModel): string => {
  const taken = new Set(model.secrets.map((s) => s.id));
  for (;;) {
    model.counters.secret += 1;
    const id = secretIdFor(model.counters.secret);
    if (!taken.has(id)) return id;
  }
};

/** The n-th deterministic secret id: `d` then n in base 32, zero-padded to 20 characters. */
export const secretIdFor = (n: number): string => {
  let tail = '';
  for (let rest = n; rest > 0; rest = Math.floor(rest / 32)) tail = SECRET_ID_ALPHABET[rest % 32] + tail;
  return `d${tail.padStart(19, '0')}`;
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

/** The latest revision of a secret. Throws if it has none (a model invariant). */
export const latestRevision = (secret: SecretModel): SecretRevision => {
  const last = secret.revisions[secret.revisions.length - 1];
  if (!last) throw new Error(`secret ${secret.id} has no revisions`);
  return last;
};

/** All endpoint names a unit can be bound on (relations plus extra-bindings). */
export const bindingNames = (charm: CharmFiles): string[] => [
  ...Object.keys(charm.metadata.peers),
  ...Object.keys(charm.metadata.provides),
  ...Object.keys(charm.metadata.requires),
  ...charm.metadata.extraBindings,
];
