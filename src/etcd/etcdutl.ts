import { EtcdctlError } from './etcdctl.js';

/** What `etcdutl snapshot restore` builds: a data directory for one member of a new cluster. */
export interface SnapshotRestoreOptions {
  /** Must not exist or be empty (etcdutl refuses otherwise). */
  readonly dataDir: string;
  readonly name: string;
  readonly peerUrl: string;
  /** `name=peerURL,...`: every member of the new cluster, this one included. */
  readonly initialCluster: string;
  readonly token: string;
}

/**
 * Revisions jump by this much, and the jump is marked compacted, so watchers
 * of the old cluster see a compaction rather than revisions going backwards
 * (etcd's restore guide; flags present in etcdutl 3.5, 3.6 and 3.7).
 */
export const BUMP_REVISION = 1_000_000_000;

/** The argv of `etcdutl snapshot restore` (the snapshot's own integrity hash is checked: no --skip-hash-check). */
export const snapshotRestoreArgs = (file: string, o: SnapshotRestoreOptions): string[] => [
  'snapshot',
  'restore',
  file,
  '--data-dir',
  o.dataDir,
  '--bump-revision',
  String(BUMP_REVISION),
  '--mark-compacted',
  '--initial-cluster',
  o.initialCluster,
  '--initial-cluster-token',
  o.token,
  '--initial-advertise-peer-urls',
  o.peerUrl,
  '--name',
  o.name,
];

/**
 * Runs `etcdutl snapshot restore` (the snap's app, as snap_daemon).
 * @throws EtcdctlError when it fails (a corrupt file, a non-empty data dir).
 */
export async function snapshotRestore(file: string, options: SnapshotRestoreOptions, tool: { readonly etcdutl: string; readonly env?: Readonly<Record<string, string | undefined>> }): Promise<void> {
  // Loaded here: only a restore runs etcdutl this way.
  const { execa } = await import('execa');
  const result = await execa(tool.etcdutl, snapshotRestoreArgs(file, options), { env: { ...tool.env }, extendEnv: true, reject: false, stdin: 'ignore', timeout: 600_000 });
  if (result.failed) {
    const detail = String(result.stderr).trim().slice(-500);
    throw new EtcdctlError(`etcdutl snapshot restore of ${file} failed: ${result.exitCode === undefined ? result.shortMessage : `exit ${result.exitCode}`}: ${detail}`, {
      endpoint: '',
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      stderr: String(result.stderr),
    });
  }
}
