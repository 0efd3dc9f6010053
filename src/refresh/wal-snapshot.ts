import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CharmHook } from '../charm/charm-hook.js';
import { showProgress } from '../charm/status-resolver.js';
import { STATUS } from '../charm/status.js';
import type { MemberContext } from '../cluster/first-start.js';
import { refreshConfigFile, restartMember } from '../cluster/running-member.js';
import type { EtcdApi } from '../etcd/api.js';
import { walReplayRefusal, walSnapshotFailedRefusal } from './compat.js';

/**
 * etcd 3.7 panics replaying the v2 entries etcd 3.5 wrote when they follow a
 * member's latest snapshot (compat.ts walReplayRefusal). A 3.6 snapshot taken
 * after them ends that: 3.6 snapshots once more than `snapshot-count` entries
 * were applied since the last one, so one start with `snapshot-count: 1`
 * takes one at once (measured: tests/integration/etcd/downgrade.test.ts).
 * The charm's own 3.5 -> 3.6 refresh leaves every member so, and a 3.6
 * cluster writing little keeps them for a long time (10000 entries).
 */

/** How long the WAL may take to show the snapshot after the restart. */
export const WAL_SNAPSHOT_TIMEOUT_MS = 30_000;

/** Which entries this unit last tried to clear, kept beside the data: a second try would restart etcd again for nothing. */
const markerOf = (scope: CharmHook): string => path.join(scope.paths.dataDir, '.charmed-etcd-wal-snapshot');

async function triedBefore(scope: CharmHook, key: string): Promise<boolean> {
  try {
    return (await readFile(markerOf(scope), 'utf8')).trim() === key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Polls the WAL until no entry 3.7 cannot replay follows a snapshot, or the deadline; resolves with what remains. */
async function waitForSnapshot(scope: CharmHook): Promise<readonly number[]> {
  const { walEntriesUnreplayableIn37 } = await import('../etcd/wal-read.js');
  const deadline = scope.effects.now() + WAL_SNAPSHOT_TIMEOUT_MS;
  for (;;) {
    const left = (await walEntriesUnreplayableIn37(scope.paths.memberDir)) ?? [];
    if (left.length === 0 || scope.effects.now() >= deadline) return left;
    await scope.effects.sleep(250);
  }
}

/**
 * Before this member moves from 3.6 (`installed`) to 3.7 (`target`): when its
 * WAL holds entries 3.7 cannot replay, restarts etcd 3.6 once with
 * `snapshot-count: 1` (raft leadership moved away first), waits for the
 * snapshot, and renders the usual config again (the snap refresh that follows
 * restarts etcd with it). Resolves with the text to refuse the refresh with
 * (etcd runs again as before), or undefined when 3.7 may start.
 */
export async function snapshotPast35Entries(
  ctx: MemberContext,
  client: EtcdApi,
  installed: string | undefined,
  target: string,
): Promise<string | undefined> {
  const { scope } = ctx;
  // Loaded on demand: only a 3.6 -> 3.7 refresh reads the WAL.
  const { walEntriesUnreplayableIn37 } = await import('../etcd/wal-read.js');
  const unreplayable = await walEntriesUnreplayableIn37(scope.paths.memberDir);
  if (walReplayRefusal(installed, target, unreplayable) === undefined) return undefined;
  if (await triedBefore(scope, (unreplayable ?? []).join(','))) return walSnapshotFailedRefusal(target, unreplayable ?? []);

  await showProgress(scope.model, { name: 'maintenance', message: STATUS.walSnapshot });
  scope.log.info(`etcd's WAL holds ${unreplayable?.length} etcd 3.5 entries 3.7 cannot replay: restarting etcd 3.6 with snapshot-count 1`);
  await refreshConfigFile(ctx, { snapshotCount: 1 });
  let left: readonly number[];
  try {
    left = (await restartMember(ctx, client)) ? await waitForSnapshot(scope) : (unreplayable ?? []);
  } finally {
    // The file says 10000 again at once; the running etcd keeps 1 until its next start, the snap refresh.
    await refreshConfigFile(ctx);
  }
  if (left.length === 0) {
    await rm(markerOf(scope), { force: true });
    scope.log.info('etcd 3.6 took a snapshot after the etcd 3.5 entries: etcd 3.7 can start on this data');
    return undefined;
  }
  scope.log.warn(`etcd 3.6 did not take a snapshot after the etcd 3.5 entries ${left.join(', ')}: restarting it with the usual config`);
  // Written once the try failed (a hook killed before tries again): later hooks refuse without restarting etcd.
  await writeFile(markerOf(scope), `${left.join(',')}\n`, { mode: 0o644 });
  await restartMember(ctx, client);
  return walSnapshotFailedRefusal(target, left);
}
