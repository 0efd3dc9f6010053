/**
 * The tests' S3 server is a real one: buckets, multipart uploads and user
 * metadata as an S3 client sees them, signatures checked, and no process left.
 */
import { CreateBucketCommand, HeadObjectCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type S3Server, startS3Server } from '../../support/s3-server.js';

const client = (s3: S3Server, secretKey = s3.secretKey): S3Client =>
  new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKey, secretAccessKey: secretKey } });

describe('the S3 server for tests (versitygw, posix backend)', () => {
  let s3: S3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  it('keeps a multipart upload whole, with its metadata, in its posix root', async () => {
    const c = client(s3);
    await c.send(new CreateBucketCommand({ Bucket: 'etcd-test' }));
    const body = randomBytes(11 * 1024 * 1024);
    const sha256 = createHash('sha256').update(body).digest('hex');
    await new Upload({ client: c, partSize: 5 * 1024 * 1024, params: { Bucket: 'etcd-test', Key: 'a/b', Body: Readable.from([body]), Metadata: { sha256 } } }).done();
    const head = await c.send(new HeadObjectCommand({ Bucket: 'etcd-test', Key: 'a/b' }));
    expect(head.ContentLength).toBe(body.length);
    expect(head.Metadata?.['sha256']).toBe(sha256);
    expect(head.ETag).toMatch(/-3"$/); // three parts
    expect(createHash('sha256').update(readFileSync(path.join(s3.root, 'etcd-test', 'a', 'b'))).digest('hex')).toBe(sha256);
  });

  it('refuses a wrong secret key', async () => {
    await expect(client(s3, 'wrong').send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' });
  });

  it('stops by pid and leaves no process behind', async () => {
    const other = await startS3Server();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});
