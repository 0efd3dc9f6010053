import { pino } from 'pino';
import type { Logger, LevelWithSilent } from 'pino';
import { jujuLog } from './hooktools/log.js';
import type { JujuLogLevel } from './hooktools/log.js';
import type { HookToolRunner } from './hooktools/runner.js';

/** Where DEBUG/TRACE lines go at once (Juju copies a hook's stderr into the unit log). */
export interface TextSink {
  write(text: string): unknown;
}

export interface JujuLoggerOptions {
  readonly tools: HookToolRunner;
  /** Defaults to `process.stderr`. */
  readonly stderr?: TextSink;
  /** Lowest level logged; default `info`. */
  readonly level?: LevelWithSilent;
  /** Extra paths to censor, in pino's redact syntax (`password` and `*.password` always are). */
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

const jujuLevel = (level: number): JujuLogLevel => {
  if (level >= 50) return 'ERROR';
  if (level >= 40) return 'WARNING';
  if (level >= 30) return 'INFO';
  if (level >= 20) return 'DEBUG';
  return 'TRACE';
};

interface PinoErr {
  readonly type?: string;
  readonly message?: string;
  readonly stack?: string;
}

/** One pino JSON record as a human line: `msg (Type: message) {"extra":"fields"}`, plus the stack if asked. */
function render(record: Record<string, unknown>, withStack: boolean): string {
  const { level: _level, time: _time, msg, err, ...extra } = record;
  let line = typeof msg === 'string' ? msg : '';
  const error = err as PinoErr | undefined;
  if (error !== undefined && typeof error === 'object') {
    line += ` (${error.type ?? 'Error'}: ${error.message ?? ''})`;
    if (withStack && error.stack !== undefined) line += `\n${error.stack}`;
  }
  if (Object.keys(extra).length > 0) line += ` ${JSON.stringify(extra)}`;
  return line;
}

/**
 * A pino logger for one hook. DEBUG and TRACE lines are written to stderr at
 * once and never cost a process; INFO and above are buffered and sent by
 * {@link JujuLogger.flush} with one `juju-log` per level present.
 * Values at `password`, `*.password` (and the `redact` paths) are censored.
 */
export function createJujuLogger(options: JujuLoggerOptions): JujuLogger {
  const stderr = options.stderr ?? process.stderr;
  const buffered = new Map<JujuLogLevel, string[]>();
  const destination = {
    write(json: string): void {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(json) as Record<string, unknown>;
      } catch {
        stderr.write(json);
        return;
      }
      const level = jujuLevel(typeof record['level'] === 'number' ? record['level'] : 30);
      if (level === 'DEBUG' || level === 'TRACE') {
        stderr.write(`${level} ${render(record, true)}\n`);
        return;
      }
      const lines = buffered.get(level) ?? [];
      lines.push(render(record, false));
      buffered.set(level, lines);
    },
  };
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: null,
      timestamp: false,
      redact: { paths: [...DEFAULT_REDACT, ...(options.redact ?? [])], censor: '[redacted]' },
    },
    destination,
  );
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
