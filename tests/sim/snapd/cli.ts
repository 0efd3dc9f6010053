import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runApp } from './apps.js';
import { runSnap } from './commands.js';
import type { SnapdContext } from './context.js';
import { EXIT_WITH_ENV, ROOT_ENV, STORE_ENV } from './env.js';
import { faultPointFrom } from './fault-client.js';
import { runSupervisor } from './supervisor.js';
import { DEFAULT_POLICY } from './supervisor-service.js';

/** This module's own file: cli.ts under tsx, or the bundle the build step makes of it. */
const SELF = fileURLToPath(import.meta.url);


const pidFromEnv = (value: string | undefined): number | undefined => {
  const pid = Number(value);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
};

/**
 * Runs one role of the fake snapd and resolves to the exit code:
 * `snap` (the snap command), `supervisor` (argv[0] is the unit root; runs until told to stop),
 * or an app name such as `charmed-etcd.etcdctl`.
 */
export async function main(role: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number | undefined> {
  const write = (stream: NodeJS.WriteStream) => (text: string) => void stream.write(text);
  if (role === 'supervisor') {
    const root = argv[0];
    if (root === undefined) {
      process.stderr.write('usage: supervisor <root>\n');
      return 2;
    }
    await runSupervisor(root, DEFAULT_POLICY, pidFromEnv(env[EXIT_WITH_ENV]));
    return undefined;
  }
  const root = env[ROOT_ENV];
  if (root === undefined || root === '') {
    process.stderr.write(`error: ${ROOT_ENV} is not set: the simulated snapd needs the unit's root directory\n`);
    return 1;
  }
  if (role !== 'snap') return runApp(root, role, argv, env, write(process.stderr));
  const ctx: SnapdContext = {
    root,
    storeFile: env[STORE_ENV],
    stdout: write(process.stdout),
    stderr: write(process.stderr),
    unicode: process.stdout.isTTY === true && /utf-?8/i.test(env['LC_ALL'] ?? env['LANG'] ?? ''),
    launcher: {
      entry: SELF,
      execArgv: process.execArgv,
      exitWithPid: pidFromEnv(env[EXIT_WITH_ENV]),
    },
    faultPoint: faultPointFrom(env),
  };
  return runSnap(ctx, argv);
}

/** Entry point used by the executables the build writes: runs `role` with this process's argv. */
export async function run(role: string): Promise<void> {
  const code = await main(role, process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
}

const isMain = (): boolean => {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(SELF);
  } catch {
    return false;
  }
};

// `node cli.js <role> [args...]`: how the supervisor is started, and handy under tsx.
if (isMain()) {
  const [role = 'snap', ...rest] = process.argv.slice(2);
  const code = await main(role, rest);
  if (code !== undefined) process.exitCode = code;
}
