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
import type { LoadedData } from './load-data.js';
import { round, sum } from './stats.js';
import { startGoWriter } from './go-writer.js';
import type { RunningGoWriter } from './go-writer.js';

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
  /** The writer's etcd client (`go.etcd.io/etcd/client/v3 vX`) and how many of them wrote. */
  readonly client: string;
  readonly clients: number;
  readonly attempted: number;
  readonly acked: number;
  readonly failed: number;
  /** Acked writes missing from the quorum read-back or from any member's own data. */
  readonly lost: number;
  readonly missing_by_endpoint: Readonly<Record<string, number>>;
  /** The longest stretch without any client's ack. */
  readonly longest_gap_s: number;
  /** Where that gap began, in seconds after `refresh` was run (negative: before). */
  readonly longest_gap_at_s: number;
  /** Set when the read-back could not read somewhere (its keys then count as lost). */
  readonly verify_error?: string;
  /** Errors of the writes that failed inside that gap. */
  readonly longest_gap_errors: readonly string[];
  /** Per client: its own tally and longest gap without an ack. */
  readonly per_client: readonly {
    readonly client: number;
    readonly attempted: number;
    readonly acked: number;
    readonly failed: number;
    readonly longest_gap_s: number;
    readonly longest_gap_at_s: number;
  }[];
  readonly rate_per_s: number;
  readonly duration_s: number;
  /** Put latency of the acked writes (p50, p99, max). */
  readonly latency_ms: Readonly<Record<string, number>>;
  /** Failed writes by error. */
  readonly errors: Readonly<Record<string, number>>;
  /** Failed writes found in the read-back all the same: committed, not acknowledged within the 5 s deadline. */
  readonly failed_committed: number;
  /** Per member, when its Status (polled each second) failed or its applied index lagged its committed one by 100 or more (seconds after `refresh`). */
  readonly member_windows: readonly { readonly endpoint: string; readonly from_s: number; readonly to_s: number; readonly status_failures: number; readonly max_apply_lag: number }[];
  /** Stretches of whole seconds in which failed writes were started (seconds after `refresh`), with the writes failed and acked started in each. */
  readonly failure_windows: readonly { readonly from_s: number; readonly to_s: number; readonly failed: number; readonly acked: number }[];
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
  /** Run the Go writer (tests/bench/go-writer.ts) through the refresh. */
  readonly writer?: { readonly binary: string; readonly ratePerSecond: number; readonly clients: number };
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
  let writer: RunningGoWriter | undefined =
    options.writer === undefined
      ? undefined
      : startGoWriter({ ...options.writer, endpoints, user: credentials.user, password: credentials.password, prefix });
  try {
    // Let the writer reach its pace before the clock starts.
    if (writer) {
      await writer.ready;
      await sleep(2000);
    }
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
    const at = (ms: number): number => round((ms - started) / 1000, 2);
    const writes: WritesFigure = {
      bench: 'writes',
      units: units.length,
      client: tally.client,
      clients: tally.clients.length,
      attempted: tally.attempted,
      acked: tally.acked,
      failed: tally.failed,
      lost: tally.lost,
      missing_by_endpoint: tally.missing_by_endpoint,
      longest_gap_s: round(tally.longest_gap.s, 2),
      longest_gap_at_s: at(tally.longest_gap.from_ms),
      longest_gap_errors: tally.longest_gap.errors,
      per_client: tally.clients.map((c) => ({
        client: c.client,
        attempted: c.attempted,
        acked: c.acked,
        failed: c.failed,
        longest_gap_s: round(c.longest_gap.s, 2),
        longest_gap_at_s: at(c.longest_gap.from_ms),
      })),
      rate_per_s: tally.rate_per_s,
      duration_s: round((tally.stopped_ms - tally.started_ms) / 1000, 1),
      latency_ms: tally.latency_ms,
      errors: tally.errors,
      failed_committed: tally.failed_committed,
      member_windows: tally.member_windows.map((w) => ({ endpoint: w.endpoint, from_s: at(w.from_ms), to_s: at(w.to_ms), status_failures: w.status_failures, max_apply_lag: w.max_apply_lag })),
      failure_windows: tally.failure_windows.map((w) => ({ from_s: at(w.from_ms), to_s: at(w.to_ms), failed: w.failed, acked: w.acked })),
      ...(tally.verify_error === undefined ? {} : { verify_error: tally.verify_error }),
      // Where the gap fell against the members' own stop-to-ready windows (seconds after each stop).
      gap_vs_restarts: windows.map((w) => ({
        unit: w.unit,
        stopped_at_s: at(w.stoppedAt),
        ready_at_s: at(w.readyAt),
      })),
    };
    return { refresh, writes };
  } finally {
    await writer?.stop().catch(() => undefined);
  }
}
