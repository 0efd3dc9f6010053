/**
 * The hook-latency anchor: a minimal Python `ops` charm (./charm) with ops
 * from PyPI in the benchmark's own virtualenv (~/.cache/charmed-etcd/bench),
 * never in the charm. Its dispatch runs that venv's python, as a packed ops
 * charm runs the one charmcraft put in its venv.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The ops release the anchor runs (PyPI). */
export const OPS_VERSION = '3.9.0';

const CHARM = fileURLToPath(new URL('./charm', import.meta.url));

function venvDir(): string {
  const cache = process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache');
  return path.join(cache, 'charmed-etcd', 'bench', `ops-${OPS_VERSION}`);
}

/**
 * The venv's python, creating the venv (`python3 -m venv`, `pip install ops`)
 * when missing. Built under a temporary name and renamed: only `bin/python3`
 * is ever run, which finds its packages relative to itself, so the move is safe.
 */
export async function opsPython(): Promise<string> {
  const dir = venvDir();
  const python = path.join(dir, 'bin', 'python3');
  if (existsSync(path.join(dir, '.complete'))) return python;
  const partial = `${dir}.tmp-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  await execa('python3', ['-m', 'venv', partial]);
  await execa(path.join(partial, 'bin', 'python3'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `ops==${OPS_VERSION}`]);
  writeFileSync(path.join(partial, '.complete'), `ops ${OPS_VERSION}\n`);
  if (existsSync(path.join(dir, '.complete'))) rmSync(partial, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  return python;
}

/** Writes the anchor charm into `out` with a dispatch for `python`; returns `out`. */
export async function buildOpsAnchor(out: string): Promise<string> {
  const python = await opsPython();
  cpSync(CHARM, out, { recursive: true });
  const dispatch = path.join(out, 'dispatch');
  writeFileSync(dispatch, `#!/bin/sh\ncd "\${JUJU_CHARM_DIR:-$(dirname "$0")}" || exit 1\nexec ${python} src/charm.py\n`);
  chmodSync(dispatch, 0o755);
  return out;
}

