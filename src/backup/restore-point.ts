/**
 * The refresh's restore point off the machine: with `s3-credentials` related,
 * the snapshot a passing pre-refresh check saved is uploaded as an ordinary
 * backup (listed by `list-backups`, restorable with `restore`). Without the
 * relation the local snapshot is the restore point, as before.
 */
import type { CharmHook } from '../charm/charm-hook.js';
import type { MemberStatus } from '../etcd/client-types.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { backupIdAt } from './backup-list.js';
import { ObjectStoreError } from './object-store.js';
import { describeProblems } from './s3-params.js';
import { readS3Relation } from './s3-relation.js';
import { uploadSnapshot } from './upload-snapshot.js';

export type RestorePoint = { readonly kind: 'local' } | { readonly kind: 'uploaded'; readonly backupId: string } | { readonly kind: 'failed'; readonly reason: string };

/** `member` reads the status of the member the snapshot came from (its version and cluster id go in the metadata). */
export async function uploadRestorePoint(scope: CharmHook, file: string, member: () => Promise<MemberStatus>): Promise<RestorePoint> {
  const s3 = await readS3Relation(scope.model);
  if (s3 === undefined) return { kind: 'local' };
  // Related but unusable: the operator asked for backups there, so the check says so rather than going on without.
  if (!s3.read.ok) return { kind: 'failed', reason: `s3-credentials: ${describeProblems(s3.read.problems)}` };
  const backupId = backupIdAt(scope.effects.now());
  try {
    await uploadSnapshot(scope, s3.read.params, file, backupId, await member());
    return { kind: 'uploaded', backupId };
  } catch (error) {
    if (!(error instanceof EtcdError || error instanceof ObjectStoreError)) throw error;
    return { kind: 'failed', reason: error.message };
  }
}
