import { jujuLog } from './hooktools/log.js';
import type { JujuLogLevel } from './hooktools/log.js';
import type { HookToolRunner } from './hooktools/runner.js';

/** The levels a {@link Logger} logs at, lowest first; `silent` logs nothing. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** One logging method: `log(message)` or `log({ err, ...fields }, message)`, as pino's. */
export interface LogFn {
  (message: string): void;
  (fields: Readonly<Record<string, unknown>>, message?: string): void;
}

/**
 * The logger the charm code is given: the part of pino's `Logger` it uses
 * (a pino logger is one too, so tests may pass their own).
 */
export interface Logger {
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
}

/** Where DEBUG/TRACE lines go at once (Juju copies a hook's stderr into the unit log). */
export interface TextSink {
  write(text: string): unknown;
}

export interface JujuLoggerOptions {
  readonly tools: HookToolRunner;
  /** Defaults to `process.stderr`. */
  readonly stderr?: TextSink;
  /** Lowest level logged; default `info`. */
  readonly level?: LogLevel;
  /** Extra keys to censor: `key` (top level), `*.key` (one level down) or `a.key` (`password` and `*.password` always are). */
  readonly redact?: readonly string[];
}

export interface JujuLogger {
  readonly logger: Logger;
  /**
   * Sends the buffered INFO/WARNING/ERROR lines with one `juju-log` per level
   * present. Never throws: if juju-log fails the lines go to stderr instead.
   */
  flush(): Promise<void>;
}

const DEFAULT_REDACT = ['password', '*.password', 'secret', '*.secret', 'token', '*.token'];

const LEVELS: Readonly<Record<Exclude<LogLevel, 'silent'>, JujuLogLevel>> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };
const RANK: Readonly<Record<LogLevel, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

const CENSOR = '[redacted]';

/** The fields with every redacted path censored (copies, never the caller's objects). */
function redact(fields: Readonly<Record<string, unknown>>, paths: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...fields };
  for (const path of paths) {
    const dot = path.indexOf('.');
    if (dot < 0) {
      if (Object.hasOwn(out, path)) out[path] = CENSOR;
      continue;
    }
    const [head, key] = [path.slice(0, dot), path.slice(dot + 1)];
    for (const name of head === '*' ? Object.keys(out) : [head]) {
      const inner = out[name];
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner) || inner instanceof Error || !Object.hasOwn(inner, key)) continue;
      out[name] = { ...(inner as Record<string, unknown>), [key]: CENSOR };
    }
  }
  return out;
}

/** An error's type as pino's serializer names it: its constructor's name. */
const errorType = (error: Error): string => (typeof error.constructor === 'function' ? error.constructor.name : error.name);

/** JSON of the extra fields; never throws (a cycle or a BigInt gives way to String()). */
function stringify(fields: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    return String(fields);
  }
}

/** One record as a human line: `msg (Type: message) {"extra":"fields"}`, plus the stack if asked. */
function render(message: string, fields: Readonly<Record<string, unknown>>, withStack: boolean): string {
  const { err, ...rest } = fields;
  const extra: Record<string, unknown> = rest;
  let line = message;
  if (err instanceof Error) {
    line += ` (${errorType(err)}: ${err.message})`;
    if (withStack && err.stack !== undefined) line += `\n${err.stack}`;
  } else if (err !== undefined) {
    extra['err'] = err;
  }
  if (Object.keys(extra).length > 0) line += ` ${stringify(extra)}`;
  return line;
}

/**
 * A logger for one hook. DEBUG and TRACE lines are written to stderr at
 * once and never cost a process; INFO and above are buffered and sent by
 * {@link JujuLogger.flush} with one `juju-log` per level present.
 * Values at `password`, `*.password` (and the `redact` paths) are censored.
 *
 * Not pino: every hook paid ~15 ms to load pino and its helpers (and Node's
 * worker_threads and assert with them) for what is a line buffer, and pino
 * serialized each record to JSON only for it to be parsed back here.
 */
export function createJujuLogger(options: JujuLoggerOptions): JujuLogger {
  const stderr = options.stderr ?? process.stderr;
  const buffered = new Map<JujuLogLevel, string[]>();
  const threshold = RANK[options.level ?? 'info'];
  const paths = [...DEFAULT_REDACT, ...(options.redact ?? [])];
  const method = (name: Exclude<LogLevel, 'silent'>): LogFn => {
    const level = LEVELS[name];
    if (RANK[name] < threshold) return () => undefined;
    return (first: string | Readonly<Record<string, unknown>>, message?: string): void => {
      const [fields, msg] = typeof first === 'string' ? [{}, first] : [redact(first, paths), message ?? ''];
      if (level === 'DEBUG' || level === 'TRACE') {
        stderr.write(`${level} ${render(msg, fields, true)}\n`);
        return;
      }
      const lines = buffered.get(level) ?? [];
      lines.push(render(msg, fields, false));
      buffered.set(level, lines);
    };
  };
  const logger: Logger = { trace: method('trace'), debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
  return {
    logger,
    async flush(): Promise<void> {
      const batches = [...buffered.entries()];
      buffered.clear();
      for (const [level, lines] of batches) {
        const message = lines.join('\n');
        try {
          await jujuLog(options.tools, level, message);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          stderr.write(`juju-log failed (${reason}); ${level} lines follow\n${message}\n`);
        }
      }
    },
  };
}
