import type { EtcdCredentials } from './client-types.js';
import type { TlsFiles } from './config.js';
import { EtcdError } from './errors/etcd-error.js';

/**
 * The few operations that need the etcdctl binary because the JSON gateway
 * cannot do them well (a snapshot is a gRPC stream). In production the command
 * is the snap app `charmed-etcd.etcdctl`; tests pass a real etcdctl path.
 */
export interface EtcdctlOptions {
  /** Command name or path, e.g. `charmed-etcd.etcdctl`. */
  readonly command: string;
  readonly endpoint: string;
  readonly credentials?: EtcdCredentials | undefined;
  /** Client certificate, key and trust bundle for an https endpoint (etcdctl reads them from ETCDCTL_CERT/KEY/CACERT). */
  readonly tls?: TlsFiles | undefined;
  /** Kill etcdctl after this long; default 120 s (a snapshot of a multi-GiB database takes a while). */
  readonly timeoutMs?: number;
  /** Extra environment (PATH with /snap/bin, ...); merged over the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** etcdctl failed, timed out or could not be started. `stderr` is etcdctl's own text (it never echoes passwords). */
export class EtcdctlError extends EtcdError {
  override name = 'EtcdctlError';
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly stderr: string;

  constructor(message: string, options: { endpoint: string; exitCode: number | undefined; timedOut: boolean; stderr: string; cause?: unknown }) {
    super(message, { endpoint: options.endpoint, cause: options.cause });
    this.exitCode = options.exitCode;
    this.timedOut = options.timedOut;
    this.stderr = options.stderr;
  }
}

/**
 * Saves a snapshot of the member at `options.endpoint` to `path`.
 * Credentials travel in `ETCDCTL_USER=<user>:<password>` (read by etcdctl
 * 3.4–3.6), never on argv where `ps` would show them.
 * @throws EtcdctlError when etcdctl exits non-zero, times out or is missing.
 */
export async function snapshotSave(path: string, options: EtcdctlOptions): Promise<void> {
  await runEtcdctl(['snapshot', 'save', path], options);
}

async function runEtcdctl(args: readonly string[], options: EtcdctlOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const env: Record<string, string | undefined> = { ...options.env, ETCDCTL_API: '3', ETCDCTL_USER: undefined };
  if (options.credentials !== undefined) env['ETCDCTL_USER'] = `${options.credentials.user}:${options.credentials.password}`;
  if (options.tls !== undefined && options.endpoint.startsWith('https:')) {
    Object.assign(env, { ETCDCTL_CACERT: options.tls.trustedCaFile, ETCDCTL_CERT: options.tls.certFile, ETCDCTL_KEY: options.tls.keyFile });
  }
  const argv = [`--endpoints=${options.endpoint}`, `--dial-timeout=${Math.min(timeoutMs, 10_000)}ms`, `--command-timeout=${timeoutMs}ms`, ...args];
  // Loaded here, not at the top: few hooks run etcdctl, and every hook would pay for execa's load.
  const { execa } = await import('execa');
  const result = await execa(options.command, argv, {
    env,
    extendEnv: true,
    timeout: timeoutMs,
    reject: false,
    stdin: 'ignore',
  });
  if (result.failed) {
    const what = result.timedOut ? `timed out after ${timeoutMs} ms` : result.exitCode === undefined ? result.shortMessage : `exited ${result.exitCode}`;
    throw new EtcdctlError(`etcdctl ${args.join(' ')} against ${options.endpoint} ${what}: ${String(result.stderr).trim().slice(-500)}`, {
      endpoint: options.endpoint,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      stderr: String(result.stderr),
    });
  }
  return String(result.stdout);
}
