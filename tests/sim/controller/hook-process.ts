/** Runs a unit's `dispatch` as a Juju machine agent does: exec with no arguments, cwd = charm dir, env from scratch. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface HookExit {
  /** The exit code; null when killed by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** Set when the process could not be started (or dispatch is missing). */
  readonly spawnError?: string;
  /** Raw output (actions report it in their results). */
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

export interface HookProcess {
  readonly pid: number | undefined;
  readonly done: Promise<HookExit>;
  /** Signals the hook's whole process group (the hook runs in its own group). */
  kill(signal: NodeJS.Signals): void;
}

export interface SpawnHookOptions {
  readonly charmDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly onStdout: (line: string) => void;
  readonly onStderr: (line: string) => void;
}

/** Starts the hook. Never throws: a start failure resolves `done` with `spawnError`. */
export function spawnHook(options: SpawnHookOptions): HookProcess {
  const dispatch = path.join(options.charmDir, 'dispatch');
  if (!existsSync(dispatch)) {
    return {
      pid: undefined,
      done: Promise.resolve({ exitCode: 1, signal: null, timedOut: false, spawnError: `no dispatch in ${options.charmDir}`, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }),
      kill: () => undefined,
    };
  }
  const child = spawn(dispatch, [], {
    cwd: options.charmDir,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  createInterface({ input: child.stdout }).on('line', options.onStdout);
  createInterface({ input: child.stderr }).on('line', options.onStderr);
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGKILL');
  }, options.timeoutMs);
  const done = new Promise<HookExit>((resolve) => {
    let spawnError: string | undefined;
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: spawnError === undefined ? exitCode : 1,
        signal,
        timedOut,
        ...(spawnError === undefined ? {} : { spawnError }),
        stdout: Buffer.concat(stdout),
        stderr: Buffer.concat(stderr),
      });
    });
  });
  return { pid: child.pid, done, kill: killGroup };
}
