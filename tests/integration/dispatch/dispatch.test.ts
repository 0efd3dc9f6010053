import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../../scripts/build.mjs';

/** The tools the charm may call; each is a fake on PATH that records its argv and stdin. */
const TOOLS = ['status-set', 'status-get', 'juju-log', 'config-get', 'is-leader', 'action-get', 'action-set', 'action-fail', 'action-log'];

interface Reply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
}

interface Call {
  readonly tool: string;
  readonly argv: string[];
  readonly stdin: string;
}

let work: string;
let charmDir: string;
let bin: string;

function fakeTools(): void {
  const script = `import { appendFileSync, readFileSync } from 'node:fs';
const [tool, ...argv] = process.argv.slice(2);
let stdin = '';
try { stdin = readFileSync(0, 'utf8'); } catch {}
appendFileSync(${JSON.stringify(path.join(work, 'calls.jsonl'))}, JSON.stringify({ tool, argv, stdin }) + '\\n');
const replies = JSON.parse(readFileSync(${JSON.stringify(path.join(work, 'replies.json'))}, 'utf8'));
const reply = replies[tool] ?? {};
if (reply.stdout) process.stdout.write(reply.stdout);
if (reply.stderr) process.stderr.write(reply.stderr);
process.exitCode = reply.exitCode ?? 0;
`;
  writeFileSync(path.join(bin, 'fake-tool.mjs'), script);
  for (const tool of TOOLS) {
    const file = path.join(bin, tool);
    writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${path.join(bin, 'fake-tool.mjs')}" "${tool}" "$@"\n`);
    chmodSync(file, 0o755);
  }
}

/** The environment Juju builds for a hook (§1.2 of the contract): no HOME, hook tools first on PATH. */
function jujuEnv(dispatchPath: string, extra: Record<string, string> = {}): Record<string, string> {
  const hook = dispatchPath.startsWith('hooks/') ? dispatchPath.slice('hooks/'.length) : '';
  return {
    PATH: `${bin}:${path.dirname(process.execPath)}:/usr/sbin:/usr/bin:/sbin:/bin`,
    JUJU_CHARM_DIR: charmDir,
    CHARM_DIR: charmDir,
    JUJU_CONTEXT_ID: `charmed-etcd/0-${hook || 'action'}-1234abcd`,
    JUJU_HOOK_NAME: hook,
    JUJU_AGENT_SOCKET_ADDRESS: '@/var/lib/juju/agents/unit-charmed-etcd-0/agent.socket',
    JUJU_AGENT_SOCKET_NETWORK: 'unix',
    JUJU_UNIT_NAME: 'charmed-etcd/0',
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
    ...extra,
  };
}

/** Runs the real dispatch as Juju does: exec, no arguments, cwd = charm dir, environment from scratch. */
async function dispatch(env: Record<string, string>, replies: Record<string, Reply> = {}) {
  writeFileSync(path.join(work, 'replies.json'), JSON.stringify(replies));
  writeFileSync(path.join(work, 'calls.jsonl'), '');
  const result = await execa(path.join(charmDir, 'dispatch'), [], { cwd: charmDir, env, extendEnv: false, reject: false });
  const calls = readFileSync(path.join(work, 'calls.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, calls };
}

const argvOf = (calls: readonly Call[], tool: string): string[][] => calls.filter((c) => c.tool === tool).map((c) => c.argv);

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'dispatch-test-'));
  charmDir = path.join(work, 'charm');
  bin = path.join(work, 'bin');
  mkdirSync(bin);
  // Built once, into a private copy of build/charm, so parallel test files cannot clobber it.
  await build({ out: charmDir, env: { CHARM_VERSION: '3.6/1.0.0' } });
  fakeTools();
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('dispatch on the built bundle', () => {
  it('install: sets maintenance once and logs with one juju-log', async () => {
    const run = await dispatch(jujuEnv('hooks/install'));
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(argvOf(run.calls, 'status-set')).toEqual([['maintenance', '--', 'installing']]);
    expect(argvOf(run.calls, 'juju-log')).toEqual([['--log-level', 'INFO', '--', 'handling hook install']]);
    expect(run.calls.map((c) => c.tool).sort()).toEqual(['juju-log', 'status-set']);
  });

  it('config-changed: reads config once and goes active', async () => {
    const run = await dispatch(jujuEnv('hooks/config-changed'), {
      'config-get': { stdout: '{"pause-after-unit-refresh":"first"}\n' },
    });
    expect(run.exitCode).toBe(0);
    expect(argvOf(run.calls, 'config-get')).toEqual([['--format=json']]);
    expect(argvOf(run.calls, 'status-set')).toEqual([['active', '--', '']]);
  });

  it('config-changed with a bad option: blocked, naming the option', async () => {
    const run = await dispatch(jujuEnv('hooks/config-changed'), {
      'config-get': { stdout: '{"pause-after-unit-refresh":"sometimes"}\n' },
    });
    expect(run.exitCode).toBe(0);
    const [status] = argvOf(run.calls, 'status-set');
    expect(status?.slice(0, 2)).toEqual(['blocked', '--']);
    expect(status?.[2]).toMatch(/^invalid config option "pause-after-unit-refresh" = "sometimes"/);
    const levels = argvOf(run.calls, 'juju-log').map((argv) => argv[1]);
    expect(levels).toEqual(['INFO', 'WARNING']);
  });

  it('an action answers with its result keys through one action-set', async () => {
    const run = await dispatch(
      jujuEnv('actions/pre-refresh-check', { JUJU_ACTION_NAME: 'pre-refresh-check', JUJU_ACTION_UUID: '7', JUJU_ACTION_TAG: 'action-7' }),
    );
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const sets = argvOf(run.calls, 'action-set');
    expect(sets).toHaveLength(1);
    expect(Object.fromEntries((sets[0] ?? []).map((kv) => kv.split(/=(.*)/s).slice(0, 2)))).toEqual({
      unit: 'charmed-etcd/0',
      action: 'pre-refresh-check',
      result: 'ok',
    });
    expect(argvOf(run.calls, 'status-set')).toEqual([]);
  });

  it('a failing hook tool: exit 1, one clear line on stderr, the error in juju-log', async () => {
    const run = await dispatch(jujuEnv('hooks/install'), { 'status-set': { exitCode: 1, stderr: 'ERROR connection is shut down\n' } });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'charm: hook install failed: HookToolError: status-set exited 1: ERROR connection is shut down',
    ]);
    expect(argvOf(run.calls, 'juju-log').map((argv) => argv[1])).toEqual(['INFO', 'ERROR']);
  });

  it('the stack of a failure goes to DEBUG (stderr) only when debug logging is on', async () => {
    const run = await dispatch(jujuEnv('hooks/install', { CHARM_LOG_LEVEL: 'debug' }), {
      'status-set': { exitCode: 1, stderr: 'ERROR connection is shut down\n' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/^DEBUG hook install failed \(HookToolError: [^\n]*\)\nHookToolError: [^\n]*\n\s+at /);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(
      'charm: hook install failed: HookToolError: status-set exited 1: ERROR connection is shut down',
    );
    expect(JSON.stringify(argvOf(run.calls, 'juju-log'))).not.toContain('    at ');
  });

  it('an unknown JUJU_DISPATCH_PATH: exit 1 with one line naming it, no tool runs', async () => {
    const run = await dispatch(jujuEnv('bogus/install'));
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
    const run = await dispatch({ ...jujuEnv('hooks/install'), PATH: empty });
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `dispatch: no Node.js runtime: looked for ${charmDir}/runtime/node/bin/node, /snap/bin/node and node on PATH`,
    ]);
    expect(run.calls).toEqual([]);
  });
});
