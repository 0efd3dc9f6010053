/**
 * A model of the real charm for the fault-injection suite: N units on etcd
 * 3.5.16 with `pause-after-unit-refresh=none`, charm revisions published on
 * demand (each with a newer charm version, so patch refreshes go both ways),
 * and the checks every case ends with: the refresh converged, etcd itself
 * reports a healthy cluster, and no acknowledged write was lost.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { unitPaths } from '../../../src/etcd/paths.js';
import { unitRoot } from '../../sim/home.js';
import { installedSnap } from '../../sim/snapd/index.js';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { expectHealthyCluster } from '../charm/expect-cluster.js';
import { until } from '../support/cluster.js';
import { allActive, settle as settleModel, simOk, withWriter as writeThrough } from '../support/steps.js';
import type { ContinuousWriter } from '../support/writer.js';

export const APP = 'charmed-etcd';
export const unit = (n: number): string => `${APP}/${n}`;

/** The store's snap revision serving each etcd version (see `sim snap-store`). */
export const SNAP_REVISION = { '3.5.16': '2', '3.5.30': '3' } as const;
export type EtcdVersion = keyof typeof SNAP_REVISION;

export interface RefreshModel {
  readonly sim: SimModel;
  /** Runs a verb; returns stdout. @throws Error with stderr when it exits non-zero. */
  cli(...args: string[]): Promise<string>;
  /** Publishes the charm pinned to etcd `version` with the next charm version; returns its store revision. */
  publish(version: EtcdVersion): Promise<string>;
  /**
   * Lets the model run hooks until it is quiet and `check` holds on the status. Units in
   * hook error are tolerated while Juju retries them.
   * @throws Error with the last status after `timeoutMs`.
   */
  settle(check: (s: StatusJson) => boolean, timeoutMs?: number): Promise<StatusJson>;
  /** The snap revision the unit has installed now (read from its snapd, not from the status). */
  snapRevision(unitName: string): string | undefined;
  /** Lines the simulator logged for `inject-fault` on the unit. */
  faultLog(unitName: string): string[];
  destroy(): Promise<void>;
}

export interface RefreshModelOptions {
  readonly units: number;
  /** Juju's retry back-off multiplier: large enough that a unit's hook error shows in the status. */
  readonly retryScale?: number;
}

/** Builds the charm, deploys `units` units on etcd 3.5.16 and waits until all are active. */
export async function createRefreshModel(options: RefreshModelOptions): Promise<RefreshModel> {
  const work = mkdtempSync(path.join(tmpdir(), 'faults-it-'));
  const charm = process.env['SIM_CHARM_DIR'] ?? (await buildCharmInto(path.join(work, 'charm')));
  const sim = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '20s', retryScale: options.retryScale ?? 0.2 });
  let minor = 0;
  const cli = (...args: string[]): Promise<string> => simOk(sim, ...args);
  const publish = async (version: EtcdVersion): Promise<string> =>
    (await cli('publish', charm, '--workload', version, '--charm-version', `3.5/1.${minor++}.0`)).trim();
  const settle = (check: (s: StatusJson) => boolean, timeoutMs?: number): Promise<StatusJson> => settleModel(sim, check, timeoutMs);
  const model: RefreshModel = {
    sim,
    cli,
    publish,
    settle,
    snapRevision: (name) => installedSnap(unitRoot(sim.home, name))?.revision,
    faultLog: (name) => sim.debugLog(name).filter((l) => l.logger === 'sim.inject-fault').map((l) => l.message),
    async destroy() {
      await sim.destroy();
      rmSync(work, { recursive: true, force: true });
    },
  };
  try {
    const first = await publish('3.5.16');
    await cli('deploy', '--revision', first, '-n', String(options.units), '--config', 'pause-after-unit-refresh=none');
    await settle((s) => Object.keys(s.units).length === options.units && allActive(s), 400_000);
  } catch (error) {
    await model.destroy();
    throw error;
  }
  return model;
}

export { allActive };

export const etcdVersions = (s: StatusJson): Array<string | null> => Object.values(s.units).map((u) => u['etcd-version']);

/** Every unit active and idle on `version`, the application active with no message. */
export const refreshedTo = (version: EtcdVersion) => (s: StatusJson): boolean => allActive(s) && etcdVersions(s).every((v) => v === version);

/**
 * The end of every case: the refresh completed on every remaining unit (each on the
 * target snap revision, statuses clean), and etcd itself reports all members started,
 * voting and healthy.
 */
export async function expectConverged(m: RefreshModel, version: EtcdVersion, units: number): Promise<StatusJson> {
  const done = await m.settle(refreshedTo(version));
  for (const [name, u] of Object.entries(done.units)) {
    expect({ name, snap: u['snap-revision'], etcd: u['etcd-version'] }).toEqual({ name, snap: SNAP_REVISION[version], etcd: version });
  }
  await expectHealthyCluster(m.sim, units);
  return done;
}

/**
 * Runs `body` with a continuous writer on every member; afterwards every acknowledged
 * write must be on every member still in the model.
 */
export const withWriter = (m: RefreshModel, body: (writer: ContinuousWriter) => Promise<void>): Promise<void> =>
  writeThrough(m.sim, body, { ratePerSecond: 20 });

/**
 * Arms a one-shot fault on `unitName` (`sim inject-fault`); resolves with a function that
 * waits for it to fire and returns the simulator's log line saying where it fired.
 */
export async function armFault(m: RefreshModel, unitName: string, on: string, when: 'before' | 'after', action: string): Promise<() => Promise<string>> {
  const earlier = m.faultLog(unitName).filter((l) => l.startsWith('fired:')).length;
  await m.cli('inject-fault', unitName, '--on', on, '--when', when, '--do', action);
  return () => until(`the fault on ${unitName} to fire`, () => m.faultLog(unitName).filter((l) => l.startsWith('fired:'))[earlier], 240_000, 100);
}

/**
 * The hooks and actions that ran since `sinceIso`, one line each (`+12.3s charmed-etcd/2
 * upgrade-charm 4.1s exit 1`): printed by the cases so a slow or odd convergence can be read
 * from the test output.
 */
export function timeline(m: RefreshModel, sinceIso: string): string {
  const since = Date.parse(sinceIso);
  return m.sim
    .hookRecords()
    .filter((r) => Date.parse(r.startedAt) >= since)
    .map((r) => `+${((Date.parse(r.startedAt) - since) / 1000).toFixed(1)}s ${r.unit} ${r.event} ${(r.durationMs / 1000).toFixed(1)}s exit ${r.exitCode}`)
    .join('\n');
}

/** The debug log's warnings, errors and hook output since `sinceIso`: why a hook failed, for a test's failure output. */
export function problems(m: RefreshModel, sinceIso: string): string {
  const since = Date.parse(sinceIso);
  const hookOutput = (logger: string): boolean => logger.startsWith('unit.') && !logger.endsWith('.juju-log');
  return m.sim
    .debugLog()
    .filter((l) => Date.parse(l.at) >= since && (/^(WARNING|ERROR|CRITICAL)$/.test(l.level) || hookOutput(l.logger)))
    .map((l) => `${l.at} ${l.unit} ${l.level} ${l.message.slice(0, 600)}`)
    .join('\n');
}

/** When etcd on `unitName` logged `msg` (its own JSON log), at or after `sinceMs`, in order. */
export function etcdLogTimes(m: RefreshModel, unitName: string, msg: string, sinceMs: number): number[] {
  const file = unitPaths(unitRoot(m.sim.home, unitName)).logFile;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"msg":${JSON.stringify(msg)}`))
    .map((l) => Date.parse((JSON.parse(l) as { ts?: string }).ts ?? ''))
    .filter((t) => t >= sinceMs)
    .sort((a, b) => a - b);
}
