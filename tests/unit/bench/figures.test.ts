import { describe, expect, it } from 'vitest';
import { summarizeHooks } from '../../bench/hook-latency.js';
import { markdownTable } from '../../bench/markdown.js';
import { firstStartInLog, restartsInLog } from '../../bench/member-restarts.js';
import { longestGap, longestGapSpan, median, percentile } from '../../bench/stats.js';
import type { HookRecord } from '../../sim/testing.js';

const line = (ts: string, msg: string, extra: Record<string, string> = {}): string => JSON.stringify({ level: 'info', ts, msg, ...extra });

describe('stats', () => {
  it('interpolates percentiles between closest ranks', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90)).toBeCloseTo(91);
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it('counts the window edges in the longest gap', () => {
    expect(longestGap([2, 3, 9], 0, 10)).toBe(6);
    expect(longestGap([], 0, 10)).toBe(10);
    expect(longestGap([1, 2], 0, 10)).toBe(8);
    expect(longestGapSpan([2, 3, 9], 0, 10)).toEqual({ from: 3, to: 9 });
  });
});

describe('restartsInLog', () => {
  const log = [
    line('2026-01-01T00:00:00.000Z', 'starting an etcd server', { 'etcd-version': '3.5.16' }),
    line('2026-01-01T00:00:01.000Z', 'ready to serve client requests'),
    line('2026-01-01T00:01:00.000Z', 'received signal; shutting down'),
    'a line that is not JSON',
    line('2026-01-01T00:01:02.500Z', 'starting an etcd server', { 'etcd-version': '3.5.30' }),
    line('2026-01-01T00:01:04.000Z', 'ready to serve client requests'),
  ].join('\n');

  it('times each member restart from the stop signal to ready-to-serve, ignoring the first start', () => {
    const since = Date.parse('2026-01-01T00:00:30Z');
    expect(restartsInLog(log, since)).toEqual([{ stoppedAt: Date.parse('2026-01-01T00:01:00Z'), readyAt: Date.parse('2026-01-01T00:01:04Z'), version: '3.5.30' }]);
    expect(restartsInLog(log, Date.parse('2026-01-01T00:02:00Z'))).toEqual([]);
  });

  it('uses the last line before a start when etcd was killed without logging a stop', () => {
    const killed = [
      line('2026-01-01T00:00:00.000Z', 'starting an etcd server'),
      line('2026-01-01T00:00:01.000Z', 'ready to serve client requests'),
      line('2026-01-01T00:00:05.000Z', 'closing etcd server'),
      line('2026-01-01T00:00:35.000Z', 'starting an etcd server', { 'etcd-version': '3.5.30' }),
    ].join('\n');
    expect(restartsInLog(killed, 0)).toEqual([{ stoppedAt: Date.parse('2026-01-01T00:00:05Z'), readyAt: undefined, version: '3.5.30' }]);
  });
});

describe('summarizeHooks', () => {
  const hook = (durationMs: number, tools: Array<[string, number | null, number]>, event = 'update-status', exitCode = 0): HookRecord => ({
    unit: 'charmed-etcd/0',
    event,
    kind: 'hook',
    startedAt: '2026-01-01T00:00:00Z',
    durationMs,
    exitCode,
    toolCalls: tools.map(([tool, ms, serverMs]) => ({ tool, exitCode: 0, ms, serverMs })),
  });

  it('splits hook time into tool time (the tool\'s own measure, else the controller\'s) and charm time', () => {
    const figure = summarizeHooks(
      [
        hook(500, [['is-leader', 30, 0.1], ['relation-set', 40, 0.2]]),
        hook(700, [['is-leader', null, 10], ['status-set', 50, 0.1]]),
        hook(999, [], 'config-changed'),
      ],
      3,
      55,
    );
    expect(figure).toMatchObject({ runs: 2, median_ms: 600, tool_ms: 65, charm_ms: 535, tool_calls: 2, relation_writes: 0.5, node_baseline_ms: 55, failed_hooks: 0 });
    // Per call, over all four calls (30, 40, 10, 50): median 35, p90 47.
    expect(figure).toMatchObject({ tool_call_ms: 35, tool_call_p90_ms: 47 });
  });

  it('refuses to summarize when no update-status ran', () => {
    expect(() => summarizeHooks([hook(1, [], 'start')], 3, 50)).toThrow(/no update-status/);
  });
});

describe('markdownTable', () => {
  it('shows the hook-tool time per call beside the hook\'s own time', () => {
    const figure = summarizeHooks([{ unit: 'a/0', event: 'update-status', kind: 'hook', startedAt: '', durationMs: 100, exitCode: 0, toolCalls: [{ tool: 'is-leader', exitCode: 0, ms: 2.5, serverMs: 0.1 }] }], 1, 50);
    expect(markdownTable([figure], [])).toContain('hook tools 2.5 ms (1 calls, 2.5 ms a call, p90 2.5 ms; 0 relation-set); charm 97.5 ms');
  });

  it('puts the ops anchor of the same run beside our hook', () => {
    const ours = summarizeHooks([{ unit: 'a/0', event: 'update-status', kind: 'hook', startedAt: '', durationMs: 100, exitCode: 0, toolCalls: [] }], 1, 50);
    const anchor = { ops_version: '3.9.0', median_ms: 80, p90_ms: 90, tool_ms: 10, charm_ms: 70, tool_calls: 14, python_baseline_ms: 20 };
    expect(markdownTable([{ ...ours, ops_anchor: anchor }], [])).toContain(
      'a minimal Python ops 3.9.0 charm with the same reads: median 80 ms (p90 90), 14 tool calls 10 ms, charm 70 ms; bare `python3 -c 0` 20 ms',
    );
  });

  it('has a row per figure and per failure, escaping pipes', () => {
    const table = markdownTable(
      [{ bench: 'scale-up', seconds: 20.5, from_units: 3, to_units: 4, learner_s: 3.1, voter_s: 8.9, hooks: 30, failed_hooks: 0, member_ready_s: null }],
      [{ bench: 'refresh', units: 5, error: 'did not complete | a|b\nmore' }],
    );
    expect(table.trim().split('\n')).toHaveLength(4);
    expect(table).toContain('| Scale-up 3 → 4 | 20.5 s |');
    expect(table).toContain('| refresh (5 units) | did not complete | did not complete \\| a\\|b |');
  });
});

describe('data-size figures', () => {
  it("a new member's start to ready comes from its first start in etcd's log", () => {
    const log = [
      line('2026-01-01T00:00:00.000Z', 'starting an etcd server'),
      line('2026-01-01T00:00:05.500Z', 'ready to serve client requests'),
      line('2026-01-01T00:01:00.000Z', 'starting an etcd server'),
      line('2026-01-01T00:01:01.000Z', 'ready to serve client requests'),
    ].join('\n');
    expect(firstStartInLog(log)).toEqual({ startedAt: Date.parse('2026-01-01T00:00:00.000Z'), readyAt: Date.parse('2026-01-01T00:00:05.500Z') });
    expect(firstStartInLog(log.split('\n')[0]!)).toEqual({ startedAt: Date.parse('2026-01-01T00:00:00.000Z'), readyAt: undefined });
    expect(firstStartInLog('')).toBeUndefined();
  });

  it('names the data a refresh and a scale-up ran with, and the new member\'s own time', () => {
    const data = { keys: 160, megabytes: 10, db_mb: 11.2, load_s: 4 };
    const table = markdownTable([{ bench: 'scale-up', seconds: 40, from_units: 3, to_units: 4, learner_s: 5, voter_s: 30, hooks: 30, failed_hooks: 0, member_ready_s: 12.5, data }], []);
    expect(table).toContain('| Scale-up 3 → 4, holding 10 MB of keys (db 11.2 MB) | 40 s | until the new unit is active and a voting member (learner at 5 s); its etcd\'s own start to ready 12.5 s |');
  });
});
