import { execFile } from 'node:child_process';
import { HookToolError } from './runner.js';
import type { HookToolRunOptions, HookToolRunner } from './runner.js';

/** Relation settings may total 16 MiB; leave room above that for JSON quoting. */
const MAX_BUFFER = 64 * 1024 * 1024;

export interface ExecRunnerOptions {
  /** Environment for the tools; defaults to the charm process's own (Juju's hook environment). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The production {@link HookToolRunner}: runs the hook-tool executables found
 * on PATH (no shell), feeding `stdin` when given. Rejects with a
 * {@link HookToolError} when a tool exits non-zero or cannot be started
 * (exit code -1 then, with the spawn error as `cause`).
 *
 * Node's own execFile rather than execa: a hook runs a dozen tools and every
 * hook loaded execa's ~130 KB and its per-call stream plumbing, which a tool
 * that only prints a short answer never needs.
 */
export function execRunner(options: ExecRunnerOptions = {}): HookToolRunner {
  return {
    run(tool: string, args: readonly string[], runOptions?: HookToolRunOptions): Promise<string> {
      return new Promise((resolve, reject) => {
        const child = execFile(
          tool,
          [...args],
          { encoding: 'utf8', maxBuffer: MAX_BUFFER, ...(options.env === undefined ? {} : { env: { ...options.env } }) },
          (error, stdout, stderr) => {
            if (error === null) return resolve(stdout);
            // A number is the tool's exit code; anything else (ENOENT, EACCES, a signal, too much output) means no answer.
            if (typeof error.code === 'number') return reject(new HookToolError(tool, args, error.code, stderr));
            const reason = error.signal === null || error.signal === undefined ? error.message : `killed by ${error.signal}`;
            reject(new HookToolError(tool, args, -1, `cannot run ${tool}: ${reason}`, { cause: error }));
          },
        );
        // A tool that exits without reading its input must not fail the call with EPIPE.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(runOptions?.stdin ?? '');
      });
    },
  };
}
