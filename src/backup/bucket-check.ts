/**
 * Whether the S3 parameters reach their bucket, as the leader last checked
 * (bucket created if missing). Kept in the peer application databag, keyed by
 * the parameters' fingerprint, so every unit shows the same status and the
 * check (a network round trip, and loading the S3 SDK) runs only when the
 * parameters change or the last check failed.
 */
import { z } from 'zod';
import type { Databag } from '../../lib/juju/index.js';

export const BUCKET_CHECK_KEY = 's3_bucket_check';

const checkSchema = z.object({ fingerprint: z.string(), ok: z.boolean(), message: z.string().optional() });
export type BucketCheck = z.infer<typeof checkSchema>;

/** The stored check; a malformed one reads as none (the leader checks again). */
export async function storedBucketCheck(bag: Databag): Promise<BucketCheck | undefined> {
  const raw = await bag.get(BUCKET_CHECK_KEY);
  if (raw === undefined || raw === '') return undefined;
  try {
    const parsed = checkSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Hooks after which the leader checks again even when the fingerprint is the same. */
export function shouldRecheck(hook: string, stored: BucketCheck | undefined, fingerprint: string): boolean {
  if (stored === undefined || stored.fingerprint !== fingerprint) return true;
  if (/^s3-credentials-relation-(?:created|joined|changed)$/.test(hook) || hook === 'secret-changed') return true;
  return !stored.ok && hook === 'update-status';
}
