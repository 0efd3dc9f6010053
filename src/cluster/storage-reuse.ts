import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { UnitPaths } from '../etcd/paths.js';
import { hasMemberData } from '../etcd/workload.js';

/**
 * Data found on the `data` storage before this unit's member ever started
 * is either this very unit's (a hook killed between starting etcd and
 * recording `state=started`) or another member's (storage reused from a
 * removed unit or an earlier application). The first is safe to wipe: such a
 * member was never promoted to a voter. The second is never wiped by the
 * charm: the operator decides. A marker file written before every first start
 * tells them apart; it travels with the storage.
 */

const MarkerSchema = z.object({ unit: z.string(), 'peer-relation-id': z.number().int() });
export type MemberMarker = z.infer<typeof MarkerSchema>;

/** Records that `marker.unit` of the peer relation is about to start etcd on this data. */
export async function writeMemberMarker(paths: UnitPaths, marker: MemberMarker): Promise<void> {
  await writeFile(paths.memberMarker, `${JSON.stringify(marker)}\n`, { mode: 0o644 });
}

async function readMemberMarker(paths: UnitPaths): Promise<MemberMarker | undefined> {
  try {
    const parsed = MarkerSchema.safeParse(JSON.parse(await readFile(paths.memberMarker, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type DataVerdict = 'empty' | 'own-attempt' | 'foreign';

/** What the data storage holds for a unit that has not started its member yet. */
export async function judgeExistingData(paths: UnitPaths, self: MemberMarker): Promise<DataVerdict> {
  if (!(await hasMemberData(paths))) return 'empty';
  const marker = await readMemberMarker(paths);
  return marker?.unit === self.unit && marker['peer-relation-id'] === self['peer-relation-id'] ? 'own-attempt' : 'foreign';
}
