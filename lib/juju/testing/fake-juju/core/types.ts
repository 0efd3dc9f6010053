/**
 * The data of a whole Juju model as the simulator's core sees it: several
 * applications (each with its charm, config and units), relations with two
 * sides and both applications' databags, secrets, storage and leadership,
 * plus each unit's hook queue. Plain JSON, so it is persisted as is.
 *
 * Hook sessions never see this shape: `view.ts` projects it onto the
 * single-application `FakeModel` the hook tools read and write.
 */
import type { ApplicationModel, Bag, ConfigValue, HistoryEntry, LogEntry, SecretModel, UnitModel } from '../model.js';

/** A hook waiting in a unit's queue, with what its environment needs. */
export interface QueuedHook {
  readonly kind: 'hook';
  readonly name: string;
  readonly relationId?: number;
  /** The observing unit's endpoint. */
  readonly endpoint?: string;
  /** `''` for created/broken and app-bag changes. */
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
  readonly storageId?: string;
  readonly secretId?: string;
  readonly secretLabel?: string;
  readonly secretRevision?: number;
}

/** An action queued on a unit (validated, defaults filled). */
export interface QueuedAction {
  readonly kind: 'action';
  readonly id: string;
  readonly name: string;
  readonly params: Record<string, unknown>;
}

export type QueuedEvent = QueuedHook | QueuedAction;

/** A charm the store holds: what a unit runs and how `.juju-charm` names it. */
export interface CharmRef {
  readonly kind: 'store' | 'local';
  /** Charmhub revision, or the local charm's sequence number. */
  readonly revision: number;
  /** `ch:amd64/noble/<name>-<rev>` or `local:<name>-<n>`. */
  readonly url: string;
  /** Directory of the charm's files, relative to the charm store. */
  readonly dir: string;
}

export interface AppState {
  readonly name: string;
  /** The charm new units get (what `juju refresh` last set). */
  charm: CharmRef;
  /** What the hook tools see of the application (charm files, status, leader settings). */
  application: ApplicationModel;
  /** Values set by the operator; defaults come from the charm's config.yaml. */
  config: Record<string, ConfigValue>;
  life: 'alive' | 'dying';
  /** Unit numbers are never reused within an application. */
  nextUnit: number;
}

export interface CoreUnit {
  readonly name: string;
  readonly app: string;
  readonly machine: number;
  /** The machine's private address (`sim set-address` changes it). */
  address: string;
  /** What the hook tools see of the unit (statuses, leadership, storage, ports, state). */
  juju: UnitModel;
  /** The charm the unit's directory holds now. */
  charm: CharmRef;
  /** A refresh not yet applied (the unit was running a hook). */
  pendingCharm?: CharmRef;
  queue: QueuedHook[];
  actions: QueuedAction[];
  /** The event running now (the head of `queue`, or an action already taken off `actions`). */
  running?: QueuedEvent;
  started: boolean;
  /** Relation ids whose scope the unit has entered (after its `-relation-created`). */
  inScope: number[];
  /** The head of `queue` failed: automatic retry at `retryAt`, or never (`resolved` needed). */
  failure?: { attempts: number; retryAt: number };
  dying: boolean;
}

export interface RelationEnd {
  readonly app: string;
  readonly endpoint: string;
  readonly role: 'peer' | 'provides' | 'requires';
}

export interface CoreRelation {
  readonly id: number;
  readonly interface: string;
  /** One end for a peer relation, two otherwise (provider first). */
  readonly ends: readonly RelationEnd[];
  /** Application databags by application name (both sides). */
  appData: Record<string, Bag>;
  /** Unit databags by unit name (both sides); departed units' bags stay readable. */
  unitData: Record<string, Bag>;
  /** For each observing unit, the units of the other side (or other peers) it has seen join: `relation-list`. */
  joined: Record<string, string[]>;
  departed: string[];
  /** `remove-relation` (or the removal of an application): units depart, then `-broken`. */
  dying: boolean;
}

export interface SchedulerSettings {
  /** When set: one hook at a time in the model, the next unit picked by a PRNG with this seed. */
  seed?: number;
  /**
   * When set: the core starts nothing by itself; the runtime picks which unit runs next with a
   * `run-next` input (an exploring test drives every interleaving). Overrides `seed`.
   */
  manual?: boolean;
  /** Multiplies Juju's retry back-off (5, 10, 20, 40 s … 5 min). */
  retryScale: number;
  /** Queue `start` after `upgrade-charm`/`config-changed` on refresh. */
  startAfterRefresh: boolean;
  /** Juju's update-status interval (the model's `update-status-hook-interval`). */
  updateStatusMs: number;
}

export interface CoreModel {
  readonly version: 2;
  readonly uuid: string;
  readonly name: string;
  readonly jujuVersion: string;
  /** `127.x.y`: units get `<subnet>.<10 + machine>` when added (`sim set-address` may move them). */
  readonly subnet: string;
  /** Where unit roots live (`<unitsDir>/<app>-<n>/root`); storage locations are under them. */
  readonly unitsDir: string;
  applications: Record<string, AppState>;
  units: Record<string, CoreUnit>;
  relations: CoreRelation[];
  secrets: SecretModel[];
  logs: LogEntry[];
  history: HistoryEntry[];
  counters: { relation: number; secret: number; action: number; machine: number; storage: number };
  settings: SchedulerSettings;
  prng: number;
  /** The simulated clock (ms): the `at` of the last input. */
  now: number;
}

export type Command =
  | { kind: 'run'; unit: string; event: QueuedEvent }
  | { kind: 'timer'; id: string; at: number }
  | { kind: 'persist' }
  /** A new unit: lay out its machine (root, storage directories) and install its charm. */
  | { kind: 'unit-added'; unit: string }
  | { kind: 'unit-removed'; unit: string }
  | { kind: 'install-charm'; unit: string; charm: CharmRef; previous: CharmRef }
  | { kind: 'log'; unit: string; level: 'INFO' | 'WARNING' | 'ERROR'; logger: string; message: string };
