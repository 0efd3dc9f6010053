import type { EtcdApi } from '../etcd/api.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { cancelDowngrade, orphanedDowngrade } from './downgrade.js';
import { installedEtcdVersion } from './installed-etcd.js';

/**
 * The leader's cleanup, once no refresh is in progress: cancels an etcd
 * downgrade that aims below the etcd every unit now runs (see
 * {@link orphanedDowngrade}). `downgradeTarget` is what this hook's own probe
 * of its member reported, so a quiet hook costs no extra call. A cancel etcd
 * refuses is logged and retried by a later hook.
 */
export async function cancelOrphanedDowngrade(scope: CharmHook, client: EtcdApi, downgradeTarget: string | undefined): Promise<void> {
  if (downgradeTarget === undefined) return;
  const running = await installedEtcdVersion(scope);
  if (!orphanedDowngrade(downgradeTarget, running)) return;
  scope.log.warn(`etcd has a downgrade to ${downgradeTarget} enabled that no unit carries out (every unit runs ${running ?? '?'}): cancelling it`);
  try {
    await cancelDowngrade(client);
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    scope.log.warn(`could not cancel the etcd downgrade: ${error.message}`);
  }
}
