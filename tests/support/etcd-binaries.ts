import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';

/** The etcd versions the simulator's store serves, as provided by scripts/provide-etcd.sh. */
export const ETCD_VERSIONS = ['3.4.23', '3.5.16', '3.5.30', '3.6.13', '3.6.16', '3.7.3'] as const;
/**
 * The version the charm pins (refresh_versions.toml's `workload`) and so what
 * a default deploy runs. A function: the fake snapd's bundle includes this
 * module and must not read the repository at load.
 */
export function pinnedEtcd(): string {
  const toml = parse(readFileSync(path.resolve(import.meta.dirname, '../../refresh_versions.toml'), 'utf8'));
  if (typeof toml['workload'] !== 'string') throw new Error('refresh_versions.toml has no workload');
  return toml['workload'];
}
export type EtcdVersion = (typeof ETCD_VERSIONS)[number];

/** Where scripts/provide-etcd.sh puts the binaries (same default as the script). */
export function etcdCacheDir(): string {
  const base =
    process.env['CHARMED_ETCD_CACHE'] ??
    path.join(process.env['XDG_CACHE_HOME'] ?? path.join(process.env['HOME'] ?? homedir(), '.cache'), 'charmed-etcd');
  return path.join(base, 'etcd');
}

/**
 * The directory holding `etcd` and `etcdctl` for `version`.
 * Throws, with the command that fixes it, when they are missing: tests never skip silently.
 */
export function etcdBinDir(version: string): string {
  const dir = path.join(etcdCacheDir(), version);
  if (!existsSync(path.join(dir, 'etcd')) || !existsSync(path.join(dir, 'etcdctl'))) {
    throw new Error(`etcd ${version} is not provided in ${dir}; run: bash scripts/provide-etcd.sh ${version}`);
  }
  return dir;
}
