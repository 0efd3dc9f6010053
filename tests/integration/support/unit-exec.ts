/**
 * Commands on a unit as an operator runs them (`juju exec`/`juju ssh`):
 * `sim exec UNIT -- CMD`'s unit environment, and the snap's etcdctl with
 * the root password fed on stdin, so it never appears on any argv or in a log.
 */
import { execa } from 'execa';
import { z } from 'zod';
import { unitInfo } from '../../sim/cli/verbs.js';
import type { CliResult, SimModel } from '../../sim/testing.js';

/**
 * `sim exec UNIT -- argv...` with `input` on the command's stdin. Never throws for a failing command.
 * It does what the verb does (the controller's unit environment, then the command in it) without a
 * CLI process per call: a `node --import tsx` start cost 1-3 s on a busy machine, and the suite makes
 * hundreds of these calls. tests/integration/sim tests the verb itself through the real CLI.
 */
export async function simExec(sim: SimModel, unit: string, argv: readonly string[], options: { readonly input?: string } = {}): Promise<CliResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('simExec: no command');
  let env: Record<string, string>;
  try {
    env = (await unitInfo(sim.home, unit)).env;
  } catch (error) {
    return { stdout: '', stderr: `ERROR ${error instanceof Error ? error.message : String(error)}`, exitCode: 2 };
  }
  const r = await execa(command, args, {
    env,
    extendEnv: false,
    reject: false,
    ...(options.input === undefined ? { stdin: 'ignore' as const } : { input: options.input }),
  });
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? 127 };
}

/** Reads the password from stdin into ETCDCTL_USER (etcdctl's environment form of `--user root:<pw>`). */
const WITH_ROOT = 'IFS= read -r p || exit 2; ETCDCTL_USER="root:$p"; export ETCDCTL_USER; exec charmed-etcd.etcdctl "$@"';

/**
 * `charmed-etcd.etcdctl --endpoints <endpoints> args...` on `unit`, as `root`
 * when `password` is given, without credentials otherwise.
 */
export function etcdctl(sim: SimModel, unit: string, endpoints: readonly string[], args: readonly string[], password?: string): Promise<CliResult> {
  const argv = ['--endpoints', endpoints.join(','), ...args];
  if (password === undefined) return simExec(sim, unit, ['charmed-etcd.etcdctl', ...argv]);
  return simExec(sim, unit, ['sh', '-c', WITH_ROOT, 'etcdctl', ...argv], { input: `${password}\n` });
}

/** One line of `etcdctl member list -w simple`. */
export interface MemberLine {
  readonly id: string;
  readonly status: 'started' | 'unstarted';
  readonly name: string;
  readonly peerUrls: string;
  readonly clientUrls: string;
  readonly isLearner: boolean;
}

const memberLineSchema = z.tuple([
  z.string().regex(/^[0-9a-f]+$/),
  z.enum(['started', 'unstarted']),
  z.string(),
  z.string(),
  z.string(),
  z.enum(['true', 'false']),
]);

/**
 * Parses `member list -w simple`: `id, started, name, peer-urls, client-urls, is-learner`.
 * @throws Error on a line of another shape.
 */
export function parseMemberList(stdout: string): MemberLine[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const parsed = memberLineSchema.safeParse(line.split(', ').map((f) => f.trim()));
      if (!parsed.success) throw new Error(`unexpected member list line: ${JSON.stringify(line)}`);
      const [id, status, name, peerUrls, clientUrls, learner] = parsed.data;
      return { id, status, name, peerUrls, clientUrls, isLearner: learner === 'true' };
    });
}

const endpointHealthSchema = z.array(z.object({ endpoint: z.string(), health: z.boolean(), error: z.string().optional() }));
export type EndpointHealthLine = z.infer<typeof endpointHealthSchema>[number];

/** Parses `endpoint health -w json`. @throws Error when it is not that shape. */
export function parseEndpointHealth(stdout: string): EndpointHealthLine[] {
  return endpointHealthSchema.parse(JSON.parse(stdout));
}

/** One line of `etcdctl endpoint status -w simple` (the fields the tests use). */
export interface EndpointStatusLine {
  readonly endpoint: string;
  readonly id: string;
  readonly version: string;
  readonly isLeader: boolean;
  readonly isLearner: boolean;
}

/**
 * Parses `endpoint status -w simple`: `endpoint, id, version, ..., is leader, is learner, ...`.
 * The columns between the version and the two booleans differ by etcdctl
 * version (3.4/3.5: db size; 3.6+: storage version, db size, db size in use,
 * quota usage, quota), so the booleans are the first adjacent pair after the version.
 * @throws Error on a line of another shape.
 */
export function parseEndpointStatus(stdout: string): EndpointStatusLine[] {
  const bool = (x: string | undefined): boolean => x === 'true' || x === 'false';
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const f = line.split(', ').map((x) => x.trim());
      const at = f.findIndex((x, i) => i > 2 && bool(x) && bool(f[i + 1]));
      if (at < 0 || !/^[0-9a-f]+$/.test(f[1] ?? '')) throw new Error(`unexpected endpoint status line: ${JSON.stringify(line)}`);
      return { endpoint: f[0]!, id: f[1]!, version: f[2]!, isLeader: f[at] === 'true', isLearner: f[at + 1] === 'true' };
    });
}
