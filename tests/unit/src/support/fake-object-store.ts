/**
 * An in-memory object storage for the harness tests: buckets of objects with
 * metadata, and credentials it accepts. It refuses other credentials the way
 * S3 does (`InvalidAccessKeyId`, `SignatureDoesNotMatch`).
 */
import { writeFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { BackupMetadata, ObjectStore, OpenObjectStore } from '../../../../src/backup/object-store.js';
import { ObjectStoreError } from '../../../../src/backup/object-store.js';
import type { S3Params } from '../../../../src/backup/s3-params.js';

interface StoredBody {
  readonly body: Buffer;
  readonly metadata: Readonly<Record<string, string>>;
}

export class FakeObjectStorage {
  readonly buckets = new Map<string, Map<string, StoredBody>>();
  readonly accounts = new Map<string, string>();
  /** Every params the charm opened a store with (to see which hooks talked to S3). */
  readonly opened: S3Params[] = [];
  /** Downloads fail as a dropped connection does. */
  failDownloads = false;

  constructor(accessKey: string, secretKey: string) {
    this.accounts.set(accessKey, secretKey);
  }

  #authorise(p: S3Params): void {
    const secret = this.accounts.get(p.accessKey);
    if (secret === undefined) throw new ObjectStoreError(`bucket ${p.bucket}: InvalidAccessKeyId (HTTP 403)`, 'InvalidAccessKeyId');
    if (secret !== p.secretKey) throw new ObjectStoreError(`bucket ${p.bucket}: SignatureDoesNotMatch (HTTP 403)`, 'SignatureDoesNotMatch');
  }

  readonly open: OpenObjectStore = async (params) => {
    this.opened.push(params);
    const store: ObjectStore = {
      ensureBucket: async () => {
        this.#authorise(params);
        if (this.buckets.has(params.bucket)) return 'existed';
        this.buckets.set(params.bucket, new Map());
        return 'created';
      },
      upload: async (key: string, body: Readable, metadata: BackupMetadata) => {
        this.#authorise(params);
        const bucket = this.buckets.get(params.bucket);
        if (bucket === undefined) throw new ObjectStoreError(`uploading ${key}: NoSuchBucket (HTTP 404)`, 'NoSuchBucket');
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
        bucket.set(key, { body: Buffer.concat(chunks), metadata: { ...metadata } });
      },
      list: async (prefix: string) => {
        this.#authorise(params);
        const bucket = this.buckets.get(params.bucket) ?? new Map<string, StoredBody>();
        return [...bucket].filter(([k]) => k.startsWith(prefix)).map(([key, o]) => ({ key, size: o.body.length, lastModified: undefined }));
      },
      metadata: async (key: string) => {
        this.#authorise(params);
        return this.buckets.get(params.bucket)?.get(key)?.metadata;
      },
      download: async (key: string, file: string) => {
        this.#authorise(params);
        if (this.failDownloads) throw new ObjectStoreError(`downloading ${key}: cannot reach ${params.endpoint}: socket hang up`, 'ECONNRESET');
        const object = this.buckets.get(params.bucket)?.get(key);
        if (object === undefined) throw new ObjectStoreError(`downloading ${key}: NoSuchKey (HTTP 404)`, 'NoSuchKey');
        writeFileSync(file, object.body);
      },
      close: () => undefined,
    };
    return store;
  };
}
