/** The README's benchmark table, from the figures of one run (pure). */
import type { HookLatencyFigure } from './hook-latency.js';
import type { RefreshFigure, WritesFigure } from './refresh.js';
import type { ScaleUpFigure } from './scale-up.js';

export type Figure = HookLatencyFigure | RefreshFigure | WritesFigure | ScaleUpFigure;

/** A benchmark that could not produce its figure. */
export interface BenchFailure {
  readonly bench: string;
  readonly units?: number;
  readonly error: string;
}

const withData = (f: { readonly data?: { readonly megabytes: number; readonly db_mb: number } }): string =>
  f.data === undefined ? '' : `, holding ${f.data.megabytes} MB of keys (db ${f.data.db_mb} MB)`;

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

function describe(f: Figure): [string, string, string] {
  switch (f.bench) {
    case 'hook-latency':
      return [
        `Hook latency (${f.hook}, ${f.units} units, ${f.runs} runs)`,
        `median ${f.median_ms} ms, p90 ${f.p90_ms} ms`,
        `bare \`node -e 0\` ${f.node_baseline_ms} ms; hook tools ${f.tool_ms} ms (${f.tool_calls} calls, ${f.tool_call_ms} ms a call, p90 ${f.tool_call_p90_ms} ms; ${f.relation_writes} relation-set); charm ${f.charm_ms} ms` +
          (f.ops_anchor === undefined
            ? ''
            : `. Same run, a minimal Python ops ${f.ops_anchor.ops_version} charm with the same reads: median ${f.ops_anchor.median_ms} ms (p90 ${f.ops_anchor.p90_ms}), ${f.ops_anchor.tool_calls} tool calls ${f.ops_anchor.tool_ms} ms, charm ${f.ops_anchor.charm_ms} ms; bare \`python3 -c 0\` ${f.ops_anchor.python_baseline_ms} ms`),
      ];
    case 'refresh':
      return [
        `Refresh ${f.from} → ${f.to}, ${f.units} units${withData(f)}`,
        `${f.wall_s} s`,
        `members' own stop-to-ready sum ${f.members_restart_sum_s} s; overhead ×${f.overhead_ratio}${f.with_writer ? '; with the writer running' : ''}`,
      ];
    case 'writes':
      return [
        `Writes through that refresh (${f.units} units, ${f.rate_per_s}/s, ${f.clients} clients)`,
        `${f.acked}/${f.attempted} acked, ${f.lost} lost`,
        `${f.failed} failed; longest gap ${f.longest_gap_s} s (from ${f.longest_gap_at_s} s after \`refresh\`), per client at most ` +
          `${Math.max(...f.per_client.map((c) => c.longest_gap_s))} s; ${f.client}`,
      ];
    case 'scale-up':
      return [
        `Scale-up ${f.from_units} → ${f.to_units}${withData(f)}`,
        `${f.seconds} s`,
        `until the new unit is active and a voting member${f.learner_s === null ? '' : ` (learner at ${f.learner_s} s)`}${f.member_ready_s === null ? '' : `; its etcd's own start to ready ${f.member_ready_s} s`}`,
      ];
  }
}

/** A markdown table with one row per figure, and one per failure. */
export function markdownTable(figures: readonly Figure[], failures: readonly BenchFailure[]): string {
  const lines = [row(['Benchmark', 'Result', 'Detail']), row(['---', '---', '---'])];
  for (const f of figures) lines.push(row(describe(f)));
  for (const x of failures) lines.push(row([`${x.bench}${x.units === undefined ? '' : ` (${x.units} units)`}`, 'did not complete', x.error.split('\n')[0]?.replaceAll('|', '\\|') ?? '']));
  return `${lines.join('\n')}\n`;
}
