/**
 * `npm run sim -- <verb> ...`: Juju's verbs against a model kept in SIM_HOME
 * (default `.sim/` under the cwd). Errors print `ERROR <message>`; bad input exits 2.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { simHome, resolveSimHome } from '../home.js';
import { InputError } from '../parse.js';
import { ControllerError } from '../protocol.js';
import { VERBS } from './verbs.js';
import type { Io } from './verbs.js';

export const USAGE = `usage: sim <verb> [args]   (model in $SIM_HOME, default ./.sim)

  deploy [CHARM_PATH | --path DIR | --revision R [--charm NAME]] [APP] [-n N] [--config k=v ...]
         [--update-status-interval 10s] [--retry-scale F] [--seed N] [--hook-timeout 30m] [--start-after-refresh]
         (the first deploy makes the model; later ones add applications)
  add-unit [APP] [-n N]              remove-unit UNIT...
  integrate APP[:ENDPOINT] APP[:ENDPOINT]
  remove-relation APP[:ENDPOINT] APP[:ENDPOINT] | RELATION_ID
  remove-application APP
  set-address UNIT IP                (the unit's machine gets a new private address in 127.0.0.0/8;
                                      Juju runs config-changed on the unit)
  config [KEY[=VALUE] ...] [--reset KEY] [--app APP]
  run UNIT|APP/leader ACTION [k=v ...] [--format json]
  publish [DIR] [--workload V] [--charm-version V]
  snap-store [--format json]         refresh [APP] --revision R | --path DIR
  snap-store add SNAP_DIR [--channel C]   (publishes any snap from its unpacked tree)
  status [--format json]             wait [--timeout S]
  debug-log [--unit U] [--lines N]   resolved UNIT [--no-retry]
  fail-next-hook UNIT [HOOK]         kill-workload UNIT
  inject-fault UNIT --on 'snap CMD [ARG...]' [--when before|after] --do fail|kill-hook|fail-hook|kill-workload
         (once, in the unit's next hook or action running that snap command: fail the command,
          SIGKILL the hook as if the agent died, fail the hook at its end, or SIGKILL etcd;
          inject-fault UNIT --clear disarms)
  exec UNIT -- CMD...                update-status [UNIT...]
  add-secret NAME k=v...             grant-secret NAME APP
  update-secret NAME k=v...          destroy
`;

/** Runs one CLI invocation and resolves with its exit code. */
export async function runCli(argv: readonly string[], io: Io, env: Readonly<Record<string, string | undefined>>, cwd: string): Promise<number> {
  const [verb, ...args] = argv;
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    io.out(USAGE);
    return verb === undefined ? 2 : 0;
  }
  const handler = VERBS[verb];
  if (!handler) {
    io.err(`ERROR unknown command ${JSON.stringify(verb)}\n${USAGE}`);
    return 2;
  }
  try {
    return await handler(simHome(resolveSimHome(env, cwd)), [...args], io, env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.err(`ERROR ${message}\n`);
    return error instanceof InputError || error instanceof ControllerError ? 2 : 1;
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  // `sim debug-log | head` closes the pipe early: not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const io: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };
  process.exitCode = await runCli(process.argv.slice(2), io, process.env, process.cwd());
}
