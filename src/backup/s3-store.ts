/**
 * The backups' object storage on S3, with the AWS SDK for JavaScript v3
 * (@aws-sdk/client-s3, and @aws-sdk/lib-storage's `Upload` for multipart
 * uploads from a stream: parts are read and sent a few at a time, never the
 * whole snapshot in memory). Imported only with `await import()`, so a hook
 * that does not touch S3 does not load the SDK.
 */
import { createWriteStream } from 'node:fs';
import { Agent } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { BucketLocationConstraint, StorageClass } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BackupMetadata, ObjectStore, StoredObject } from './object-store.js';
import { CHECKSUM_MISMATCH, ObjectStoreError } from './object-store.js';
import type { S3Params } from './s3-params.js';

/** 16 MiB parts, 4 in flight: at most about 64 MiB buffered, and up to 160 GiB within S3's 10 000 parts. */
const PART_SIZE = 16 * 1024 * 1024;
const QUEUE_SIZE = 4;
/** us-east-1 is the SDK's and S3's default when the provider names no region. */
const DEFAULT_REGION = 'us-east-1';

/** An SDK or socket failure as an ObjectStoreError, never with the credentials in it. */
function translate(error: unknown, what: string, endpoint: string): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  if (error instanceof S3ServiceException) {
    const status = error.$metadata.httpStatusCode;
    const summary = `${what}: ${error.name}${status === undefined ? '' : ` (HTTP ${status})`}`;
    const detail = error.message && error.message !== 'UnknownError' ? `: ${error.message}` : '';
    return new ObjectStoreError(`${summary}${detail}`, error.name, { cause: error, summary });
  }
  const code = (error as { code?: unknown }).code;
  const name = typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new ObjectStoreError(`${what}: cannot reach ${endpoint}: ${message}`, name, { cause: error, summary: `${what}: cannot reach ${endpoint} (${name})` });
}

export async function openS3Store(params: S3Params): Promise<ObjectStore> {
  const https = params.caChain.length > 0 ? new Agent({ ca: [...params.caChain], keepAlive: true }) : undefined;
  const region = params.region ?? DEFAULT_REGION;
  const client = new S3Client({
    endpoint: params.endpoint,
    region,
    forcePathStyle: params.uriStyle === 'path',
    credentials: { accessKeyId: params.accessKey, secretAccessKey: params.secretKey },
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000, ...(https === undefined ? {} : { httpsAgent: https }) },
  });
  const bucket = params.bucket;
  const ep = params.endpoint;
  return {
    async ensureBucket() {
      try {
        await client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 }));
        return 'existed';
      } catch (error) {
        if (!(error instanceof S3ServiceException && error.name === 'NoSuchBucket')) throw translate(error, `bucket ${bucket}`, ep);
      }
      try {
        const constraint = region === DEFAULT_REGION ? undefined : { LocationConstraint: region as BucketLocationConstraint };
        await client.send(new CreateBucketCommand({ Bucket: bucket, ...(constraint === undefined ? {} : { CreateBucketConfiguration: constraint }) }));
        return 'created';
      } catch (error) {
        // Created meanwhile (by us or another application): Canonical's charm counts these as success.
        if (error instanceof S3ServiceException && ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.name)) return 'existed';
        throw translate(error, `creating bucket ${bucket}`, ep);
      }
    },
    async upload(key: string, body: Readable, metadata: BackupMetadata) {
      const upload = new Upload({
        client,
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
        params: {
          Bucket: bucket,
          Key: key,
          Body: body,
          Metadata: { ...metadata },
          ContentType: 'application/octet-stream',
          ...(params.storageClass === undefined ? {} : { StorageClass: params.storageClass as StorageClass }),
        },
      });
      try {
        await upload.done();
      } catch (error) {
        throw translate(error, `uploading ${key} to bucket ${bucket}`, ep);
      }
    },
    async list(prefix: string) {
      const found: StoredObject[] = [];
      let token: string | undefined;
      try {
        do {
          const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token === undefined ? {} : { ContinuationToken: token }) }));
          for (const o of page.Contents ?? []) {
            if (o.Key !== undefined) found.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified });
          }
          token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
        } while (token !== undefined);
      } catch (error) {
        throw translate(error, `listing bucket ${bucket}`, ep);
      }
      return found;
    },
    async metadata(key: string) {
      try {
        const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.Metadata ?? {};
      } catch (error) {
        if (error instanceof S3ServiceException && (error.name === 'NotFound' || error.$metadata.httpStatusCode === 404)) return undefined;
        throw translate(error, `reading ${key} in bucket ${bucket}`, ep);
      }
    },
    async download(key: string, file: string) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        // In Node the SDK's body is an IncomingMessage: piped to the file chunk by chunk.
        if (!(object.Body instanceof Readable)) throw new ObjectStoreError(`downloading ${key}: no body`, 'NoBody');
        await pipeline(object.Body, createWriteStream(file, { mode: 0o600 }));
      } catch (error) {
        // The SDK checks the bytes against the checksum S3 stored at upload: these bytes are not the object's.
        if (error instanceof Error && error.message.startsWith('Checksum mismatch')) {
          throw new ObjectStoreError(`downloading ${key}: ${error.message}`, CHECKSUM_MISMATCH, { cause: error, summary: `downloading ${key}: checksum mismatch` });
        }
        throw translate(error, `downloading ${key} from bucket ${bucket}`, ep);
      }
    },
    close() {
      client.destroy();
      https?.destroy();
    },
  };
}
