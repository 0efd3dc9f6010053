import { z } from 'zod';
import { EtcdctlError } from './etcdctl.js';

/** `etcdutl snapshot status -w json` of a snapshot file: etcd's own check that the file is a whole, readable database. */
export interface SnapshotStatus {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
  /** The storage version etcd wrote (3.6+: e.g. `3.6.0`); absent from older tools. */
  readonly version?: string | undefined;
}

const statusSchema = z.object({
  hash: z.number(),
  revision: z.number(),
  totalKey: z.number(),
  totalSize: z.number(),
  version: z.string().optional(),
});

/**
 * Reads a snapshot's status with etcdutl (3.5+), or with etcdctl where the
 * snap ships no etcdutl (3.4, whose etcdctl still has `snapshot status`).
 * @throws EtcdctlError when the tool fails (a corrupt or truncated file).
 */
export async function snapshotStatus(file: string, options: { readonly etcdutl: string; readonly etcdctl: string; readonly env?: Readonly<Record<string, string | undefined>> }): Promise<SnapshotStatus> {
  // Loaded here: only backups and pre-refresh checks read a snapshot's status.
  const { execa } = await import('execa');
  const run = (command: string) =>
    execa(command, ['snapshot', 'status', file, '--write-out=json'], { env: { ...options.env, ETCDCTL_API: '3' }, extendEnv: true, reject: false, stdin: 'ignore', timeout: 300_000 });
  let result = await run(options.etcdutl);
  if (result.failed && result.exitCode === undefined && /ENOENT/.test(String(result.shortMessage ?? ''))) result = await run(options.etcdctl);
  const detail = String(result.stderr).trim().slice(-500);
  if (result.failed) {
    throw new EtcdctlError(`snapshot status of ${file} failed: ${result.exitCode === undefined ? result.shortMessage : `exit ${result.exitCode}`}: ${detail}`, {
      endpoint: '',
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      stderr: String(result.stderr),
    });
  }
  // etcdutl logs JSON lines on stderr; stdout holds the one status object.
  const line = String(result.stdout).trim().split('\n').pop() ?? '';
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new EtcdctlError(`snapshot status of ${file}: not JSON: ${line.slice(0, 200)}`, { endpoint: '', exitCode: result.exitCode, timedOut: false, stderr: detail });
  }
  const parsed = statusSchema.safeParse(json);
  if (!parsed.success) throw new EtcdctlError(`snapshot status of ${file}: unexpected output: ${line.slice(0, 200)}`, { endpoint: '', exitCode: result.exitCode, timedOut: false, stderr: detail });
  return parsed.data;
}
