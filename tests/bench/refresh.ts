/**
 * Refresh duration (and, alongside, write availability): the operator flow of
 * the refresh v3 charms on the simulator — publish a revision pinned to the new
 * etcd, `pause-after-unit-refresh=none`, `refresh --revision R` — timed until
 * every unit runs the new snap, is active, and its etcd serves with a leader.
 * The members' own stop-to-ready times come from etcd's log of the same run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { StatusJson } from '../sim/status.js';
import type { BenchModel } from './bench-model.js';
import { APP, describeUnits, hooksSince } from './bench-model.js';
import { GatewayClient } from './gateway-client.js';
import { memberRestarts } from './member-restarts.js';
import { longestGapSpan, round, sum } from './stats.js';
import { startWriter, verifyWrites } from './writer.js';
import type { RunningWriter } from './writer.js';
import type { LoadedData } from './load-data.js';

export interface RefreshFigure {
  readonly bench: 'refresh';
  readonly units: number;
  readonly wall_s: number;
  readonly members_restart_sum_s: number;
  readonly overhead_ratio: number;
  readonly from: string;
  readonly to: string;
  readonly pre_refresh_check: string;
  readonly with_writer: boolean;
  /** Hooks run during the refresh, and how many failed (Juju retries those). */
  readonly hooks: number;
  readonly failed_hooks: number;
  /** Per unit: its etcd's stop-to-ready seconds in this refresh, and how many restarts that took. */
  readonly members: Readonly<Record<string, { restart_s: number; restarts: number }>>;
  /** The data the cluster held (the data-size benchmark). */
  readonly data?: LoadedData;
}

export interface WritesFigure {
  readonly bench: 'writes';
  readonly units: number;
  readonly attempted: number;
  readonly acked: number;
  readonly failed: number;
  readonly lost: number;
  readonly longest_gap_s: number;
  /** Where that gap began, in seconds after `refresh` was run (negative: before). */
  readonly longest_gap_at_s: number;
  readonly rate_per_s: number;
  readonly duration_s: number;
  readonly sample_errors: readonly string[];
  /** Each member's stop and ready times in the same clock as `longest_gap_at_s`. */
  readonly gap_vs_restarts: readonly { readonly unit: string; readonly stopped_at_s: number; readonly ready_at_s: number }[];
}

export interface RefreshOptions {
  readonly charmDir: string;
  readonly from: string;
  readonly to: string;
  /** charm version of the new revision (`<track>/<X.Y.Z>`, same major). */
  readonly charmVersion: string;
  readonly timeoutSeconds: number;
  /** Run the continuous writer through the refresh at this many writes/s. */
  readonly writeRate?: number;
}

/** Thrown when the refresh does not complete in time; the message says where it stopped. */
export class RefreshIncompleteError extends Error {
  override name = 'RefreshIncompleteError';
}

const StoreListing = z.object({ revisions: z.array(z.object({ revision: z.string(), version: z.string() })) });

/** The snap store's revision of etcd `version`. Throws when the store has none. */
async function snapRevisionOf(model: BenchModel, version: string): Promise<string> {
  const listing = StoreListing.parse(JSON.parse(await model.run('snap-store', '--format', 'json')));
  const match = listing.revisions.find((r) => r.version === version);
  if (!match) throw new Error(`the snap store has no etcd ${version}`);
  return match.revision;
}

/** Units already on the target snap and active (the charm's view). */
const refreshedUnits = (status: StatusJson, snapRevision: string, version: string): string[] =>
  Object.entries(status.units)
    .filter(([, u]) => u['snap-revision'] === snapRevision && u['etcd-version'] === version)
    .filter(([, u]) => u['workload-status'] === 'active' && u['agent-status'] === 'idle')
    .map(([name]) => name);

/** Every member answers at its own endpoint with `version` and knows a leader (etcd's view). */
async function everyMemberServes(client: GatewayClient, endpoints: readonly string[], version: string): Promise<boolean> {
  const answers = await Promise.all(endpoints.map((e) => client.status(e).catch(() => undefined)));
  return answers.every((a) => a !== undefined && a.version === version && a.hasLeader);
}

/**
 * Refreshes the model from `from` to `to` and measures it. Resolves with the
 * refresh figure and, when a write rate was given, the writes figure.
 * @throws RefreshIncompleteError when the refresh does not complete in `timeoutSeconds`.
 */
export async function measureRefresh(model: BenchModel, options: RefreshOptions): Promise<{ refresh: RefreshFigure; writes?: WritesFigure }> {
  const status0 = await model.status();
  const units = Object.keys(status0.units);
  const wrong = units.filter((u) => status0.units[u]?.['etcd-version'] !== options.from);
  if (wrong.length > 0) throw new Error(`units not on etcd ${options.from} before the refresh:\n${describeUnits(status0)}`);
  const target = await snapRevisionOf(model, options.to);
  const revision = (await model.run('publish', options.charmDir, '--workload', options.to, '--charm-version', options.charmVersion)).trim();
  await model.run('config', 'pause-after-unit-refresh=none');
  await model.sim.wait(300);
  const check = await model.sim.sim('run', `${APP}/leader`, 'pre-refresh-check', '--format', 'json');
  const preRefreshCheck = check.exitCode === 0 ? 'completed' : `failed: ${(check.stderr.trim().split('\n').at(-1) ?? '').slice(0, 200)}`;
  if (check.exitCode !== 0) process.stderr.write(`refresh(${units.length}): pre-refresh-check ${preRefreshCheck}\n`);
  await model.sim.wait(300);

  const urls = await model.clientUrls();
  const endpoints = units.map((u) => urls[u] as string);
  const credentials = { user: 'root', password: model.password };
  const prefix = `bench/writes/${Date.now()}/`;
  let writer: RunningWriter | undefined =
    options.writeRate === undefined ? undefined : startWriter({ endpoints, credentials, prefix, ratePerSecond: options.writeRate });
  try {
    // Let the writer reach its pace before the clock starts.
    if (writer) await sleep(2000);
    const started = Date.now();
    await model.run('refresh', '--revision', revision);
    const probe = new GatewayClient(credentials, 1000);
    const deadline = started + options.timeoutSeconds * 1000;
    let finished: number | undefined;
    let last: StatusJson = status0;
    while (finished === undefined) {
      last = await model.status();
      if (refreshedUnits(last, target, options.to).length === units.length && (await everyMemberServes(probe, endpoints, options.to))) {
        finished = Date.now();
        break;
      }
      if (Date.now() > deadline) {
        const done = refreshedUnits(last, target, options.to);
        throw new RefreshIncompleteError(
          `refresh of ${units.length} units from etcd ${options.from} to ${options.to} (snap revision ${target}) did not complete within ` +
            `${options.timeoutSeconds} s: ${done.length} of ${units.length} units refreshed and active` +
            `${done.length === 0 ? ' (is lib/refresh wired into the charm?)' : ''}\n  app: ${last.application.status} ${JSON.stringify(last.application.message)}\n${describeUnits(last)}`,
        );
      }
      await sleep(250);
    }
    const wallS = (finished - started) / 1000;
    const members: Record<string, { restart_s: number; restarts: number }> = {};
    const windows: { unit: string; stoppedAt: number; readyAt: number }[] = [];
    for (const unit of units) {
      const restarts = memberRestarts(model.unitRoot(unit), started).filter((r) => r.stoppedAt <= finished);
      for (const r of restarts) windows.push({ unit, stoppedAt: r.stoppedAt, readyAt: r.readyAt ?? finished });
      const seconds = sum(restarts.map((r) => ((r.readyAt ?? finished) - r.stoppedAt) / 1000));
      members[unit] = { restart_s: round(seconds, 2), restarts: restarts.length };
    }
    const restartSum = sum(Object.values(members).map((m) => m.restart_s));
    const refresh: RefreshFigure = {
      bench: 'refresh',
      units: units.length,
      wall_s: round(wallS, 2),
      members_restart_sum_s: round(restartSum, 2),
      overhead_ratio: restartSum > 0 ? round(wallS / restartSum, 2) : Number.NaN,
      from: options.from,
      to: options.to,
      pre_refresh_check: preRefreshCheck,
      with_writer: writer !== undefined,
      ...hooksSince(model, started),
      members,
    };
    if (!writer) return { refresh };
    await sleep(2000);
    const tally = await writer.stop();
    writer = undefined;
    const gap = longestGapSpan(tally.ackTimes, tally.startedAt, tally.stoppedAt);
    const verified = await verifyWrites(endpoints, credentials, prefix, tally.ackedKeys);
    const writes: WritesFigure = {
      bench: 'writes',
      units: units.length,
      attempted: tally.attempted,
      acked: tally.acked,
      failed: tally.failed,
      lost: verified.lost,
      longest_gap_s: round((gap.to - gap.from) / 1000, 2),
      longest_gap_at_s: round((gap.from - started) / 1000, 2),
      rate_per_s: round(tally.attempted / ((tally.stoppedAt - tally.startedAt) / 1000), 1),
      duration_s: round((tally.stoppedAt - tally.startedAt) / 1000, 1),
      sample_errors: tally.sampleErrors,
      // Where the gap fell against the members' own stop-to-ready windows (seconds after each stop).
      gap_vs_restarts: windows.map((w) => ({
        unit: w.unit,
        stopped_at_s: round((w.stoppedAt - started) / 1000, 2),
        ready_at_s: round((w.readyAt - started) / 1000, 2),
      })),
    };
    return { refresh, writes };
  } finally {
    await writer?.stop();
  }
}
