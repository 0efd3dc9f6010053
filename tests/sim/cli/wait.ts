/** `sim wait`: polls the controller until no hook is queued or running, printing which unit runs which hook. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimHome } from '../home.js';
import { send } from './controller-process.js';

export interface WaitResult {
  readonly timedOut: boolean;
  /** Units settled in error (their hook failed `settleAfterFailures` times). */
  readonly errors: Record<string, { hook: string; attempts: number }>;
  readonly summary: string;
}

interface Idle {
  settled: boolean;
  running: Array<{ unit: string; event: string }>;
  queued: Record<string, string[]>;
  errors: Record<string, { hook: string; attempts: number }>;
}

/** Waits until the model settles or `timeoutMs` passes. Throws when the controller is unreachable. */
export async function waitForModel(home: SimHome, options: { timeoutMs: number; progress?: (line: string) => void; pollMs?: number }): Promise<WaitResult> {
  const deadline = Date.now() + options.timeoutMs;
  const shown = new Set<string>();
  let idle: Idle;
  // Two settled answers in a row: a hook that ends may queue another in the same tick.
  let settledTwice = 0;
  for (;;) {
    idle = (await send(home, { type: 'idle' })) as unknown as Idle;
    const now = new Set(idle.running.map((r) => `${r.unit}: running ${r.event}`));
    for (const line of now) if (!shown.has(line)) options.progress?.(line);
    shown.clear();
    for (const line of now) shown.add(line);
    settledTwice = idle.settled ? settledTwice + 1 : 0;
    if (settledTwice >= 2) return { timedOut: false, errors: idle.errors, summary: '' };
    if (Date.now() > deadline) break;
    await sleep(options.pollMs ?? 150);
  }
  const parts = [
    ...idle.running.map((r) => `${r.unit} running ${r.event}`),
    ...Object.entries(idle.queued).map(([u, q]) => `${u} queued ${q.join(', ')}`),
  ];
  return { timedOut: true, errors: idle.errors, summary: parts.join('; ') };
}
