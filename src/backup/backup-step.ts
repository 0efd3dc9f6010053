/**
 * The backup side of an ordinary hook: read the `s3-credentials` relation,
 * ask for the bucket (leader), check that the parameters reach it when they
 * changed (leader; loads the S3 SDK only then), and return a status
 * candidate: blocked, naming what is wrong, when backups cannot work.
 */
import type { CharmHook } from '../charm/charm-hook.js';
import type { CharmStatus } from '../charm/status.js';
import { BUCKET_CHECK_KEY, shouldRecheck, storedBucketCheck } from './bucket-check.js';
import type { BucketCheck } from './bucket-check.js';
import { ObjectStoreError } from './object-store.js';
import { describeProblems, paramsFingerprint } from './s3-params.js';
import type { S3Params } from './s3-params.js';
import { readS3Relation, writeRequest } from './s3-relation.js';
import { invalidCredentials } from './texts.js';

/** Checks the bucket; never throws for what the server says (that is the check's answer). */
export async function checkBucket(scope: CharmHook, params: S3Params): Promise<BucketCheck> {
  const fingerprint = paramsFingerprint(params);
  const store = await scope.effects.objectStore(params);
  try {
    const outcome = await store.ensureBucket();
    scope.log.info(outcome === 'created' ? `created bucket ${params.bucket} on ${params.endpoint}` : `using existing bucket ${params.bucket} on ${params.endpoint}`);
    return { fingerprint, ok: true };
  } catch (error) {
    if (!(error instanceof ObjectStoreError)) throw error;
    scope.log.warn(`the s3 credentials do not reach bucket ${params.bucket} on ${params.endpoint}: ${error.message}`);
    return { fingerprint, ok: false, message: error.summary };
  } finally {
    store.close();
  }
}

/** The backup status candidate of this hook (undefined: nothing to say). */
export async function backupStep(scope: CharmHook): Promise<CharmStatus | undefined> {
  const { model } = scope;
  const isLeader = await model.isLeader();
  const peer = await scope.peer();
  const s3 = await readS3Relation(model);
  if (s3 === undefined) {
    // Relation gone: forget the last check, so a new relation starts afresh.
    if (isLeader && peer !== undefined && (await peer.localAppData.get(BUCKET_CHECK_KEY)) !== undefined) peer.localAppData.set(BUCKET_CHECK_KEY, undefined);
    return undefined;
  }
  const event = model.context.event;
  // The request only needs writing when the relation or the leader is new (a read of our own bag otherwise).
  if (isLeader && event.kind === 'hook' && /^(?:s3-credentials-relation-(?:created|joined|changed)|leader-elected|upgrade-charm)$/.test(event.name)) await writeRequest(s3.relation);
  if (!s3.read.ok) {
    scope.log.warn(`${invalidCredentials(describeProblems(s3.read.problems))} (relation ${s3.relation.idString})`);
    return { name: 'blocked', message: invalidCredentials(describeProblems(s3.read.problems)) };
  }
  if (peer === undefined) return undefined;
  const fingerprint = paramsFingerprint(s3.read.params);
  let check = await storedBucketCheck(peer.localAppData);
  if (isLeader && event.kind === 'hook' && shouldRecheck(event.name, check, fingerprint)) {
    check = await checkBucket(scope, s3.read.params);
    peer.localAppData.set(BUCKET_CHECK_KEY, JSON.stringify(check));
  }
  if (check === undefined || check.fingerprint !== fingerprint) return undefined; // the leader has not checked these yet
  return check.ok ? undefined : { name: 'blocked', message: invalidCredentials(check.message ?? 'refused') };
}
