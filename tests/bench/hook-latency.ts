/**
 * Hook latency: update-status through the real `dispatch` on a settled model,
 * one hook at a time (round robin over the units, so no two hooks compete for the
 * CPU), beside bare `node -e 0` start-up measured in the same run. Hook-tool time
 * is also given per call: each call as its tool process measured it, start-up included.
 */
import { spawnSync } from 'node:child_process';
import type { HookRecord } from '../sim/testing.js';
import type { BenchModel } from './bench-model.js';
import { median, percentile, round, sum } from './stats.js';

export interface HookLatencyFigure {
  readonly bench: 'hook-latency';
  readonly hook: 'update-status';
  readonly units: number;
  readonly runs: number;
  readonly median_ms: number;
  readonly p90_ms: number;
  /** Median over hooks of the summed hook-tool call time (as each tool process measured it). */
  readonly tool_ms: number;
  /** Median over hooks of hook time minus tool time: dispatch, Node start-up, the charm, etcd calls. */
  readonly charm_ms: number;
  readonly node_baseline_ms: number;
  /** Median hook-tool calls per hook. */
  readonly tool_calls: number;
  /** Median over every tool call of these hooks of its time (process start to answer written). */
  readonly tool_call_ms: number;
  /** 90th percentile of the same. */
  readonly tool_call_p90_ms: number;
  /** Median relation-set calls per hook. */
  readonly relation_writes: number;
  readonly failed_hooks: number;
  /** The anchor: a minimal Python ops charm (tests/bench/ops-anchor) doing the same reads and status in the same model, same hook tools. */
  readonly ops_anchor?: {
    readonly ops_version: string;
    readonly median_ms: number;
    readonly p90_ms: number;
    readonly tool_ms: number;
    readonly charm_ms: number;
    readonly tool_calls: number;
    readonly python_baseline_ms: number;
  };
}

/** Wall time of `command args`, `runs` times; the median in ms. */
function baselineMs(command: string, args: readonly string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(command, args, { stdio: 'ignore' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${String(r.status)}`);
  }
  return median(times);
}

/** Wall time of `node -e 0`, `runs` times; the median in ms. */
export const nodeBaselineMs = (runs: number): number => baselineMs(process.execPath, ['-e', '0'], runs);

/** A tool call's time: the tool's own measure when it reported one, else the controller's. */
const callMs = (call: HookRecord['toolCalls'][number]): number => call.ms ?? call.serverMs;

/** The figure from the update-status records of one run. Throws when there are none. */
export function summarizeHooks(records: readonly HookRecord[], units: number, nodeMs: number): HookLatencyFigure {
  const hooks = records.filter((r) => r.kind === 'hook' && r.event === 'update-status');
  if (hooks.length === 0) throw new Error('no update-status hook ran');
  const toolMs = hooks.map((h) => sum(h.toolCalls.map(callMs)));
  const calls = hooks.flatMap((h) => h.toolCalls.map(callMs));
  return {
    bench: 'hook-latency',
    hook: 'update-status',
    units,
    runs: hooks.length,
    median_ms: round(median(hooks.map((h) => h.durationMs))),
    p90_ms: round(percentile(hooks.map((h) => h.durationMs), 90)),
    tool_ms: round(median(toolMs)),
    charm_ms: round(median(hooks.map((h, i) => h.durationMs - (toolMs[i] as number)))),
    node_baseline_ms: round(nodeMs),
    tool_calls: median(hooks.map((h) => h.toolCalls.length)),
    tool_call_ms: calls.length === 0 ? 0 : round(median(calls), 2),
    tool_call_p90_ms: calls.length === 0 ? 0 : round(percentile(calls, 90), 2),
    relation_writes: median(hooks.map((h) => h.toolCalls.filter((c) => c.tool === 'relation-set').length)),
    failed_hooks: hooks.filter((h) => h.exitCode !== 0).length,
  };
}

export interface OpsAnchor {
  /** A built anchor charm directory (tests/bench/ops-anchor/build.ts). */
  readonly charmDir: string;
  readonly python: string;
  readonly opsVersion: string;
}

const ANCHOR_APP = 'ops-anchor';

/**
 * Runs update-status `runs` times, one at a time, on a settled model and
 * summarizes the hooks. With `anchor`, the ops charm is deployed beside
 * charmed-etcd with as many units, and each run also times one of its
 * update-status hooks, alternating so both meet the same machine.
 * Throws when a hook fails or the model does not settle.
 */
export async function measureHookLatency(model: BenchModel, runs: number, anchor?: OpsAnchor): Promise<HookLatencyFigure> {
  const units = Object.keys((await model.status()).units);
  let anchorUnits: string[] = [];
  if (anchor !== undefined) {
    await model.run('deploy', anchor.charmDir, ANCHOR_APP, '-n', String(units.length));
    await model.sim.wait(240);
    anchorUnits = Object.keys((await model.status()).applications[ANCHOR_APP]?.units ?? {});
  }
  // A first round warms the page cache (the charm bundle, node itself) and is not counted.
  for (const unit of [...units, ...anchorUnits]) {
    await model.run('update-status', unit);
    await model.sim.wait(120);
  }
  const before = model.sim.hookRecords().length;
  for (let i = 0; i < runs; i++) {
    for (const group of anchorUnits.length > 0 ? [units, anchorUnits] : [units]) {
      await model.run('update-status', group[i % group.length] as string);
      await model.sim.wait(120);
    }
  }
  const baselineRuns = Math.max(20, runs);
  const nodeMs = nodeBaselineMs(baselineRuns);
  const records = model.sim.hookRecords().slice(before);
  const ours = records.filter((r) => units.includes(r.unit));
  const figure = summarizeHooks(ours, units.length, nodeMs);
  if (figure.failed_hooks > 0) throw new Error(`${figure.failed_hooks} of ${figure.runs} update-status hooks failed (see sim debug-log)`);
  if (anchor === undefined) return figure;
  const theirs = summarizeHooks(records.filter((r) => anchorUnits.includes(r.unit)), anchorUnits.length, nodeMs);
  if (theirs.failed_hooks > 0) throw new Error(`${theirs.failed_hooks} of ${theirs.runs} ops-anchor update-status hooks failed (see sim debug-log)`);
  return {
    ...figure,
    ops_anchor: {
      ops_version: anchor.opsVersion,
      median_ms: theirs.median_ms,
      p90_ms: theirs.p90_ms,
      tool_ms: theirs.tool_ms,
      charm_ms: theirs.charm_ms,
      tool_calls: theirs.tool_calls,
      python_baseline_ms: round(baselineMs(anchor.python, ['-c', '0'], baselineRuns)),
    },
  };
}
