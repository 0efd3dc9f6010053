/**
 * The `credentials` action's files: per answered CN, `<dir>/<cn>/{cert.pem,
 * key.pem,ca.pem}` (0600; a test directory, so a key on disk is fine) for a
 * test to dial etcd as that client. What it returns holds no key material.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Answer, Held } from './etcd-client.js';

export interface Credentials {
  readonly username: string;
  readonly uris: string;
  readonly endpoints: string;
  readonly version: string;
  readonly prefix: string;
}

async function write0600(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  // mode applies only to a new file: an older one keeps its own.
  await chmod(file, 0o600);
}

export async function writeCredentials(dir: string, entries: ReadonlyArray<{ held: Held; answer: Answer }>): Promise<Record<string, Credentials>> {
  const out: Record<string, Credentials> = {};
  for (const { held, answer } of entries) {
    const cnDir = path.join(dir, held.cn);
    await mkdir(cnDir, { recursive: true, mode: 0o700 });
    await write0600(path.join(cnDir, 'cert.pem'), held.certificate);
    await write0600(path.join(cnDir, 'key.pem'), held.privateKey);
    await write0600(path.join(cnDir, 'ca.pem'), answer.tlsCa);
    out[held.cn] = { username: answer.username, uris: answer.uris, endpoints: answer.endpoints, version: answer.version, prefix: held.prefix };
  }
  return out;
}
