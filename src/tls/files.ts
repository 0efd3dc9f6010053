/**
 * The TLS files on the unit, in `$SNAP_DATA/tls` (Canonical's `TLS_ROOT_DIR`,
 * /var/snap/charmed-etcd/current/tls): per side `<kind>.pem` (certificate and
 * intermediates), `<kind>.key`, and `<kind>_ca.pem`, the trust bundle etcd
 * reads (the provider's CAs, then any other trusted certificates). The
 * provider's CAs alone are kept beside it in `<kind>_ca.provider.pem`, so the
 * phase decision can tell them from the extras.
 *
 * etcd runs as snap_daemon, so the files belong to it; the key is 0600. Each
 * file is written to a temporary name and renamed: etcd re-reads certificate
 * and key at every handshake, and must never meet half a file.
 */
import { chmod, chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TlsFiles } from '../etcd/config.js';
import { SNAP_DAEMON_ID, SNAP_NAME, underRoot } from '../etcd/paths.js';
import type { TlsFilesContent } from './phase.js';
import type { TlsKind } from './request.js';
import { bundleCas, renderBundle } from './trust-bundle.js';

export interface SideFiles extends TlsFiles {
  readonly providerCasFile: string;
}

export const tlsDir = (root: string): string => underRoot(root, `/var/snap/${SNAP_NAME}/current/tls`);

export function sideFiles(root: string, kind: TlsKind): SideFiles {
  const dir = tlsDir(root);
  return {
    certFile: path.join(dir, `${kind}.pem`),
    keyFile: path.join(dir, `${kind}.key`),
    trustedCaFile: path.join(dir, `${kind}_ca.pem`),
    providerCasFile: path.join(dir, `${kind}_ca.provider.pem`),
  };
}

const readOrUndefined = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** What the member runs with on `kind` (the leaf of the certificate file, the provider's CAs); undefined when that side is plain http. */
export async function readInstalled(root: string, kind: TlsKind): Promise<TlsFilesContent | undefined> {
  const files = sideFiles(root, kind);
  const [certificate, providerCas] = await Promise.all([readOrUndefined(files.certFile), readOrUndefined(files.providerCasFile)]);
  if (certificate === undefined || providerCas === undefined) return undefined;
  const leaf = bundleCas(certificate)[0];
  return leaf === undefined ? undefined : { certificate: leaf, cas: bundleCas(providerCas) };
}

async function writeForDaemon(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, text, { mode });
  await chown(temporary, SNAP_DAEMON_ID, SNAP_DAEMON_ID);
  await chmod(temporary, mode);
  await rename(temporary, file);
}

/**
 * Writes one side's files: the certificate followed by `intermediates`, the
 * key, the provider's CAs, and the bundle (provider CAs, then `extraTrusted`).
 * Key last but one, bundle last: a hook killed half-way leaves
 * {@link readInstalled} reading the old state or the new, which the next hook repeats.
 */
export async function writeSide(
  root: string,
  kind: TlsKind,
  content: TlsFilesContent & { readonly intermediates?: readonly string[]; readonly key: string },
  extraTrusted: readonly string[] = [],
): Promise<SideFiles> {
  const files = sideFiles(root, kind);
  await mkdir(path.dirname(files.certFile), { recursive: true, mode: 0o750 });
  await chown(path.dirname(files.certFile), SNAP_DAEMON_ID, SNAP_DAEMON_ID);
  await writeForDaemon(files.keyFile, content.key, 0o600);
  await writeForDaemon(files.certFile, renderBundle([content.certificate, ...(content.intermediates ?? [])]), 0o644);
  await writeForDaemon(files.trustedCaFile, renderBundle([...content.cas, ...extraTrusted]), 0o644);
  await writeForDaemon(files.providerCasFile, renderBundle(content.cas), 0o644);
  return files;
}

/**
 * Rewrites `kind`'s trust bundle as the provider's CAs followed by `extras`
 * when it holds anything else; a side with no TLS installed is left alone.
 * etcd reads the bundle at its next start. Resolves true when it wrote.
 */
export async function syncTrustBundle(root: string, kind: TlsKind, extras: readonly string[]): Promise<boolean> {
  const files = sideFiles(root, kind);
  const providerCas = await readOrUndefined(files.providerCasFile);
  if (providerCas === undefined) return false;
  const wanted = renderBundle([...bundleCas(providerCas), ...extras]);
  if ((await readOrUndefined(files.trustedCaFile)) === wanted) return false;
  await writeForDaemon(files.trustedCaFile, wanted, 0o644);
  return true;
}

/** Removes one side's files (TLS off on that side); the provider-CA file goes first so a killed hook reads "off". */
export async function removeSide(root: string, kind: TlsKind): Promise<void> {
  const files = sideFiles(root, kind);
  for (const file of [files.providerCasFile, files.certFile, files.keyFile, files.trustedCaFile]) await rm(file, { force: true });
}
