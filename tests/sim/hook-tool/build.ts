/**
 * Builds the simulator's jujuc (the Go hook-tool client in ./jujuc) once per source
 * and Go version, into a cache outside the repository:
 * `<cache>/charmed-etcd/hook-tool/<hash>/jujuc`. Concurrent builders (two test files
 * deploying at once) each build to their own temporary file and rename it into
 * place, so a reader only ever sees a whole binary.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const JUJUC_SOURCE_DIR = fileURLToPath(new URL('./jujuc/', import.meta.url));
export const JUJUC = 'jujuc';

/** The cache's base, as scripts/provide-etcd.sh and tests/support/etcd-binaries.ts choose it. */
export function hookToolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['CHARMED_ETCD_CACHE'] ?? path.join(env['XDG_CACHE_HOME'] ?? path.join(env['HOME'] ?? homedir(), '.cache'), 'charmed-etcd');
  return path.join(base, 'hook-tool');
}

/** `go` with no network and no toolchain switch: the client needs the standard library only. */
async function go(args: readonly string[], env: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Promise<string> {
  try {
    const r = await execa('go', args, { cwd: JUJUC_SOURCE_DIR, extendEnv: false, env: { ...env, GOTOOLCHAIN: 'local', GOPROXY: 'off', ...extra } });
    return r.stdout;
  } catch (error) {
    const e = error as { code?: string; stderr?: string; shortMessage?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        `the simulator's hook tools are a Go program (${path.relative(process.cwd(), JUJUC_SOURCE_DIR) || JUJUC_SOURCE_DIR}) and \`go\` is not on PATH: ` +
          'install Go 1.22 or later (https://go.dev/doc/install; scripts/provide-etcd.sh needs it too) and run again',
      );
    }
    throw new Error(`building the simulator's hook tools failed: go ${args.join(' ')}\n${e.stderr || e.shortMessage || String(error)}`);
  }
}

/** A hash of the Go sources and the Go version: the cache key. */
async function sourceKey(env: NodeJS.ProcessEnv): Promise<string> {
  const hash = createHash('sha256').update(await go(['version'], env));
  for (const name of readdirSync(JUJUC_SOURCE_DIR).filter((n) => n.endsWith('.go') || n === 'go.mod').sort()) {
    hash.update(`\0${name}\0`).update(readFileSync(path.join(JUJUC_SOURCE_DIR, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The path of the jujuc binary for the current sources, built when the cache lacks it;
 * `go` is found and run with `env`. Throws with a clear message when `go` is missing
 * or the build fails.
 */
export async function buildJujuc(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = path.join(hookToolCacheDir(env), await sourceKey(env));
  const binary = path.join(dir, JUJUC);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${JUJUC}.${process.pid}.${Date.now()}`);
  try {
    await go(['build', '-trimpath', '-buildvcs=false', '-ldflags=-s -w', '-o', temp, '.'], env, { CGO_ENABLED: '0' });
    renameSync(temp, binary);
  } finally {
    rmSync(temp, { force: true });
  }
  return binary;
}
