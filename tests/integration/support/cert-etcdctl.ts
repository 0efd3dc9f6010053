/** Upstream etcdctl (the pinned version's) as a client that is who its certificate says: no user, no password. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { etcdBinDir, pinnedEtcd } from '../../support/etcd-binaries.js';

const run = promisify(execFile);

/** The files a certificate client holds. */
export interface ClientFiles {
  readonly cert: string;
  readonly key: string;
  /** The CA that signed the members' client certificates. */
  readonly ca: string;
}

/** `files` in `dir/{cert,key,ca}.pem`, as the etcd requirer test charm writes them. */
export const filesIn = (dir: string): ClientFiles => ({ cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), ca: path.join(dir, 'ca.pem') });

/** Runs etcdctl with the certificate; resolves with its stdout, or `ERROR <stderr>` when it fails. */
export async function etcdctlAs(files: ClientFiles, uris: string, ...args: string[]): Promise<string> {
  const flags = [`--endpoints=${uris}`, `--cacert=${files.ca}`, `--cert=${files.cert}`, `--key=${files.key}`, '--dial-timeout=5s', '--command-timeout=15s'];
  try {
    return (await run(path.join(etcdBinDir(pinnedEtcd()), 'etcdctl'), [...args, ...flags])).stdout.trim();
  } catch (error) {
    return `ERROR ${String((error as { stderr?: string }).stderr ?? error).trim()}`;
  }
}
