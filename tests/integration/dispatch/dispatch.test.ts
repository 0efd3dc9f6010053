import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { machine, tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../scripts/build.mjs';
import { PEER_RELATION_IDS_FILE } from '../../../lib/juju/model/peer-relation-ids.js';
import { claimLoopbackSubnet, releaseLoopbackSubnets } from '../../support/loopback.js';

/**
 * The real `dispatch` and esbuild bundle, run as Juju runs them, with fake
 * hook tools and a fake `snap` on PATH. Each fake records its argv and stdin
 * and answers as Juju 3.6 (contract §2.2) or snapd would; a test overrides
 * the answers of the tools it is about.
 */

/** Every hook tool of the contract's §2.2: any of them the charm calls is recorded, none is "command not found". */
const HOOK_TOOLS = [
  'action-fail', 'action-get', 'action-log', 'action-set', 'application-version-set', 'close-port', 'config-get',
  'goal-state', 'is-leader', 'juju-log', 'juju-reboot', 'leader-get', 'leader-set', 'network-get', 'open-port',
  'opened-ports', 'relation-get', 'relation-ids', 'relation-list', 'relation-set', 'resource-get', 'secret-add',
  'secret-get', 'secret-grant', 'secret-ids', 'secret-info-get', 'secret-remove', 'secret-revoke', 'secret-set',
  'state-delete', 'state-get', 'state-set', 'status-get', 'status-set', 'storage-add', 'storage-get', 'storage-list',
];

/** One answer of a fake; `when` picks it only for calls whose argv contains that exact word. */
interface Reply {
  readonly when?: string;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
}

type Replies = Record<string, Reply | readonly Reply[]>;

interface Call {
  readonly tool: string;
  readonly argv: string[];
  readonly stdin: string;
}

const UNIT = 'charmed-etcd/0';
const PEERS = 'etcd-peers';
const DATA = '/var/snap/charmed-etcd/common/var/lib/etcd';
const json = (value: unknown): string => `${JSON.stringify(value)}\n`;

/** `config-get --format=json` for config.yaml's defaults (unset `system-users` has no default, so no key). */
const DEFAULT_CONFIG = {
  'auto-compaction-mode': 'periodic',
  'auto-compaction-retention': '1h',
  'election-timeout': 1000,
  'heartbeat-interval': 100,
  'pause-after-unit-refresh': 'first',
  'quota-backend-bytes': 'auto',
};

/** `network-get --format=json <binding>` for a machine whose address is `ip`. */
const networkGet = (ip: string): string =>
  json({
    'bind-addresses': [
      {
        'mac-address': '00:16:3e:4a:7b:1c',
        'interface-name': 'eth0',
        addresses: [{ hostname: '', value: ip, cidr: `${ip.split('.').slice(0, 3).join('.')}.0/24` }],
        macaddress: '00:16:3e:4a:7b:1c',
        interfacename: 'eth0',
      },
    ],
    'egress-subnets': [`${ip}/32`],
    'ingress-addresses': [ip],
  });

/**
 * A freshly deployed leader unit during `install` (contract §3.6): default
 * config, no peer relation yet (it is created after install), no ports, its
 * `data` storage attached. Write tools print nothing.
 */
const JUJU_WORLD: Replies = {
  'is-leader': { stdout: 'true\n' },
  'config-get': { stdout: json(DEFAULT_CONFIG) },
  'relation-ids': { stdout: '[]\n' },
  'opened-ports': { stdout: '[]\n' },
  'network-get': { stdout: networkGet('10.42.7.5') },
  'goal-state': { stdout: json({ units: { [UNIT]: { status: 'active', since: '2025-06-02 10:11:12Z' } }, relations: {} }) },
  'status-get': { stdout: json({ message: 'installing charm software', status: 'maintenance', 'status-data': {} }) },
  'storage-list': { stdout: '["data/0"]\n' },
  'storage-get': { stdout: json({ kind: 'filesystem', location: DATA }) },
  'state-get': { stdout: '{}\n' },
  'secret-ids': { stdout: '[]\n' },
  'action-get': { stdout: '{}\n' },
};

/** A hook of the refresh peer relation (contract §1.2: remote unit present but empty in -created). */
const PEER_HOOK_ENV = { JUJU_RELATION: 'refresh-v-three', JUJU_RELATION_ID: 'refresh-v-three:1', JUJU_REMOTE_APP: 'charmed-etcd', JUJU_REMOTE_UNIT: '' };

/** The same unit, as a non-leader, once both peer relations exist and goal-state shows it as the only planned unit. */
const JOINED_WORLD: Replies = {
  // Not the leader, so the hook ends at "Waiting for cluster initialization" instead of starting etcd.
  'is-leader': { stdout: 'false\n' },
  'relation-ids': [
    { when: 'refresh-v-three', stdout: '["refresh-v-three:1"]\n' },
    { when: PEERS, stdout: `["${PEERS}:0"]\n` },
  ],
  'relation-list': { stdout: '[]\n' },
  'relation-get': { stdout: '{}\n' },
  'leader-get': { stdout: '{}\n' },
};

/** `snap` calls that change something (reads such as `snap services` are left out). */
const mutatingSnapCalls = (calls: readonly Call[]): string[][] =>
  calls.filter((c) => c.tool === 'snap' && !['services', 'list', 'get', 'info'].includes(c.argv[0] ?? '')).map((c) => c.argv);

let work: string;
let charmDir: string;
let bin: string;
let pinnedRevision: string;
let roots = 0;

/** Writes the fakes: one Node script behind a shell wrapper per tool, and `snap`. */
function writeFakes(): void {
  const script = `import { appendFileSync, mkdirSync, readFileSync, symlinkSync, rmSync } from 'node:fs';
import path from 'node:path';
const [tool, ...argv] = process.argv.slice(2);
let stdin = '';
try { stdin = readFileSync(0, 'utf8'); } catch {}
appendFileSync(${JSON.stringify(path.join(work, 'calls.jsonl'))}, JSON.stringify({ tool, argv, stdin }) + '\\n');
const replies = JSON.parse(readFileSync(${JSON.stringify(path.join(work, 'replies.json'))}, 'utf8'));
const options = [].concat(replies[tool] ?? []);
const reply = options.find((r) => r.when === undefined || argv.includes(r.when)) ?? {};
const exitCode = reply.exitCode ?? 0;
// snapd's side effect that the charm reads back: /snap/<name>/current -> <revision>.
if (tool === 'snap' && exitCode === 0 && argv[0] === 'install' && argv[2] === '--revision') {
  const dir = path.join(process.env.CHARMED_ETCD_ROOT ?? '/nonexistent', 'snap', argv[1]);
  mkdirSync(path.join(dir, argv[3]), { recursive: true });
  rmSync(path.join(dir, 'current'), { force: true });
  symlinkSync(argv[3], path.join(dir, 'current'));
}
if (reply.stdout) process.stdout.write(reply.stdout);
if (reply.stderr) process.stderr.write(reply.stderr);
process.exitCode = exitCode;
`;
  writeFileSync(path.join(bin, 'fake-tool.mjs'), script);
  for (const tool of [...HOOK_TOOLS, 'snap']) {
    const file = path.join(bin, tool);
    writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${path.join(bin, 'fake-tool.mjs')}" "${tool}" "$@"\n`);
    chmodSync(file, 0o755);
  }
}

/** A fresh, empty unit filesystem root for CHARMED_ETCD_ROOT. */
function freshRoot(): string {
  const root = path.join(work, `root-${++roots}`);
  mkdirSync(root);
  return root;
}

/** A root where the pinned snap revision is already installed (as `snap install` leaves it). */
function rootWithSnap(): string {
  const root = freshRoot();
  const dir = path.join(root, 'snap', 'charmed-etcd');
  mkdirSync(path.join(dir, pinnedRevision), { recursive: true });
  symlinkSync(pinnedRevision, path.join(dir, 'current'));
  return root;
}

/** The environment Juju builds for a hook (§1.2 of the contract): no HOME, hook tools first on PATH. */
function jujuEnv(dispatchPath: string, root: string, extra: Record<string, string> = {}): Record<string, string> {
  const hook = dispatchPath.startsWith('hooks/') ? dispatchPath.slice('hooks/'.length) : '';
  return {
    PATH: `${bin}:${path.dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`,
    JUJU_CHARM_DIR: charmDir,
    CHARM_DIR: charmDir,
    JUJU_CONTEXT_ID: `${UNIT}-${hook || 'action'}-1234abcd`,
    JUJU_HOOK_NAME: hook,
    JUJU_AGENT_SOCKET_ADDRESS: '@/var/lib/juju/agents/unit-charmed-etcd-0/agent.socket',
    JUJU_AGENT_SOCKET_NETWORK: 'unix',
    JUJU_UNIT_NAME: UNIT,
    JUJU_MODEL_UUID: '5d2d3c4e-7a1b-4f6e-9c3d-2b1a0f9e8d7c',
    JUJU_MODEL_NAME: 'dispatch-test',
    JUJU_API_ADDRESSES: '10.0.0.1:17070',
    JUJU_MACHINE_ID: '0',
    JUJU_PRINCIPAL_UNIT: '',
    JUJU_AVAILABILITY_ZONE: '',
    JUJU_VERSION: '3.6.8',
    CLOUD_API_VERSION: '',
    JUJU_CHARM_HTTP_PROXY: '',
    JUJU_CHARM_HTTPS_PROXY: '',
    JUJU_CHARM_FTP_PROXY: '',
    JUJU_CHARM_NO_PROXY: '',
    JUJU_DISPATCH_PATH: dispatchPath,
    LANG: 'C.UTF-8',
    TERM: 'tmux-256color',
    DEBIAN_FRONTEND: 'noninteractive',
    APT_LISTCHANGES_FRONTEND: 'none',
    CHARMED_ETCD_ROOT: root,
    ...extra,
  };
}

/** The environment of action `name` (contract §1.3: JUJU_HOOK_NAME present and empty). */
const actionEnv = (name: string, root: string): Record<string, string> =>
  jujuEnv(`actions/${name}`, root, { JUJU_ACTION_NAME: name, JUJU_ACTION_UUID: '7', JUJU_ACTION_TAG: 'action-7' });

/** Runs the real dispatch as Juju does: exec, no arguments, cwd = charm dir, environment from scratch. */
async function dispatch(env: Record<string, string>, overrides: Replies = {}) {
  writeFileSync(path.join(work, 'replies.json'), JSON.stringify({ ...JUJU_WORLD, ...overrides }));
  // Each test is another unit's world in the one charm directory; a unit's peer relations
  // never change ids, so the ids the charm remembered (lib/juju/model/peer-relation-ids.ts) go.
  rmSync(path.join(charmDir, path.dirname(PEER_RELATION_IDS_FILE)), { recursive: true, force: true });
  writeFileSync(path.join(work, 'calls.jsonl'), '');
  const result = await execa(path.join(charmDir, 'dispatch'), [], { cwd: charmDir, env, extendEnv: false, reject: false });
  const calls = readFileSync(path.join(work, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, calls };
}

const argvOf = (calls: readonly Call[], tool: string): string[][] => calls.filter((c) => c.tool === tool).map((c) => c.argv);
const logLevels = (calls: readonly Call[]): (string | undefined)[] => argvOf(calls, 'juju-log').map((argv) => argv[1]);
/** action-set's `key=value` words as an object. */
const actionResults = (argv: readonly string[]): Record<string, string> =>
  Object.fromEntries(argv.map((kv) => kv.split(/=(.*)/s).slice(0, 2)));

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'dispatch-test-'));
  charmDir = path.join(work, 'charm');
  bin = path.join(work, 'bin');
  mkdirSync(bin);
  // Built once, into a private copy of build/charm, so parallel test files cannot clobber it.
  await build({ out: charmDir, env: { CHARM_VERSION: '3.6/1.0.0' } });
  // Juju writes .juju-charm next to the unpacked charm.
  writeFileSync(path.join(charmDir, '.juju-charm'), 'local:charmed-etcd-0\n');
  writeFakes();
  const versions = parse(readFileSync(path.join(charmDir, 'refresh_versions.toml'), 'utf8')) as {
    charm: string;
    snap: { name: string; revisions: Record<string, string> };
  };
  expect(versions.charm).toBe('3.6/1.0.0');
  const revision = versions.snap.revisions[machine()];
  if (revision === undefined) throw new Error(`refresh_versions.toml pins no snap revision for ${machine()}`);
  pinnedRevision = String(revision);
});

afterAll(() => {
  releaseLoopbackSubnets();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dispatch on the built bundle', () => {
  it('install before the peer relations exist: nothing installed yet (the refresh library must see the unit join first)', async () => {
    const root = freshRoot();
    const run = await dispatch(jujuEnv('hooks/install', root));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(argvOf(run.calls, 'snap')).toEqual([]);
    expect(existsSync(path.join(root, 'snap', 'charmed-etcd'))).toBe(false);
    expect(argvOf(run.calls, 'status-set')).toEqual([
      ['maintenance', '--', 'no peer relation available'],
      ['--application', 'maintenance', '--', 'no peer relation available'],
    ]);
  });

  it('refresh-v-three-relation-created: installs and holds the pinned snap, showing "Installing etcd..." first', async () => {
    const root = freshRoot();
    const run = await dispatch(jujuEnv('hooks/refresh-v-three-relation-created', root, PEER_HOOK_ENV), {
      ...JOINED_WORLD,
      snap: [
        { when: 'install', stdout: `charmed-etcd (3.6/stable) 3.6.13 from Canonical✓ installed\n` },
        { when: 'refresh', stdout: 'General refreshes of "charmed-etcd" held indefinitely\n' },
      ],
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(mutatingSnapCalls(run.calls)).toEqual([
      ['install', 'charmed-etcd', '--revision', pinnedRevision],
      ['refresh', '--hold', 'charmed-etcd'],
    ]);
    expect(readlinkSync(path.join(root, 'snap', 'charmed-etcd', 'current'))).toBe(pinnedRevision);
    // "Installing etcd..." reaches Juju before the snap is installed, not at the end of the hook.
    const tools = run.calls.map((c) => c.tool);
    expect(tools.indexOf('status-set')).toBeLessThan(tools.indexOf('snap'));
    expect(argvOf(run.calls, 'status-set')[0]).toEqual(['maintenance', '--', 'Installing etcd...']);
    expect(argvOf(run.calls, 'open-port')).toEqual([['2379/tcp']]);
    // One juju-log call per level; nothing above INFO on a clean install.
    const logs = argvOf(run.calls, 'juju-log');
    expect(logs.map((argv) => argv[1])).toEqual(['INFO']);
    expect(logs[0]?.[3]).toContain(`Snap refreshed to (or installed at) revision ${pinnedRevision}`);
  });

  it('a failing `snap install`: blocked "unable to install etcd snap", exit 0, nothing held', async () => {
    const root = freshRoot();
    const run = await dispatch(jujuEnv('hooks/refresh-v-three-relation-created', root, PEER_HOOK_ENV), {
      ...JOINED_WORLD,
      snap: {
        when: 'install',
        stderr: 'error: cannot install "charmed-etcd": Post "https://api.snapcraft.io/v2/snaps/refresh": dial tcp: lookup api.snapcraft.io: no such host\n',
        exitCode: 1,
      },
    });
    // A blocked status, not a hook error: the next hook retries the install.
    expect(run.exitCode).toBe(0);
    expect(run.stderr).toBe('');
    expect(mutatingSnapCalls(run.calls)).toEqual([['install', 'charmed-etcd', '--revision', pinnedRevision]]);
    const statuses = argvOf(run.calls, 'status-set');
    expect(statuses[0]).toEqual(['maintenance', '--', 'Installing etcd...']);
    expect(statuses).toContainEqual(['blocked', '--', 'unable to install etcd snap']);
    const errors = argvOf(run.calls, 'juju-log').filter((argv) => argv[1] === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[3]).toContain(`Failed to install charmed-etcd snap revision ${pinnedRevision}`);
    expect(errors[0]?.[3]).toContain('no such host');
    expect(argvOf(run.calls, 'open-port')).toEqual([]);
  });

  it('config-changed with heartbeat-interval 5: blocked, naming the option, the snap left alone', async () => {
    const run = await dispatch(jujuEnv('hooks/config-changed', rootWithSnap()), {
      'config-get': { stdout: json({ ...DEFAULT_CONFIG, 'heartbeat-interval': 5 }) },
      'opened-ports': { stdout: '["2379/tcp"]\n' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(argvOf(run.calls, 'config-get')).toEqual([['--format=json']]);
    expect(mutatingSnapCalls(run.calls)).toEqual([]);
    const message = 'Invalid config: heartbeat-interval must be between 10 and 5000 ms, got 5';
    expect(argvOf(run.calls, 'status-set')).toEqual([
      ['blocked', '--', message],
      ['--application', 'blocked', '--', message],
    ]);
    expect(argvOf(run.calls, 'juju-log')).toEqual([['--log-level', 'WARNING', '--', `${message}; keeping the running config`]]);
  });

  it('pre-refresh-check before the peer relation exists: one action-fail saying why, exit 0', async () => {
    const run = await dispatch(actionEnv('pre-refresh-check', rootWithSnap()));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(argvOf(run.calls, 'action-fail')).toEqual([
      ['--', 'Refresh peer relation not ready. Check `juju status` and consider retrying this action'],
    ]);
    expect(argvOf(run.calls, 'action-set')).toEqual([]);
    expect(argvOf(run.calls, 'status-set')).toEqual([]);
    expect(mutatingSnapCalls(run.calls)).toEqual([]);
  });

  it('health while this unit\'s etcd is down: one action-set reporting it unhealthy, exit 0', async () => {
    // Nothing listens on this private loopback address, so every etcd request is refused at once.
    const ip = `${claimLoopbackSubnet()}.10`;
    const run = await dispatch(actionEnv('health', rootWithSnap()), {
      'relation-ids': { when: PEERS, stdout: `["${PEERS}:0"]\n` },
      'relation-list': { stdout: '[]\n' },
      'network-get': { stdout: networkGet(ip) },
      'relation-get': [
        { when: '--app', stdout: json({ cluster_state: 'existing', cluster_members: `charmed-etcd0=http://${ip}:2380` }) },
        {
          stdout: json({
            'egress-subnets': `${ip}/32`,
            'ingress-address': ip,
            'private-address': ip,
            private_ip: ip,
            state: 'started',
          }),
        },
      ],
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(argvOf(run.calls, 'action-fail')).toEqual([]);
    const sets = argvOf(run.calls, 'action-set');
    expect(sets).toHaveLength(1);
    const results = actionResults(sets[0] ?? []);
    expect(Object.keys(results).sort()).toEqual(['healthy', 'live-error', 'members', 'summary']);
    expect(results['live-error']).toContain(ip);
    expect(results['healthy']).toBe('false');
    expect(results['summary']).toMatch(/^0\/1 members healthy: charmed-etcd0 unreachable/);
    const members = JSON.parse(results['members'] ?? '{}') as Record<string, { unit: string; record: { healthy: boolean } }>;
    expect(Object.keys(members)).toEqual(['charmed-etcd0']);
    expect(members['charmed-etcd0']?.unit).toBe(UNIT);
    expect(members['charmed-etcd0']?.record.healthy).toBe(false);
    // An action changes neither the status nor the relation data.
    expect(argvOf(run.calls, 'status-set')).toEqual([]);
    expect(argvOf(run.calls, 'relation-set')).toEqual([]);
  });

  it('a failing hook tool: exit 1, one clear line on stderr, the error in juju-log', async () => {
    const run = await dispatch(jujuEnv('hooks/install', freshRoot()), { 'status-set': { exitCode: 1, stderr: 'ERROR connection is shut down\n' } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'charm: hook install failed: HookToolError: status-set exited 1: ERROR connection is shut down',
    ]);
    expect(logLevels(run.calls)).toEqual(['ERROR']);
    // The maintenance status could not be shown, so the install was not started.
    expect(argvOf(run.calls, 'snap')).toEqual([]);
  });

  it('the stack of a failure goes to DEBUG (stderr) only when debug logging is on', async () => {
    const run = await dispatch(jujuEnv('hooks/install', freshRoot(), { CHARM_LOG_LEVEL: 'debug' }), {
      'status-set': { exitCode: 1, stderr: 'ERROR connection is shut down\n' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/\nDEBUG hook install failed \(HookToolError: [^\n]*\)\nHookToolError: [^\n]*\n\s+at /);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      'charm: hook install failed: HookToolError: status-set exited 1: ERROR connection is shut down',
    );
    expect(JSON.stringify(argvOf(run.calls, 'juju-log'))).not.toContain('    at ');
  });

  it('an unknown JUJU_DISPATCH_PATH: exit 1 with one line naming it, no tool runs', async () => {
    const run = await dispatch(jujuEnv('bogus/install', freshRoot()));
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'charm: JUJU_DISPATCH_PATH="bogus/install" is invalid; expected hooks/<hook-name> or actions/<action-name>',
    ]);
    expect(run.calls).toEqual([]);
  });

  it('with no Node.js runtime: dispatch prints its one line and exits 1', async () => {
    expect(existsSync('/snap/bin/node'), 'this machine has /snap/bin/node, which dispatch would find').toBe(false);
    const empty = path.join(work, 'empty');
    mkdirSync(empty, { recursive: true });
    const run = await dispatch({ ...jujuEnv('hooks/install', freshRoot()), PATH: empty });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `dispatch: no Node.js runtime: looked for ${charmDir}/runtime/node/bin/node, /snap/bin/node and node on PATH`,
    ]);
    expect(run.calls).toEqual([]);
  });
});
