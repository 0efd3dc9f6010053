/**
 * The object storage the backups go to, as the charm uses it. The real one
 * (src/backup/s3-store.ts, on the AWS SDK) is loaded only by the hooks and
 * actions that talk to it; unit tests pass a fake.
 */
import type { Readable } from 'node:stream';
import type { S3Params } from './s3-params.js';

/** User metadata every backup object carries (S3 `x-amz-meta-*`, lower-case keys). */
export interface BackupMetadata {
  readonly sha256: string;
  readonly size: string;
  readonly 'etcd-version': string;
  readonly 'cluster-id': string;
  readonly revision: string;
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date | undefined;
}

export interface ObjectStore {
  /**
   * Checks that the credentials reach the bucket, creating it when missing.
   * @throws ObjectStoreError saying what the server answered.
   */
  ensureBucket(): Promise<'existed' | 'created'>;
  /** Uploads `body` (streamed, multipart for large ones) to `key` with `metadata`. @throws ObjectStoreError */
  upload(key: string, body: Readable, metadata: BackupMetadata): Promise<void>;
  /** Every object under `prefix`. @throws ObjectStoreError */
  list(prefix: string): Promise<readonly StoredObject[]>;
  /** The user metadata of one object, or undefined when there is no such object. @throws ObjectStoreError */
  metadata(key: string): Promise<Readonly<Record<string, string>> | undefined>;
  /**
   * Streams the object at `key` into `file` (created or truncated; never held whole in memory).
   * @throws ObjectStoreError (code `NoSuchKey` when there is no such object).
   */
  download(key: string, file: string): Promise<void>;
  /** Releases sockets. */
  close(): void;
}

/** Opens the store the parameters name (no request is made until a method is called). */
export type OpenObjectStore = (params: S3Params) => Promise<ObjectStore>;

/** The code of a download whose bytes do not match the checksum the store keeps for the object. */
export const CHECKSUM_MISMATCH = 'ChecksumMismatch';

/**
 * The object storage refused or could not be reached. `code` is the server's
 * error code (or the socket's); `summary` is the message without the
 * server's explanation, short enough for a status.
 */
export class ObjectStoreError extends Error {
  override name = 'ObjectStoreError';
  readonly code: string;
  readonly summary: string;
  constructor(message: string, code: string, options?: { cause?: unknown; summary?: string }) {
    super(message, options);
    this.code = code;
    this.summary = options?.summary ?? message;
  }
}
