/**
 * The simulator's jujuc (tests/sim/hook-tool/jujuc), the real binary, against a
 * fake unit agent on a unix socket: what it sends, what it prints, how it exits,
 * and the errors it writes itself (the ones real jujuc writes: cmd/jujud/main.go).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildJujuc, hookToolCacheDir } from '../../sim/hook-tool/build.js';

type Message = Record<string, unknown>;
type Answer = Message | 'hang-up';

interface FakeAgent {
  readonly requests: Message[];
  /** Each request line as it came, before JSON.parse. */
  readonly lines: string[];
  /** Resolves with the first tool-timing line for `tool` the agent receives. */
  timingOf(tool: string): Promise<Message>;
  close(): Promise<void>;
}

/** A unit agent listening on `listenPath` that answers each tool request with `answer(request)`. */
async function fakeAgent(listenPath: string, answer: (request: Message) => Answer): Promise<FakeAgent> {
  const requests: Message[] = [];
  const lines: string[] = [];
  const timings: Message[] = [];
  const waiting = new Map<string, (m: Message) => void>();
  const server: Server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        const message = JSON.parse(line) as Message;
        buffer = buffer.slice(nl + 1);
        if (message['type'] === 'tool-timing') {
          timings.push(message);
          waiting.get(String(message['tool']))?.(message);
          continue;
        }
        requests.push(message);
        lines.push(line);
        const reply = answer(message);
        if (reply === 'hang-up') socket.destroy();
        else socket.write(`${JSON.stringify(reply)}\n`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(listenPath, resolve));
  return {
    requests,
    lines,
    timingOf: (tool) => {
      const ready = timings.find((t) => t['tool'] === tool);
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.set(tool, resolve));
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let dir: string;
let jujuc: string;
let agent: FakeAgent;
let answer: (request: Message) => Answer;
const socketPath = (): string => path.join(dir, 'agent.sock');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'jujuc-'));
  jujuc = await buildJujuc();
  agent = await fakeAgent(socketPath(), (request) => answer(request));
});
afterAll(async () => {
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `tool` (a symlink to jujuc, as on a hook's PATH) with exactly `env`; output as bytes. */
async function call(tool: string, args: string[], env: Record<string, string>, input?: string) {
  const link = path.join(dir, tool);
  try {
    symlinkSync(jujuc, link);
  } catch {
    // linked by an earlier call
  }
  const started = performance.now();
  const r = await execa(link, args, {
    env,
    extendEnv: false,
    reject: false,
    encoding: 'buffer',
    stripFinalNewline: false,
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
  });
  return { stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr), exitCode: r.exitCode, wallMs: performance.now() - started };
}

const hookEnv = (address = socketPath()): Record<string, string> => ({
  JUJU_CONTEXT_ID: 'unit-0-hook-1',
  JUJU_AGENT_SOCKET_ADDRESS: address,
  JUJU_AGENT_SOCKET_NETWORK: 'unix',
});

describe('jujuc against a unit agent', () => {
  it('forwards its name and argv untouched, prints the answer and exits with its code', async () => {
    answer = () => ({ stdout: 'out\n', stderr: 'ERROR no\n', exitCode: 7 });
    const r = await call('relation-get', ['--format=json', '-r', 'peers:0', '-', 'a/1', '--bogus'], hookEnv());
    expect(agent.requests.at(-1)).toEqual({ type: 'tool', contextId: 'unit-0-hook-1', tool: 'relation-get', args: ['--format=json', '-r', 'peers:0', '-', 'a/1', '--bogus'] });
    expect({ stdout: r.stdout.toString(), stderr: r.stderr.toString(), exitCode: r.exitCode }).toEqual({ stdout: 'out\n', stderr: 'ERROR no\n', exitCode: 7 });
  });

  it('exits 0, 1 and 2 as the agent says, and 1 when the answer has no exit code', async () => {
    for (const code of [0, 1, 2]) {
      answer = () => ({ stdout: '', stderr: '', exitCode: code });
      expect((await call('is-leader', [], hookEnv())).exitCode).toBe(code);
    }
    answer = () => ({ stdout: 'x' });
    expect(await call('is-leader', [], hookEnv())).toMatchObject({ exitCode: 1 });
  });

  it('reports the whole call, start-up included, in a tool-timing line after the answer', async () => {
    answer = () => ({ stdout: 'true\n', stderr: '', exitCode: 0 });
    // A tool no other test calls: its timing line is this call's.
    const r = await call('opened-ports', ['--format=json'], hookEnv());
    const timing = await agent.timingOf('opened-ports');
    expect(timing).toMatchObject({ type: 'tool-timing', contextId: 'unit-0-hook-1', tool: 'opened-ports' });
    expect(timing['ms']).toBeGreaterThan(0);
    // Measured inside the process: not longer than the caller's spawn-to-exit, but for one clock tick:
    // the process start time it counts from (/proc/self/stat) is kept in ticks (getconf CLK_TCK).
    const tickMs = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    expect(timing['ms']).toBeLessThanOrEqual(r.wallMs + tickMs);
  });

  it('round-trips non-ASCII and binary-ish output byte for byte', async () => {
    const text = 'héllo ✓ 🙂 \u0000\u0001\u001b[31mred\u001b[0m\r\n\t<&> "q" \\ \u007f\u2028end';
    answer = () => ({ stdout: text, stderr: `ERROR ${text}\n`, exitCode: 0 });
    const r = await call('config-get', [], hookEnv());
    expect(r.stdout.equals(Buffer.from(text, 'utf8'))).toBe(true);
    expect(r.stderr.equals(Buffer.from(`ERROR ${text}\n`, 'utf8'))).toBe(true);
    // Arguments travel the same way, as UTF-8.
    answer = () => ({ stdout: '', stderr: '', exitCode: 0 });
    await call('relation-set', ['k=ünïcödé ✓\u0001\ttab'], hookEnv());
    expect(agent.requests.at(-1)?.['args']).toEqual(['k=ünïcödé ✓\u0001\ttab']);
    // Sent as ASCII (\u escapes): the controller decodes each socket read on its own.
    expect(agent.lines.at(-1)).toMatch(/^[\x20-\x7e]*$/);
    await call('relation-set', ['k=🙂'], hookEnv());
    expect(agent.lines.at(-1)).toContain('"k=\\ud83d\\ude42"');
  });

  it('writes a lone surrogate in the answer as U+FFFD, as the Node client did', async () => {
    answer = () => ({ stdout: 'a\ud800b', stderr: '', exitCode: 0 });
    expect((await call('config-get', [], hookEnv())).stdout.toString('utf8')).toBe('a\ufffdb');
  });

  it('sends stdin only for --file - or --file=- before --', async () => {
    answer = () => ({ stdout: '', stderr: '', exitCode: 0 });
    const settings = 'a: "é ✓"\nb: |\n  two\n  lines\n';
    await call('relation-set', ['-r', 'peers:0', '--file', '-'], hookEnv(), settings);
    expect(agent.requests.at(-1)).toMatchObject({ args: ['-r', 'peers:0', '--file', '-'], stdin: settings });
    await call('state-set', ['--file=-'], hookEnv(), 'k: v\n');
    expect(agent.requests.at(-1)).toMatchObject({ stdin: 'k: v\n' });
    await call('relation-set', ['--file', '-'], hookEnv(), '');
    expect(agent.requests.at(-1)).toMatchObject({ stdin: '' });
    for (const args of [['k=v'], ['--', '--file', '-'], ['--file', 'settings.yaml']]) {
      await call('relation-set', args, hookEnv(), 'ignored: yes\n');
      expect(agent.requests.at(-1)).not.toHaveProperty('stdin');
    }
  });

  it('reaches an abstract socket given as @name', async () => {
    const name = `charmed-etcd-jujuc-test-${process.pid}`;
    const abstract = await fakeAgent(`\0${name}`, () => ({ stdout: 'abstract\n', stderr: '', exitCode: 0 }));
    try {
      expect(await call('is-leader', [], hookEnv(`@${name}`))).toMatchObject({ exitCode: 0, stdout: Buffer.from('abstract\n') });
      expect(abstract.requests).toHaveLength(1);
    } finally {
      await abstract.close();
    }
  });
});

describe('jujuc errors of its own (as real jujuc: one ERROR line, exit 1)', () => {
  it('names the missing hook variable and calls nobody', async () => {
    const before = agent.requests.length;
    for (const name of ['JUJU_CONTEXT_ID', 'JUJU_AGENT_SOCKET_ADDRESS', 'JUJU_AGENT_SOCKET_NETWORK']) {
      const env = { ...hookEnv(), [name]: '' };
      const r = await call('is-leader', [], env);
      expect({ stderr: r.stderr.toString(), stdout: r.stdout.toString(), exitCode: r.exitCode }).toEqual({ stderr: `ERROR ${name} not set\n`, stdout: '', exitCode: 1 });
    }
    expect(agent.requests.length).toBe(before);
  });

  it('says why an agent cannot be reached', async () => {
    const missing = path.join(dir, 'no-agent.sock');
    const r = await call('is-leader', [], hookEnv(missing));
    expect(r.stderr.toString()).toBe(`ERROR dial unix ${missing}: connect: no such file or directory\n`);
    expect(r.exitCode).toBe(1);
    const abstract = await call('is-leader', [], hookEnv('@charmed-etcd-jujuc-nobody'));
    expect(abstract.stderr.toString()).toBe('ERROR dial unix @charmed-etcd-jujuc-nobody: connect: connection refused\n');
  });

  it('reports an agent that hangs up before answering', async () => {
    answer = () => 'hang-up';
    const r = await call('is-leader', [], hookEnv());
    expect({ stderr: r.stderr.toString(), exitCode: r.exitCode }).toEqual({ stderr: 'ERROR unexpected EOF\n', exitCode: 1 });
  });

  it('refuses a network other than unix', async () => {
    const r = await call('is-leader', [], { ...hookEnv(), JUJU_AGENT_SOCKET_NETWORK: 'tcp' });
    expect(r).toMatchObject({ exitCode: 1 });
    expect(r.stderr.toString()).toMatch(/^ERROR JUJU_AGENT_SOCKET_NETWORK "tcp": /);
  });
});

describe('building jujuc', () => {
  it('builds once into the cache when two builders race, leaving one whole binary', async () => {
    const cache = mkdtempSync(path.join(tmpdir(), 'jujuc-cache-'));
    try {
      const env = { ...process.env, CHARMED_ETCD_CACHE: cache };
      const [a, b] = await Promise.all([buildJujuc(env), buildJujuc(env)]);
      expect(a).toBe(b);
      expect(path.dirname(path.dirname(a))).toBe(hookToolCacheDir(env));
      accessSync(a, constants.X_OK);
      expect(readdirSync(path.dirname(a))).toEqual(['jujuc']);
      expect(await buildJujuc(env)).toBe(a);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('says plainly that go is missing', async () => {
    await expect(buildJujuc({ ...process.env, PATH: dir })).rejects.toThrow(/hook tools are a Go program .*`go` is not on PATH: install Go/);
  });
});
