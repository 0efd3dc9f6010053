/**
 * The charm's S3 store (src/backup/s3-store.ts) against the real S3 server
 * over https with a private CA: the provider's tls-ca-chain is what makes it
 * trusted, the bucket is created once, and a snapshot-sized stream goes up in
 * parts with its metadata.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectStoreError } from '../../../src/backup/object-store.js';
import { readS3Params } from '../../../src/backup/s3-params.js';
import type { S3Params } from '../../../src/backup/s3-params.js';
import { openS3Store } from '../../../src/backup/s3-store.js';
import { createCsr, generatePrivateKey } from '../../../src/tls/x509.js';
import { type S3Server, startS3Server } from '../../support/s3-server.js';
import { createTestCa } from '../../support/test-ca.js';

let s3: S3Server;
let caPem: string;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 's3-tls-'));
  const ca = await createTestCa('s3-test-ca');
  const key = await generatePrivateKey();
  const issued = await ca.issue(await createCsr({ commonName: '127.0.0.1', sansIp: ['127.0.0.1'], sansDns: ['localhost'] }, key));
  writeFileSync(path.join(dir, 'cert.pem'), issued.certificate);
  writeFileSync(path.join(dir, 'key.pem'), key);
  caPem = ca.certificatePem;
  s3 = await startS3Server({ tls: { certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') } });
});
afterAll(async () => {
  await s3?.stop();
});

function params(extra: Record<string, string> = {}): S3Params {
  const read = readS3Params({ endpoint: s3.endpoint, bucket: 'tls-backups', path: 'etcd', 'access-key': s3.accessKey, 'secret-key': s3.secretKey, ...extra });
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  return read.params;
}

describe('the S3 store over https with a private CA', () => {
  it('is refused without the CA, and works with tls-ca-chain (PEM or base64)', async () => {
    expect(s3.endpoint).toMatch(/^https:/);
    const untrusted = await openS3Store(params());
    await expect(untrusted.ensureBucket()).rejects.toBeInstanceOf(ObjectStoreError);
    untrusted.close();

    const store = await openS3Store(params({ 'tls-ca-chain': JSON.stringify([Buffer.from(caPem).toString('base64')]) }));
    expect(await store.ensureBucket()).toBe('created');
    expect(await store.ensureBucket()).toBe('existed');
    // 40 MiB, produced chunk by chunk: three 16 MiB parts.
    const chunks = Array.from({ length: 40 }, () => randomBytes(1024 * 1024));
    const sha256 = createHash('sha256');
    for (const c of chunks) sha256.update(c);
    const digest = sha256.digest('hex');
    await store.upload('etcd/big', Readable.from(chunks), { sha256: digest, size: String(40 * 1024 * 1024), 'etcd-version': '3.6.13', 'cluster-id': 'abc', revision: '7' });
    expect(await store.list('etcd/')).toMatchObject([{ key: 'etcd/big', size: 40 * 1024 * 1024 }]);
    expect(await store.metadata('etcd/big')).toMatchObject({ sha256: digest, revision: '7' });
    expect(await store.metadata('etcd/none')).toBeUndefined();
    expect(createHash('sha256').update(readFileSync(path.join(s3.root, 'tls-backups', 'etcd', 'big'))).digest('hex')).toBe(digest);
    store.close();
  });

  it('names the refusal: a wrong secret key, an unknown access key, an unreachable endpoint', async () => {
    const ca = { 'tls-ca-chain': JSON.stringify([caPem]) };
    const wrong = await openS3Store(params({ ...ca, 'secret-key': 'wrong' }));
    await expect(wrong.ensureBucket()).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', summary: 'bucket tls-backups: SignatureDoesNotMatch (HTTP 403)' });
    wrong.close();
    const unknown = await openS3Store(params({ ...ca, 'access-key': 'NOSUCHKEY' }));
    // AWS answers InvalidAccessKeyId (403); versitygw XAdminUserNotFound (404).
    await expect(unknown.ensureBucket()).rejects.toMatchObject({ summary: expect.stringMatching(/^bucket tls-backups: \w+ \(HTTP 40[34]\)$/) });
    unknown.close();
    const gone = await openS3Store(params({ ...ca, endpoint: 'https://127.0.0.1:1' }));
    await expect(gone.ensureBucket()).rejects.toMatchObject({ summary: 'bucket tls-backups: cannot reach https://127.0.0.1:1 (ECONNREFUSED)' });
    gone.close();
  });
});
