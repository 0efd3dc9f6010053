/** The model's debug log: JSON lines on disk, printed the way `juju debug-log` prints them. */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

export const LogLineSchema = z.object({
  at: z.string(),
  unit: z.string(),
  level: z.string(),
  /** `unit.<unit>.<hook>` for hook output, `unit.<unit>.juju-log`, `juju.worker.uniter...` for the agent. */
  logger: z.string(),
  message: z.string(),
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** Appends lines to the log file (synchronously, so order is kept across hooks). */
export function appendLog(file: string, lines: readonly LogLine[]): void {
  if (lines.length === 0) return;
  appendFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
}

/** Every line of the log, optionally only one unit's. Malformed lines are skipped. */
export function readLog(file: string, unit?: string): LogLine[] {
  if (!existsSync(file)) return [];
  const out: LogLine[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text === '') continue;
    try {
      const parsed = LogLineSchema.safeParse(JSON.parse(text));
      if (parsed.success && (unit === undefined || parsed.data.unit === unit)) out.push(parsed.data);
    } catch {
      // a line cut by a crash
    }
  }
  return out;
}

/** `unit-app-0: 12:00:01 INFO unit.app/0.juju-log message`, as `juju debug-log` shows it. */
export function formatLogLine(line: LogLine): string {
  const prefix = `unit-${line.unit.replace('/', '-')}: ${line.at.slice(11, 19)} ${line.level} ${line.logger}`;
  // One juju-log call may carry several lines; each gets the prefix so grep finds them.
  return line.message
    .split('\n')
    .map((text) => `${prefix} ${text}`)
    .join('\n');
}
