/**
 * Hand-built snapshots for the refresh core: a cluster of units described by
 * their snap revision, gate and "started" flag, seen from one unit.
 */
import { decide } from '../../../../../lib/refresh/decide.js';
import type { IsWorkloadCompatible } from '../../../../../lib/refresh/compatibility.js';
import { REFRESH_APP_KEYS, REFRESH_UNIT_KEYS } from '../../../../../lib/refresh/constants.js';
import { serializeHistory } from '../../../../../lib/refresh/history.js';
import type {
  EffectResults,
  HealthResult,
  PreRefreshCheckResult,
  RefreshDecision,
  RefreshEvent,
  RefreshRequest,
  RefreshSnapshot,
  RefreshSpec,
} from '../../../../../lib/refresh/types.js';

/** An etcd-like workload rule, defined by the test (lib/refresh knows nothing of etcd). */
export const etcdLikeCompat: IsWorkloadCompatible = (oldVersion, newVersion) => {
  const parse = (v: string) => (/^\d+\.\d+\.\d+$/.test(v) ? v.split('.').map(Number) : undefined);
  const a = parse(oldVersion);
  const b = parse(newVersion);
  if (!a || !b || a[0] !== b[0]) return { compatible: false, trackChangeAllowed: false };
  if (a[1] === b[1]) return { compatible: b[2]! >= a[2]!, trackChangeAllowed: false };
  return { compatible: b[1] === a[1]! + 1, trackChangeAllowed: b[1] === a[1]! + 1 };
};

export const spec: RefreshSpec = { workloadName: 'etcd', charmName: 'charmed-etcd', isWorkloadCompatible: etcdLikeCompat };

export interface CharmRev {
  readonly revision: number;
  readonly charm: string;
  readonly workload: string;
  readonly snap: string;
  readonly local?: boolean;
}

export const OLD: CharmRev = { revision: 143, charm: '3.5/1.2.0', workload: '3.5.16', snap: '12' };
export const NEW: CharmRev = { revision: 150, charm: '3.5/1.3.0', workload: '3.5.30', snap: '13' };
export const APP = 'charmed-etcd';

export const jujuCharm = (rev: CharmRev): string =>
  rev.local ? `local:charmed-etcd-${rev.revision}` : `ch:amd64/noble/charmed-etcd-${rev.revision}`;

export const DEPLOY_TIME = 1000;
export const REFRESH_TIME = 2000;

export interface UnitSpec {
  readonly n: number;
  /** Installed snap revision; null: none. */
  readonly snap: string | null;
  readonly gate?: boolean;
  readonly started?: boolean;
  /** Charm code recorded in the databag (default: the viewer's code). */
  readonly code?: CharmRev;
  readonly codeTime?: number;
  /** Replaces the whole raw databag. */
  readonly raw?: Record<string, string>;
}

export const unitBag = (unit: UnitSpec, defaultCode: CharmRev, defaultTime: number): Record<string, string> => {
  if (unit.raw) return unit.raw;
  const bag: Record<string, string> = {
    [REFRESH_UNIT_KEYS.gate]: JSON.stringify(unit.gate ?? true),
    [REFRESH_UNIT_KEYS.started]: JSON.stringify(unit.started ?? false),
    [REFRESH_UNIT_KEYS.lastRefresh]: JSON.stringify({
      charm_revision: jujuCharm(unit.code ?? defaultCode),
      time_of_refresh: unit.codeTime ?? defaultTime + unit.n / 10,
    }),
  };
  if (unit.snap !== null) bag[REFRESH_UNIT_KEYS.installedSnapRevision] = JSON.stringify(unit.snap);
  return bag;
};

export const originalBag = (rev: CharmRev): Record<string, string> => ({
  [REFRESH_APP_KEYS.workload]: JSON.stringify(rev.workload),
  [REFRESH_APP_KEYS.workloadContainer]: JSON.stringify(rev.snap),
  [REFRESH_APP_KEYS.matchedPinnedContainer]: 'true',
  [REFRESH_APP_KEYS.charmVersion]: JSON.stringify(rev.charm),
  [REFRESH_APP_KEYS.charmRevision]: JSON.stringify(jujuCharm(rev)),
});

export const versionsOf = (rev: CharmRev) =>
  ({ ok: true, versions: { charm: rev.charm, workload: rev.workload, snapName: 'charmed-etcd', snapRevision: rev.snap } }) as const;

export interface ClusterOptions {
  readonly self: number;
  readonly units: readonly UnitSpec[];
  /** This unit's charm code (default NEW). */
  readonly code?: CharmRev;
  /** App databag original versions (default OLD); 'missing' leaves them out. */
  readonly original?: CharmRev | 'missing';
  readonly leader?: boolean;
  readonly pause?: string;
  readonly event?: RefreshEvent;
  /** Whether this unit's code was recorded as up to date (default true). */
  readonly codeUpToDate?: boolean;
  /** Local "refresh started" marker (default: own unit's `started`). */
  readonly localStarted?: boolean;
  readonly workloadRunning?: boolean;
  readonly effects?: EffectResults;
  /** Replaces the installed revision (default: own unit's `snap`). */
  readonly installed?: string | null;
  readonly peerInitialized?: boolean;
  readonly plannedUnits?: number;
}

export const hook = (name: string, departingUnit?: string): RefreshEvent =>
  departingUnit === undefined ? { kind: 'hook', name } : { kind: 'hook', name, departingUnit };
export const action = (name: string, params: Record<string, unknown> = {}): RefreshEvent => ({ kind: 'action', name, params });

/** A snapshot of `options.self` in a cluster where `juju refresh` happened at REFRESH_TIME. */
export const clusterSnapshot = (options: ClusterOptions): RefreshSnapshot => {
  const code = options.code ?? NEW;
  const self = options.units.find((unit) => unit.n === options.self);
  if (!self) throw new Error('self not in units');
  const lastTime = REFRESH_TIME + options.self / 10;
  const history = {
    last: { charm_revision: jujuCharm(code), time_of_refresh: lastTime },
    secondToLast: { charm_revision: jujuCharm(OLD), time_of_refresh: DEPLOY_TIME + options.self / 10 },
  };
  const units: Record<string, Record<string, string>> = {};
  for (const unit of options.units) units[`${APP}/${unit.n}`] = unitBag(unit, code, REFRESH_TIME);
  return {
    event: options.event ?? hook('update-status'),
    appName: APP,
    unitName: `${APP}/${options.self}`,
    isLeader: options.leader ?? false,
    spec,
    charm: {
      jujuCharm: jujuCharm(code),
      jujuCharmMtime: options.codeUpToDate === false ? lastTime + 500 : lastTime,
      versions: versionsOf(code),
    },
    local: {
      history: serializeHistory(history),
      refreshStarted: options.localStarted ?? self.started ?? false,
      ...(self.snap === code.snap ? { installedWorkloadVersion: code.workload } : { installedWorkloadVersion: OLD.workload }),
      peerRelationInitialized: options.peerInitialized ?? true,
      tearingDown: false,
      tearingDownLogged: false,
    },
    installedSnapRevision: options.installed === undefined ? self.snap : options.installed,
    peer: { units, app: options.original === 'missing' ? {} : originalBag(options.original ?? OLD) },
    pauseAfterUnitRefresh: options.pause ?? 'first',
    ...(options.plannedUnits === undefined ? {} : { plannedUnits: options.plannedUnits }),
    workloadRunning: options.workloadRunning ?? true,
    now: REFRESH_TIME + 100,
    effects: options.effects ?? {},
  };
};

export interface EffectHandlers {
  readonly prechecks?: () => PreRefreshCheckResult;
  readonly refresh?: (request: Extract<RefreshRequest, { kind: 'refresh-snap' }>) => { installedRevision: string | null; error?: string };
  readonly health?: () => HealthResult;
}

export interface DecidedUntilQuiet {
  readonly decision: RefreshDecision;
  readonly requests: readonly RefreshRequest[];
}

/** Runs decide until it stops requesting effects, answering requests with `handlers` (all succeed by default). */
export const decideUntilQuiet = (snapshot: RefreshSnapshot, handlers: EffectHandlers = {}): DecidedUntilQuiet => {
  let effects: EffectResults = { ...snapshot.effects };
  const requests: RefreshRequest[] = [];
  for (let i = 0; i < 6; i += 1) {
    const decision = decide({ ...snapshot, effects });
    const request = decision.request;
    if (request === undefined) return { decision, requests };
    requests.push(request);
    if (request.kind === 'run-pre-refresh-checks') effects = { ...effects, preRefreshChecks: handlers.prechecks?.() ?? { ok: true } };
    else if (request.kind === 'check-health-for-gate') effects = { ...effects, healthCheck: handlers.health?.() ?? { healthy: true } };
    else effects = { ...effects, snapRefresh: handlers.refresh?.(request) ?? { installedRevision: request.revision } };
  }
  throw new Error('decide did not settle');
};

export const refreshRequests = (settled: DecidedUntilQuiet) => settled.requests.filter((r) => r.kind === 'refresh-snap');
