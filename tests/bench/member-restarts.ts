/**
 * Each member's own downtime, read from etcd's log (zap JSON lines, one file per
 * unit under the snap's `common/var/log/etcd/`): from "received signal; shutting
 * down" to the next "ready to serve client requests", which etcd logs once it has
 * published itself to the cluster through raft (so it has rejoined and serves).
 */
import { existsSync, readFileSync } from 'node:fs';
import { unitPaths } from '../../src/etcd/paths.js';

export interface MemberRestart {
  /** When etcd was told to stop (or its last line before a start, when it was killed without a word). */
  readonly stoppedAt: number;
  /** When it served clients again; undefined when it had not by the end of the log. */
  readonly readyAt: number | undefined;
  /** The etcd version it started as. */
  readonly version: string | undefined;
}

interface Line {
  readonly ts: number;
  readonly msg: string;
  readonly version: string | undefined;
}

const STOP = 'received signal; shutting down';
const START = 'starting an etcd server';
const READY = 'ready to serve client requests';

function parseLines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      const json = JSON.parse(raw) as { ts?: unknown; msg?: unknown; 'etcd-version'?: unknown };
      const ts = typeof json.ts === 'string' ? Date.parse(json.ts) : typeof json.ts === 'number' ? json.ts * 1000 : NaN;
      if (Number.isNaN(ts) || typeof json.msg !== 'string') continue;
      out.push({ ts, msg: json.msg, version: typeof json['etcd-version'] === 'string' ? json['etcd-version'] : undefined });
    } catch {
      // a line cut by a crash, or not etcd's
    }
  }
  return out;
}

/**
 * The restarts in an etcd log that began at or after `since` (ms since epoch).
 * Pure: give it the log's text.
 */
export function restartsInLog(text: string, since: number): MemberRestart[] {
  const lines = parseLines(text);
  const restarts: MemberRestart[] = [];
  let stoppedAt: number | undefined;
  let lastTs: number | undefined;
  let open: { stoppedAt: number; version: string | undefined } | undefined;
  for (const line of lines) {
    if (line.msg === STOP) stoppedAt = line.ts;
    else if (line.msg === START) {
      const stop = stoppedAt ?? lastTs;
      if (open) restarts.push({ ...open, readyAt: undefined });
      open = stop !== undefined && stop >= since ? { stoppedAt: stop, version: line.version } : undefined;
      stoppedAt = undefined;
    } else if (line.msg === READY && open) {
      restarts.push({ ...open, readyAt: line.ts });
      open = undefined;
    }
    lastTs = line.ts;
  }
  if (open) restarts.push({ ...open, readyAt: undefined });
  return restarts;
}

/** The restarts of the etcd on the unit whose filesystem root is `root` (none when it has no log). */
export function memberRestarts(root: string, since: number): MemberRestart[] {
  const file = unitPaths(root).logFile;
  return existsSync(file) ? restartsInLog(readFileSync(file, 'utf8'), since) : [];
}

/** A new member's first start: from etcd's first `starting an etcd server` to its `ready to serve client requests`. Pure. */
export function firstStartInLog(text: string): { readonly startedAt: number; readonly readyAt: number | undefined } | undefined {
  const lines = parseLines(text);
  const start = lines.find((l) => l.msg === START);
  if (start === undefined) return undefined;
  return { startedAt: start.ts, readyAt: lines.find((l) => l.ts >= start.ts && l.msg === READY)?.ts };
}

/** {@link firstStartInLog} of the etcd on the unit whose filesystem root is `root`. */
export function memberFirstStart(root: string): ReturnType<typeof firstStartInLog> {
  const file = unitPaths(root).logFile;
  return existsSync(file) ? firstStartInLog(readFileSync(file, 'utf8')) : undefined;
}
