import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { unitLayout } from './layout.js';
import { isAlive } from './processes.js';
import { writeJsonAtomic } from './store.js';

const JsonValue: z.ZodType<unknown> = z.unknown();

const InstalledSnapSchema = z.object({
  revision: z.string(),
  version: z.string(),
  /** The channel the snap tracks (`snap list`'s Tracking column). */
  tracking: z.string(),
  /** Revisions kept on disk, oldest first (snapd's sequence); the current one is last used. */
  sequence: z.array(z.string()),
  /** Per-snap refresh hold (`snap refresh --hold NAME`): "forever" or an RFC 3339 time. */
  hold: z.string().nullable(),
  config: z.record(z.string(), JsonValue),
  /** Services and whether they start with the system (and after a refresh). */
  services: z.record(z.string(), z.object({ enabled: z.boolean() })),
  publisher: z.object({ username: z.string(), 'display-name': z.string(), validation: z.string() }),
});

const SnapdStateSchema = z.object({
  snaps: z.record(z.string(), InstalledSnapSchema),
  /** `snap refresh --hold` without names: auto-refresh of all snaps held. */
  'auto-refresh-hold': z.string().nullable(),
});

export type InstalledSnap = z.infer<typeof InstalledSnapSchema>;
export type SnapdState = z.infer<typeof SnapdStateSchema>;

const emptyState = (): SnapdState => ({ snaps: {}, 'auto-refresh-hold': null });

/**
 * Reads the unit's snapd state; a unit with no state file has no snaps.
 * @throws Error when the file exists but is malformed.
 */
export function readState(root: string): SnapdState {
  const file = unitLayout(root).stateFile;
  if (!existsSync(file)) return emptyState();
  const parsed = SnapdStateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`snapd state ${file} is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Writes the unit's snapd state atomically. */
export function writeState(root: string, state: SnapdState): void {
  writeJsonAtomic(unitLayout(root).stateFile, state);
}

/**
 * Runs `fn` holding the unit's state lock, as snapd serialises changes. A lock left by a dead
 * process is taken over.
 * @throws Error when the lock stays held by a live process for `timeoutMs`.
 */
export async function withStateLock<T>(root: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  const lock = unitLayout(root).stateLock;
  mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = 0;
      try {
        owner = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue; // released between our open and read
      }
      // An empty file is a lock being written right now; only a dead owner's lock is stale.
      if (owner > 0 && !isAlive(owner)) {
        rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`snapd state lock ${lock} is held by process ${owner}`);
      await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}
