/**
 * The write benchmark's client: tests/bench/writer-go, a small Go program on
 * etcd's own client (go.etcd.io/etcd/client/v3 and its gRPC balancer), run as
 * a child process. Built on first use into the cache outside the repository
 * (`$CHARMED_ETCD_CACHE/bench/`, beside scripts/provide-etcd.sh's etcd builds),
 * keyed by the hash of its sources and the Go version, so later runs reuse it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';
import { etcdCacheDir } from '../support/etcd-binaries.js';

const SOURCE = path.resolve(import.meta.dirname, 'writer-go');

/** `$CHARMED_ETCD_CACHE/bench` (the etcd cache's sibling, same default base). */
export const benchCacheDir = (): string => path.join(path.dirname(etcdCacheDir()), 'bench');

/**
 * The path of the built writer, building it first when the cache has none for
 * these sources and this Go (`go build -trimpath`, static, `-mod=readonly`:
 * go.sum must already hold every module). Throws with Go's output when the build fails.
 */
export async function buildGoWriter(progress: (text: string) => void = () => {}): Promise<string> {
  const files = readdirSync(SOURCE).filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go')).sort();
  const goVersion = (await execa('go', ['version'], { env: { GOTOOLCHAIN: 'local' } })).stdout.trim();
  const hash = createHash('sha256').update(goVersion);
  for (const f of files) hash.update(`\0${f}\0`).update(readFileSync(path.join(SOURCE, f)));
  const binary = path.join(benchCacheDir(), `etcd-bench-writer-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(benchCacheDir(), { recursive: true });
  const partial = `${binary}.partial-${process.pid}`;
  progress(`building the Go writer (${goVersion}) into ${binary}`);
  try {
    await execa('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', partial, '.'], {
      cwd: SOURCE,
      env: { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly', CGO_ENABLED: '0' },
      all: true,
    });
    renameSync(partial, binary);
  } catch (error) {
    rmSync(partial, { force: true });
    const output = (error as { all?: string }).all ?? String(error);
    throw new Error(`building tests/bench/writer-go failed:\n${output}`);
  }
  return binary;
}

const Gap = z.object({ s: z.number(), from_ms: z.number(), to_ms: z.number(), errors: z.array(z.string()) });
export const GoWriterResult = z.object({
  attempted: z.number(),
  acked: z.number(),
  failed: z.number(),
  lost: z.number(),
  lost_quorum_read: z.number(),
  missing_by_endpoint: z.record(z.string(), z.number()),
  longest_gap: Gap,
  clients: z.array(z.object({ client: z.number(), attempted: z.number(), acked: z.number(), failed: z.number(), longest_gap: Gap })),
  rate_per_s: z.number(),
  started_ms: z.number(),
  stopped_ms: z.number(),
  latency_ms: z.record(z.string(), z.number()),
  errors: z.record(z.string(), z.number()),
  failed_committed: z.number(),
  member_windows: z.array(z.object({ endpoint: z.string(), from_ms: z.number(), to_ms: z.number(), status_failures: z.number(), max_apply_lag: z.number() })),
  failure_windows: z.array(z.object({ from_ms: z.number(), to_ms: z.number(), failed: z.number(), acked: z.number() })),
  endpoints: z.array(z.string()),
  client: z.string(),
  verify_error: z.string().optional(),
});
export type GoWriterResult = z.infer<typeof GoWriterResult>;

export interface GoWriterOptions {
  readonly binary: string;
  /** Every client URL of the cluster. */
  readonly endpoints: readonly string[];
  readonly user: string;
  /** Handed over in the child's environment, never on its command line. */
  readonly password: string;
  readonly prefix: string;
  /** Writes started per second, all clients together. */
  readonly ratePerSecond: number;
  /** Clients, each with its own balancer over all the endpoints (default 4). */
  readonly clients?: number;
  /** Files for https endpoints. */
  readonly tls?: { readonly caFile: string; readonly certFile?: string; readonly keyFile?: string };
}

export interface RunningGoWriter {
  /** Resolves once the writer's clients are up and it starts writing. */
  readonly ready: Promise<void>;
  /** Asks the writer to stop (stdin), waits for its read-back, and resolves with its JSON line. */
  stop(): Promise<GoWriterResult>;
}

/** Starts the writer. Its stdin stays open: when this process dies, the writer sees EOF and stops too. */
export function startGoWriter(options: GoWriterOptions): RunningGoWriter {
  const args = ['-endpoints', options.endpoints.join(','), '-user', options.user, '-prefix', options.prefix, '-rate', String(options.ratePerSecond)];
  args.push('-clients', String(options.clients ?? 4));
  if (options.tls) {
    args.push('-cacert', options.tls.caFile);
    if (options.tls.certFile !== undefined) args.push('-cert', options.tls.certFile);
    if (options.tls.keyFile !== undefined) args.push('-key', options.tls.keyFile);
  }
  const child = spawn(options.binary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ETCD_BENCH_PASSWORD: options.password } });
  let stdout = '';
  const stderrTail: string[] = [];
  let markReady: () => void = () => {};
  let failReady: (e: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    failReady = reject;
  });
  ready.catch(() => {});
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') markReady();
      stderrTail.push(line);
      if (stderrTail.length > 40) stderrTail.shift();
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      stderrTail.push(String(error));
      resolve({ code: null, signal: null });
    });
  });
  void exited.then(() => failReady(new Error(`the Go writer exited before it was ready:\n${stderrTail.join('\n')}`)));
  let stopping: Promise<GoWriterResult> | undefined;
  return {
    ready,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.stdin.end('stop\n');
        // Writes in flight end within their 5 s deadline, the read-back within ~45 s.
        const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
        const { code, signal } = await exited;
        clearTimeout(guard);
        const line = stdout.trim().split('\n').at(-1) ?? '';
        if (code !== 0 || line === '') throw new Error(`the Go writer exited ${code ?? signal}:\n${stderrTail.join('\n')}`);
        return GoWriterResult.parse(JSON.parse(line));
      })();
      return stopping;
    },
  };
}
