/**
 * The harness's `State`: a deeply readonly value describing one unit's world
 * before or after a hook. Build it with the factories below (and the id-assigning
 * ones on `Context`); `run` never mutates it and returns a new one.
 */
import type { StatusValue } from '../../hooktools/status.js';
import type { ConfigValue, RotatePolicy, SecretGrant, WorkloadStatusName } from '../fake-juju/model.js';

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

export type Bag = Readonly<Record<string, string>>;

/** A workload status, the shape the charm sets and reads (lib/juju/hooktools/status.ts): one shape everywhere. */
export type Status = StatusValue<WorkloadStatusName>;

export interface Relation {
  readonly kind: 'relation';
  readonly id: number;
  readonly endpoint: string;
  readonly interface: string;
  readonly remoteApp: string;
  readonly localAppData: Bag;
  readonly localUnitData: Bag;
  readonly remoteAppData: Bag;
  /** Remote units' bags keyed by unit number (`remoteApp/<n>`). */
  readonly remoteUnitsData: Readonly<Record<number, Bag>>;
}

export interface PeerRelation {
  readonly kind: 'peer';
  readonly id: number;
  readonly endpoint: string;
  readonly interface: string;
  readonly localAppData: Bag;
  readonly localUnitData: Bag;
  /** Other peers' bags keyed by unit number; never this unit. */
  readonly peersData: Readonly<Record<number, Bag>>;
}

export type AnyRelation = Relation | PeerRelation;

export interface SecretRevisionState {
  readonly revision: number;
  readonly content: Bag;
}

export interface Secret {
  /** 20 characters of `[0-9a-v]`; the URI is `secret:<id>`. */
  readonly id: string;
  /** `app` or `unit` when this unit's app/unit owns it; undefined when it is consumed. */
  readonly owner?: 'app' | 'unit';
  /** For consumed secrets: the owning application (a remote app), or `model` for a user secret. */
  readonly ownerApp?: string;
  readonly label?: string;
  readonly description?: string;
  readonly rotate?: RotatePolicy;
  readonly expire?: string;
  readonly revisions: readonly SecretRevisionState[];
  /** The revision this unit is pinned to as a consumer; undefined until it first reads. */
  readonly trackedRevision?: number;
  readonly consumerLabel?: string;
  readonly grants: readonly Readonly<SecretGrant>[];
}

export interface Port {
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  readonly port?: number;
  /** For ranges: the last port (defaults to `port`). */
  readonly toPort?: number;
  readonly endpoints?: readonly string[];
}

export interface Storage {
  readonly name: string;
  readonly index: number;
  readonly kind: 'filesystem' | 'block';
  readonly location: string;
}

export interface Network {
  readonly address: string;
  readonly cidr?: string;
  readonly interfaceName?: string;
  readonly ingressAddresses?: readonly string[];
  readonly egressSubnets?: readonly string[];
}

export interface CharmFile {
  readonly content: string;
  readonly mtimeMs: number;
}

export interface State {
  readonly config: Readonly<Record<string, ConfigValue>>;
  readonly leader: boolean;
  readonly relations: readonly AnyRelation[];
  readonly secrets: readonly Secret[];
  readonly unitStatus: Status;
  readonly appStatus: Status;
  readonly workloadVersion: string;
  readonly openedPorts: readonly Port[];
  readonly storages: readonly Storage[];
  /** Per binding name; bindings not listed use the unit's address. */
  readonly networks: Readonly<Record<string, Network>>;
  /** The unit's address (Juju writes it into every unit bag). */
  readonly address: string;
  /** Units goal-state reports (`app/0..n-1`); undefined means just this unit. */
  readonly plannedUnits?: number;
  /** The server-side `state-set` store. */
  readonly unitState: Bag;
  /** Deprecated leader settings (`leader-get`/`leader-set`). */
  readonly leaderSettings: Bag;
  /** Files in the charm directory, by relative path (for example `.juju-charm`). */
  readonly charmFiles: Readonly<Record<string, CharmFile>>;
}

/** The address Scenario and these defaults use (TEST-NET-1). */
export const DEFAULT_ADDRESS = '192.0.2.0';

/** Juju's address keys in a unit databag. */
export const defaultUnitBag = (address = DEFAULT_ADDRESS): Bag => ({
  'private-address': address,
  'ingress-address': address,
  'egress-subnets': `${address}/32`,
});

const freeze = <T>(value: T): DeepReadonly<T> => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) freeze(v);
  }
  return value as DeepReadonly<T>;
};

/** Deep-copies and deep-freezes, so callers' objects are never aliased or changed. */
export const frozenCopy = <T>(value: T): T => freeze(structuredClone(value)) as T;

export type StateInit = Partial<State>;

/** A State with Juju's defaults: non-leader, unknown statuses, no relations, config unset. */
export const createState = (init: StateInit = {}): State =>
  frozenCopy({
    config: {},
    leader: false,
    relations: [],
    secrets: [],
    unitStatus: { name: 'unknown', message: '' },
    appStatus: { name: 'unknown', message: '' },
    workloadVersion: '',
    openedPorts: [],
    storages: [],
    networks: {},
    address: DEFAULT_ADDRESS,
    unitState: {},
    leaderSettings: {},
    charmFiles: {},
    ...init,
  });

/** A copy of `state` with some fields replaced. */
export const withState = (state: State, changes: StateInit): State => createState({ ...state, ...changes });

export const status = (name: WorkloadStatusName, message = ''): Status => ({ name, message });

/** A storage attachment `name/index`. The location defaults to `/var/lib/juju/storage/<name>/<index>`. */
export const storage = (name: string, options: { index?: number; kind?: 'filesystem' | 'block'; location?: string } = {}): Storage =>
  frozenCopy({
    name,
    index: options.index ?? 0,
    kind: options.kind ?? 'filesystem',
    location: options.location ?? `/var/lib/juju/storage/${name}/${options.index ?? 0}`,
  });

export const storageId = (s: Storage): string => `${s.name}/${s.index}`;

/** The latest revision's content of a secret. Throws if it has no revisions. */
export const latestContent = (secret: Secret): Bag => {
  const last = secret.revisions[secret.revisions.length - 1];
  if (!last) throw new Error(`secret ${secret.id} has no revisions`);
  return last.content;
};

/** Finds a relation of a State by id. Throws when missing. */
export const relationById = (state: State, id: number): AnyRelation => {
  const found = state.relations.find((r) => r.id === id);
  if (!found) throw new Error(`no relation with id ${id} in the state`);
  return found;
};
