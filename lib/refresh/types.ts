import type { SettableStatusName, StatusValue } from '../juju/hooktools/status.js';
import type { IsWorkloadCompatible } from './compatibility.js';
import type { LocalFileName } from './constants.js';
import type { RefreshVersionsResult } from './refresh-versions.js';

/** `pause-after-unit-refresh`; any other value is `unknown` (acts as `all`). */
export type PausePolicy = 'all' | 'first' | 'none' | 'unknown';

/** Whether a refresh is in progress, as this unit can tell from the peer databags. */
export type InProgress = true | false | 'unknown';

/** A status to set: Juju's own shape (lib/juju), one of the settable names and its message. */
export type Status = StatusValue<SettableStatusName>;

/** The Juju event this process runs for. */
export type RefreshEvent =
  | {
      readonly kind: 'hook';
      /** Hook name, e.g. `upgrade-charm`, `refresh-v-three-relation-departed`. */
      readonly name: string;
      /** For `*-relation-departed`: the departing unit (`JUJU_DEPARTING_UNIT`). */
      readonly departingUnit?: string;
    }
  | {
      readonly kind: 'action';
      readonly name: string;
      /** Action parameters as Juju passed them (validated with zod inside). */
      readonly params: Readonly<Record<string, unknown>>;
    };

/** Charm-specific facts and pure callbacks (the workload-specific part). */
export interface RefreshSpec {
  /** Human-readable workload name, e.g. `etcd`. */
  readonly workloadName: string;
  /** Charm name in metadata.yaml, e.g. `charmed-etcd` (used in the docs URL). */
  readonly charmName: string;
  readonly isWorkloadCompatible: IsWorkloadCompatible;
}

/** Facts about the charm code installed on this unit. */
export interface CharmFacts {
  /** Contents of `.juju-charm`, trimmed, e.g. `ch:amd64/noble/charmed-etcd-143` or `local:charmed-etcd-0`. */
  readonly jujuCharm: string;
  /** Modification time of `.juju-charm`, seconds since the epoch (fractional). */
  readonly jujuCharmMtime: number;
  /** The packed `refresh_versions.toml`, parsed for this machine's architecture. */
  readonly versions: RefreshVersionsResult;
}

/** Contents of `<charm dir>/.charm_refresh_v3/` at the start of the event. */
export interface LocalState {
  /** Raw JSON of the charm-code history file; absent on first install. */
  readonly history?: string;
  readonly refreshStarted: boolean;
  readonly installedWorkloadVersion?: string;
  readonly peerRelationInitialized: boolean;
  readonly tearingDown: boolean;
  readonly tearingDownLogged: boolean;
}

/** Raw `refresh-v-three` databags as hook tools return them (string maps, unvalidated). */
export interface PeerData {
  /** Every unit in the relation, this unit included, by unit name. */
  readonly units: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly app: Readonly<Record<string, string>>;
}

export type PreRefreshCheckResult = { readonly ok: true } | { readonly ok: false; readonly message: string };
export type HealthResult = { readonly healthy: true } | { readonly healthy: false; readonly reason: string };
/** After `refresh-snap`: the installed revision read back (null: not installed) and the error, if any. */
export interface SnapRefreshResult {
  readonly installedRevision: string | null;
  readonly error?: string;
}

/** Results of the effects already performed in this event. */
export interface EffectResults {
  readonly preRefreshChecks?: PreRefreshCheckResult;
  readonly snapRefresh?: SnapRefreshResult;
  readonly healthCheck?: HealthResult;
}

/** Everything one unit sees in one Juju event. */
export interface RefreshSnapshot {
  readonly event: RefreshEvent;
  readonly appName: string;
  /** e.g. `charmed-etcd/2`. */
  readonly unitName: string;
  readonly isLeader: boolean;
  readonly spec: RefreshSpec;
  readonly charm: CharmFacts;
  readonly local: LocalState;
  /** Installed snap revision at the start of the event (null: snap not installed). */
  readonly installedSnapRevision: string | null;
  /** Null when the peer relation does not exist yet. */
  readonly peer: PeerData | null;
  /** Raw `pause-after-unit-refresh` config value. */
  readonly pauseAfterUnitRefresh: string | undefined;
  /** Non-dying units from `goal-state`; read only while the relation is not yet initialized. */
  readonly plannedUnits?: number;
  /** Whether the workload runs (for the lower-priority unit status). */
  readonly workloadRunning: boolean;
  /** Clock reading for this event, seconds since the epoch. */
  readonly now: number;
  readonly effects: EffectResults;
}

export type FileOp =
  | { readonly op: 'write'; readonly name: LocalFileName; readonly content: string }
  | { readonly op: 'delete'; readonly name: LocalFileName };

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';
export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
}

/** One effect the adapter must perform before calling `decide` again. */
export type RefreshRequest =
  | { readonly kind: 'run-pre-refresh-checks' }
  /** Install (`install: true`, snap absent) or refresh the workload snap to `revision`. */
  | { readonly kind: 'refresh-snap'; readonly snapName: string; readonly revision: string; readonly install: boolean }
  | { readonly kind: 'check-health-for-gate' };

export interface ActionOutcome {
  readonly status: 'completed' | 'failed';
  /** Failure message (`action-fail`). */
  readonly message?: string;
  /** `action-set` results; the library only uses the key `result`. */
  readonly results: Readonly<Record<string, string>>;
  /** `action-log` lines, in order. */
  readonly log: readonly string[];
}

export type SpecialOutcome =
  | 'peer-relation-not-ready'
  | 'unit-tearing-down'
  | 'original-versions-invalid'
  | 'charm-versions-invalid';

/** What `decide` wants done for this event. */
export interface RefreshDecision {
  /** Local-state file writes/deletes, in order (names inside `.charm_refresh_v3/`). */
  readonly files: readonly FileOp[];
  /** Own unit databag changes: JSON-encoded values; `null` deletes. Only keys whose value changes. */
  readonly unitBag: Readonly<Record<string, string | null>>;
  /** App databag changes (leader only), same encoding. */
  readonly appBag: Readonly<Record<string, string | null>>;
  /** Workload version for `application-version-set`, when this unit's code is up to date. */
  readonly applicationVersion?: string;
  /** Overrides every charm status; the charm must clear its copy when absent. */
  readonly unitStatusHigh?: Status;
  /** Shown only when the charm has nothing else to say. */
  readonly unitStatusLow?: Status;
  /** Application status (leader only). */
  readonly appStatus?: Status;
  readonly log: readonly LogLine[];
  /** Outcome of a refresh action run in this event. */
  readonly action?: ActionOutcome;
  readonly inProgress: InProgress;
  /** This event's snap refresh completed the whole refresh. */
  readonly refreshCompletedThisEvent: boolean;
  readonly outcome?: SpecialOutcome;
  /** At most one effect to perform; absent when the decision is final. */
  readonly request?: RefreshRequest;
  /** This unit's gate after this event. */
  readonly gate: boolean;
  /** Last failed `check-health-for-gate` reason in this event, for the charm's status. */
  readonly healthCheckFailure?: string;
  /** The snap refresh performed in this event failed. */
  readonly snapRefreshFailed: boolean;
  /** Pinned snap for initial installation, when the versions could be read. */
  readonly pinned?: { readonly snapName: string; readonly snapRevision: string; readonly workload: string };
}
