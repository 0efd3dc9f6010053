import type { HookToolRunner } from './hooktools/runner.js';

/**
 * What a charm process gets from its host: the environment Juju built for the
 * hook and the hook tools. Production passes `process.env` and the execa
 * runner; the harness passes a computed environment and an in-memory runner.
 * Charms add their own effects (workload, clock, filesystem root) beside it.
 */
export interface HookHost {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly tools: HookToolRunner;
  /** Where the charm writes its one-line failure and DEBUG lines; defaults to `process.stderr`. */
  readonly stderr?: { write(text: string): unknown };
}

/** A charm's entry point: resolves with the process exit code (0 commits the hook). */
export type CharmMain = (host: HookHost) => Promise<number>;
