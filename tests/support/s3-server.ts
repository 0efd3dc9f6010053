/**
 * A real S3 server for tests: versitygw (Versity's S3 gateway, Apache-2.0)
 * with its posix backend, as scripts/provide-s3.sh builds it. Started on
 * 127.0.0.1 on a free port with generated root credentials (passed in the
 * environment, never argv), stopped by its pid.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The version scripts/provide-s3.sh pins. */
export const S3_SERVER_VERSION = '1.8.0';

/** Where scripts/provide-s3.sh puts versitygw (same default as the script). */
export function s3ServerBinary(): string {
  const base =
    process.env['CHARMED_ETCD_CACHE'] ??
    path.join(process.env['XDG_CACHE_HOME'] ?? path.join(process.env['HOME'] ?? tmpdir(), '.cache'), 'charmed-etcd');
  const bin = path.join(base, 's3', `versitygw-${S3_SERVER_VERSION}`, 'versitygw');
  if (!existsSync(bin)) throw new Error(`the S3 server is not provided in ${bin}; run: bash scripts/provide-s3.sh`);
  return bin;
}

export interface S3Server {
  /** `http(s)://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** The posix backend's root: a bucket is a directory, an object a file. */
  readonly root: string;
  readonly pid: number;
  /** Stops the server (SIGTERM, SIGKILL after 10 s) and removes its root unless `keepRoot`. */
  stop(options?: { readonly keepRoot?: boolean }): Promise<void>;
}

export interface S3ServerOptions {
  /** PEM files to serve TLS with; the endpoint is then https. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  readonly region?: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Any HTTP answer (an unsigned request gets 403) means the gateway is serving. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch (error) {
    // A TLS endpoint whose CA Node does not trust still answered.
    const cause = (error as { cause?: { code?: string } }).cause;
    return typeof cause?.code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause.code);
  }
}

/**
 * Starts versitygw. A port taken between choosing it and binding makes the
 * server exit; then it tries another port.
 * @throws Error with the server's log when it never answers.
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const bin = s3ServerBinary();
  const root = mkdtempSync(path.join(tmpdir(), 'charmed-etcd-s3-'));
  const data = path.join(root, 'data');
  const logFile = path.join(root, 'versitygw.log');
  const region = options.region ?? 'us-east-1';
  const accessKey = `AK${randomBytes(9).toString('hex').toUpperCase()}`;
  const secretKey = randomBytes(24).toString('base64url');
  const scheme = options.tls ? 'https' : 'http';
  mkdirSync(data, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const endpoint = `${scheme}://127.0.0.1:${port}`;
    const args = ['--port', `127.0.0.1:${port}`, '--region', region, '--quiet'];
    if (options.tls) args.push('--cert', options.tls.certFile, '--key', options.tls.keyFile);
    args.push('posix', data);
    const log = openSync(logFile, 'a');
    const child = spawn(bin, args, {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ROOT_ACCESS_KEY_ID: accessKey, ROOT_SECRET_ACCESS_KEY: secretKey },
      stdio: ['ignore', log, log],
      detached: false,
    });
    closeSync(log);
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${bin}`);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + 30_000;
    while (!exited && Date.now() < deadline && !(await answers(endpoint))) await sleep(100);
    if (exited) continue; // most likely the port was taken: try another
    if (Date.now() >= deadline) {
      child.kill('SIGKILL');
      throw new Error(`the S3 server did not answer on ${endpoint} within 30 s:\n${readFileSync(logFile, 'utf8')}`);
    }
    return {
      endpoint,
      region,
      accessKey,
      secretKey,
      root: data,
      pid,
      async stop(stopOptions = {}) {
        // `exited` is the child's own exit event: no signal can reach a reused pid.
        if (!exited) {
          process.kill(pid, 'SIGTERM');
          const until = Date.now() + 10_000;
          while (!exited && Date.now() < until) await sleep(50);
          if (!exited) process.kill(pid, 'SIGKILL');
          while (!exited) await sleep(20);
        }
        if (!stopOptions.keepRoot) rmSync(root, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`the S3 server exited at start five times:\n${readFileSync(logFile, 'utf8')}`);
}
