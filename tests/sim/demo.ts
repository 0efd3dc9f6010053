/**
 * `npm run demo [-- --keep]`: builds the charm if needed, provides the etcd binaries,
 * deploys 3 units on the simulator, shows etcd's own view of the cluster (members,
 * health) and the charm's `health` action, writes and reads keys as root, shows that
 * a client without credentials is refused, and destroys the model (or keeps it with --keep).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILT_CHARM_DIR, REPO_ROOT } from './charm-store.js';
import { runCli } from './cli/main.js';
import type { Io } from './cli/verbs.js';
import { send } from './cli/controller-process.js';
import { loadState } from './controller/state.js';
import { simHome } from './home.js';

const { values } = parseArgs({ options: { keep: { type: 'boolean' } } });
const home = values.keep ? path.resolve(process.env['SIM_HOME'] || '.sim') : path.join(mkdtempSync(path.join(tmpdir(), 'sim-demo-')), 'home');
const env = { ...process.env, SIM_HOME: home };
const io: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

const sim = async (...args: string[]): Promise<number> => {
  console.log(`\n$ sim ${args.join(' ')}`);
  return runCli(args, io, env, process.cwd());
};
const must = async (...args: string[]): Promise<void> => {
  const code = await sim(...args);
  if (code !== 0) throw new Error(`sim ${args[0]} failed with exit code ${code}`);
};

/**
 * The root password from the charm's app secret (`root-password`), read from the saved
 * model; undefined while the charm keeps none. It goes to etcdctl through its environment
 * (ETCDCTL_USER), never through argv or the output.
 */
function rootPassword(): string | undefined {
  const state = loadState(simHome(home));
  for (const secret of state?.model.secrets ?? []) {
    const content = secret.revisions.at(-1)?.content ?? {};
    if (secret.owner.kind === 'application' && content['root-password']) return content['root-password'];
  }
  return undefined;
}

/** Runs the unit's etcdctl with the unit's environment, as `sim exec` does; as root unless `anonymous`. */
async function etcdctl(unit: string, args: readonly string[], { anonymous = false } = {}): Promise<number> {
  console.log(`\n$ sim exec ${unit} -- ${anonymous ? '' : 'ETCDCTL_USER=root:*** '}charmed-etcd.etcdctl ${args.join(' ')}`);
  const info = (await send(simHome(home), { type: 'unit-info', unit })) as { env: Record<string, string> };
  const password = anonymous ? undefined : rootPassword();
  const r = spawnSync('charmed-etcd.etcdctl', args, { env: { ...info.env, ...(password ? { ETCDCTL_USER: `root:${password}` } : {}) }, stdio: 'inherit' });
  return r.status ?? 1;
}

try {
  if (!existsSync(path.join(BUILT_CHARM_DIR, 'dispatch'))) {
    console.log('building the charm (npm run build)');
    execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: REPO_ROOT });
  }
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'provide-etcd.sh')], { stdio: 'inherit', cwd: REPO_ROOT });
  console.log(`model in ${home}`);
  await must('deploy', '-n', '3');
  await must('wait', '--timeout', '600');
  await must('status');
  const status = JSON.parse(
    await (async () => {
      let text = '';
      await runCli(['status', '--format', 'json'], { out: (t) => void (text += t), err: io.err }, env, process.cwd());
      return text;
    })(),
  ) as { units: Record<string, { address: string }> };
  const endpoints = Object.values(status.units).map((u) => `http://${u.address}:2379`).join(',');
  const target = `--endpoints=${endpoints}`;
  // etcd's own view: three started voting members, every endpoint healthy.
  if ((await etcdctl('charmed-etcd/0', [target, 'member', 'list', '-w', 'table'])) !== 0) throw new Error('member list failed');
  if ((await etcdctl('charmed-etcd/0', [target, 'endpoint', 'health', '--cluster'])) !== 0) throw new Error('the cluster is not healthy');
  await must('run', 'charmed-etcd/leader', 'health');
  for (const [key, value] of [['greeting', 'hello'], ['answer', '42'], ['sim', 'juju-in-a-box']] as const) {
    if ((await etcdctl('charmed-etcd/0', [target, 'put', key, value])) !== 0) throw new Error(`writing ${key} failed`);
  }
  await etcdctl('charmed-etcd/1', [target, 'get', '--prefix', '']);
  // Auth is on: without credentials etcd refuses.
  if ((await etcdctl('charmed-etcd/2', [target, 'get', 'greeting'], { anonymous: true })) === 0) throw new Error('an anonymous client was served');
  console.log('(refused, as it should be: authentication is on)');
} finally {
  if (values.keep) console.log(`\nkept the model in ${home}; stop it with: SIM_HOME=${home} npm run sim -- destroy`);
  else await sim('destroy');
}
