import { randomUUID } from 'node:crypto';
import type { Relation } from '../../lib/juju/index.js';
import type { CharmConfig } from '../charm/charm-config.js';
import { restartHash } from '../charm/charm-config.js';
import { clientUrl } from '../etcd/config.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { configInput } from './etcd-config-input.js';
import type { EtcdApi } from '../etcd/api.js';
import type { CharmHook, SelfMember } from '../charm/charm-hook.js';
import { APP_KEYS, UNIT_KEYS, clientTrustExtras, formatClusterMembers } from '../charm/peers.js';
import type { AppState, UnitState } from '../charm/peers.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import type { CharmStatus } from '../charm/status.js';
import { STATUS } from '../charm/status.js';
import { judgeExistingData, writeMemberMarker, type MemberMarker } from './storage-reuse.js';
import { waitUntilReady, wipeMemberData, writeConfigIfChanged } from '../etcd/workload.js';
import { ROOT_USER, rootCredentials } from '../charm/credentials.js';
import { syncTrustBundle } from '../tls/files.js';

/** This unit's member: starting it for the first time (bootstrap or join). */

export interface MemberContext {
  readonly scope: CharmHook;
  readonly relation: Relation;
  readonly self: SelfMember;
  readonly own: UnitState;
  readonly app: AppState;
  readonly config: CharmConfig;
}

/**
 * Before a first start: data of this unit's own killed attempt is wiped (stop
 * etcd first); data of any other member stays, and the unit blocks naming
 * the storage (see storage-reuse.ts). Resolves with that status, or undefined
 * when the start may go on.
 */
async function checkExistingData(ctx: MemberContext): Promise<CharmStatus | undefined> {
  if (ctx.own.started) return undefined;
  const { paths } = ctx.scope;
  const verdict = await judgeExistingData(paths, markerOf(ctx));
  if (verdict === 'empty') return undefined;
  if (verdict === 'foreign') {
    ctx.scope.log.error(
      `${paths.memberDir} holds etcd data this unit did not write (storage reused from another member or cluster); ` +
        'the charm does not delete it. Move it away (or detach the storage and attach an empty one); the next hook (at the latest update-status) starts the member.',
    );
    return { name: 'blocked', message: STATUS.foreignData };
  }
  ctx.scope.log.info(`wiping etcd data of this unit's own interrupted start in ${paths.memberDir} before starting`);
  await ctx.scope.effects.snap.stop(ETCD_SERVICE, { disable: true });
  await wipeMemberData(paths);
  return undefined;
}

const markerOf = (ctx: MemberContext): MemberMarker => ({ unit: ctx.scope.model.unitName, 'peer-relation-id': ctx.relation.id });

/** Writes the config and starts etcd, recording `state=started` and the tuning it runs with. */
async function startMember(ctx: MemberContext, state: 'new' | 'existing'): Promise<void> {
  const { scope, self, app, config } = ctx;
  const members = state === 'new' ? [{ name: self.name, peerUrl: self.peerUrl }] : app.clusterMembers;
  await writeConfigIfChanged(scope.paths, await configInput(scope, self, config.tuning, { members, state, token: app.clusterToken }));
  await writeMemberMarker(scope.paths, markerOf(ctx));
  await syncClientTrust(ctx);
  await scope.effects.snap.start(ETCD_SERVICE, { enable: true });
  ctx.relation.localUnitData.update({ [UNIT_KEYS.state]: 'started', [UNIT_KEYS.configHash]: restartHash(config.tuning, clientTrustExtras(app)) });
}

/** The client trust bundle as the app bag asks (etcd-client requirers' leaves); resolves true when it changed on disk. */
export const syncClientTrust = (ctx: MemberContext): Promise<boolean> => syncTrustBundle(ctx.scope.effects.root, 'client', clientTrustExtras(ctx.app));

/**
 * Turns on auth with a `root` user holding the root role; a no-op when it is on.
 * @throws EtcdError when etcd refuses.
 */
export async function enableAuth(client: EtcdApi, password: string): Promise<void> {
  if ((await client.authStatus()).enabled) return;
  try {
    await client.userAdd(ROOT_USER, password);
  } catch (error) {
    if (!(error instanceof EtcdError && /already exists/.test(error.message))) throw error;
  }
  await client.userGrantRole(ROOT_USER, 'root');
  await client.authEnable();
}

/**
 * Leader, no cluster yet: starts a one-member cluster, enables auth, then
 * records the cluster in the app bag. Each part is idempotent, so a hook
 * killed anywhere redoes only what is missing.
 */
export async function bootstrap(ctx: MemberContext, password: string): Promise<CharmStatus | undefined> {
  const { scope, relation, self } = ctx;
  const token = ctx.app.clusterToken ?? `etcd-cluster-${randomUUID()}`;
  relation.localAppData.set(APP_KEYS.clusterToken, token);
  const app = { ...ctx.app, clusterToken: token };
  const existing = await checkExistingData(ctx);
  if (existing !== undefined) return existing;
  scope.log.info(`bootstrapping a new etcd cluster with ${self.name}`);
  await startMember({ ...ctx, app }, 'new');
  const client = scope.client([self.clientUrl], { user: ROOT_USER, password });
  const ready = await waitUntilReady(client, self.clientUrl, scope.effects);
  if (ready === undefined) return { name: 'maintenance', message: STATUS.initializing };
  try {
    await enableAuth(client, password);
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    scope.log.error(`enabling authentication failed: ${error.message}`);
    return { name: 'blocked', message: STATUS.authEnableFailed };
  }
  relation.localAppData.update({
    [APP_KEYS.clusterState]: 'existing',
    [APP_KEYS.clusterMembers]: formatClusterMembers([{ name: self.name, peerUrl: self.peerUrl }]),
    [APP_KEYS.authentication]: 'enabled',
  });
  scope.log.info(`etcd cluster bootstrapped with ${self.name}; authentication enabled`);
  return undefined;
}

/**
 * A unit the leader added (its member is in `cluster_members`) starts etcd
 * with `initial-cluster-state: existing`; until then it waits. Readiness is
 * polled as root (`password`) through every member in `cluster_members`:
 * auth is on once the cluster exists, etcd 3.5 refuses an unauthenticated
 * status request, and a learner cannot authenticate by itself (another
 * member issues the token). This hook may not see any peer unit yet.
 */
export async function join(ctx: MemberContext, password: string | undefined): Promise<CharmStatus | undefined> {
  const { scope, self, app } = ctx;
  if (!app.clusterMembers.some((m) => m.peerUrl === self.peerUrl)) {
    return { name: 'maintenance', message: STATUS.waitingToJoin };
  }
  const existing = await checkExistingData(ctx);
  if (existing !== undefined) return existing;
  scope.log.info(`joining the etcd cluster as ${self.name}`);
  await startMember(ctx, 'existing');
  // Each member under the scheme this unit's client side uses first, then the other: during a client TLS switch both exist.
  const schemes = [self.clientTls, !self.clientTls];
  const others = app.clusterMembers.flatMap((m) => schemes.map((tls) => clientUrl(new URL(m.peerUrl).hostname, tls))).filter((url) => url !== self.clientUrl);
  const client = scope.client([self.clientUrl, ...others], password === undefined ? undefined : rootCredentials(password));
  const ready = await waitUntilReady(client, self.clientUrl, scope.effects);
  return ready === undefined ? { name: 'maintenance', message: STATUS.waitingForStart } : undefined;
}
