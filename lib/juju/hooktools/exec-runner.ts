import { execa } from 'execa';
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
 */
export function execRunner(options: ExecRunnerOptions = {}): HookToolRunner {
  return {
    async run(tool: string, args: readonly string[], runOptions?: HookToolRunOptions): Promise<string> {
      const result = await execa(tool, [...args], {
        reject: false,
        maxBuffer: MAX_BUFFER,
        stripFinalNewline: false,
        ...(options.env === undefined ? {} : { env: options.env, extendEnv: false }),
        ...(runOptions?.stdin === undefined ? { stdin: 'ignore' as const } : { input: runOptions.stdin }),
      });
      if (result.failed) {
        if (result.exitCode === undefined) {
          // Never started (not on PATH, not executable) or killed by a signal.
          const reason = result.cause instanceof Error ? result.cause.message : (result.signal ?? 'unknown reason');
          throw new HookToolError(tool, args, -1, `cannot run ${tool}: ${reason}`, { cause: result.cause });
        }
        // Exit code and stderr say it all; execa's own error would only repeat them.
        throw new HookToolError(tool, args, result.exitCode, result.stderr);
      }
      return result.stdout;
    },
  };
}
