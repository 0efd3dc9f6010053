/**
 * Carries out the gate and this unit's member steps as planned (plan.ts),
 * through the step modules. Steps change what later ones read: a TLS switch
 * or an address move changes this unit's URLs (scope.self() again), steps
 * stage bag writes (scope.own() again, a parse of the cached bag, no tool call).
 */
import type { CharmHook, SelfMember } from '../../charm/charm-hook.js';
import { clusterEndpoints } from '../../charm/charm-hook.js';
import { ensureCredentialsSecret, rootCredentials } from '../../charm/credentials.js';
import type { AppState, UnitState } from '../../charm/peers.js';
import { APP_KEYS, UNIT_KEYS } from '../../charm/peers.js';
import type { CharmStatus } from '../../charm/status.js';
import { STATUS } from '../../charm/status.js';
import type { EtcdApi } from '../../etcd/api.js';
import type { MemberContext } from '../first-start.js';
import { bootstrap, join } from '../first-start.js';
import { refreshConfigFile, rollingRestart, selfHeal } from '../running-member.js';
import type { UpkeepResult } from '../running-member.js';
import { switchTls } from '../tls-switch.js';
import { followAddress } from '../address-change.js';
import type { PeeredSnapshot } from './observe.js';
import type { MemberPlan } from './plan.js';

/** The rebuild stopped this hook here: nothing else runs. */
export interface Halted {
  readonly halted: true;
  readonly statuses: (CharmStatus | undefined)[];
  readonly appStatus: CharmStatus | undefined;
}

/** Where the member's steps left this unit, for the running stage. */
export interface MemberOutcome {
  readonly halted: false;
  readonly statuses: (CharmStatus | undefined)[];
  /** The leader's app status from the rebuild step, unless the running stage sets one. */
  readonly appStatus: CharmStatus | undefined;
  readonly app: AppState;
  /** This unit's bag before the member's steps (with its first `private_ip`). */
  readonly own: UnitState;
  readonly self: SelfMember;
  readonly member: MemberContext | undefined;
  readonly tlsBusy: boolean;
  readonly restartedUnhealthy: boolean;
  readonly password: string | undefined;
  readonly endpoints: readonly string[];
  readonly client: EtcdApi;
}

export const rootOf = (p: string | undefined) => (p === undefined ? undefined : rootCredentials(p));

export async function applyMember(scope: CharmHook, s: PeeredSnapshot, plan: MemberPlan): Promise<Halted | MemberOutcome> {
  const { model, log, effects } = scope;
  const { relation, peers, isLeader, refreshInProgress } = s;
  const config = s.config.ok ? s.config.config : undefined;
  const statuses: (CharmStatus | undefined)[] = [...plan.statuses];
  let app = plan.app;
  let self = s.self;
  let password = s.password;
  let appStatus: CharmStatus | undefined;
  let restartedUnhealthy = false;
  let tlsBusy = false;
  // This unit's bag with its first `private_ip` staged: what the steps start from.
  const own = await scope.own(relation);
  const upkeep = (result: UpkeepResult): void => {
    statuses.push(result.status);
    if (result.restartedUnhealthy) restartedUnhealthy = true;
  };

  if (plan.repairClusterState) {
    const bad = s.app.malformed.includes(APP_KEYS.clusterState);
    log.warn(`${APP_KEYS.clusterState} in the peer app databag is ${bad ? 'malformed' : 'missing'}; this member runs in a cluster, so restoring it to "existing"`);
    relation.localAppData.set(APP_KEYS.clusterState, 'existing');
  }

  if (plan.rebuild === 'blocked') {
    statuses.push({ name: 'blocked', message: STATUS.rebuilding });
    return { halted: true, statuses, appStatus };
  }
  if (plan.rebuild === 'step' && config !== undefined) {
    // Loaded only while a rebuild runs.
    const { rebuildStep } = await import('../rebuild.js');
    const step = await rebuildStep({ scope, relation, self, own, app, config }, peers, isLeader, password);
    statuses.push(...step.statuses);
    app = step.app;
    if (isLeader) appStatus = step.statuses[0];
    if (step.halt) return { halted: true, statuses, appStatus };
  } else if (plan.rebuild === 'clear-stopped') {
    relation.localUnitData.set(UNIT_KEYS.rebuildStopped, undefined);
  }

  if (plan.memberSteps && config !== undefined) {
    // TLS first: a member that has not started takes its files now and starts with them; a started one may switch.
    const tls = await switchTls({ scope, relation, self, own, app, config }, peers, scope.client(clusterEndpoints(self, peers), rootOf(password)), refreshInProgress);
    statuses.push(...tls.statuses);
    if (tls.restartedUnhealthy) restartedUnhealthy = true;
    tlsBusy = !tls.readyToStart;
    self = await scope.self();
    // The machine's address changed: the member follows it when its turn comes (address-change.ts).
    const moved = await followAddress({ scope, relation, self, own: await scope.own(relation), app, config }, peers, scope.client(clusterEndpoints(self, peers), rootOf(password)), refreshInProgress);
    statuses.push(...moved.statuses);
    if (moved.restartedUnhealthy) restartedUnhealthy = true;
    self = await scope.self();
  }
  const member: MemberContext | undefined = config === undefined ? undefined : { scope, relation, self, own: await scope.own(relation), app, config };

  if (plan.firstStart === 'await-init') statuses.push({ name: 'waiting', message: STATUS.waitingForInit });
  else if (plan.firstStart === 'bootstrap' && member !== undefined && !tlsBusy) {
    const initial = (s.desired.ok ? s.desired.password : undefined) ?? password ?? effects.generatePassword();
    const creds = await ensureCredentialsSecret(model, relation, app, initial);
    password = creds.password;
    statuses.push(await bootstrap({ ...member, app: { ...app, credentialsSecret: creds.uri } }, creds.password));
  } else if (plan.firstStart === 'join' && member !== undefined && !tlsBusy) statuses.push(await join(member, password));

  // Every member this unit knows, with the password a bootstrap may just have made.
  const endpoints = clusterEndpoints(self, peers);
  const client = scope.client(endpoints, rootOf(password));
  if (plan.upkeep !== undefined && member !== undefined) {
    if (plan.upkeep.selfHeal) upkeep(await selfHeal(member, client));
    await refreshConfigFile(member);
    // One kind of rolling restart at a time: a config change waits while TLS is being switched.
    if (!tlsBusy) upkeep(await rollingRestart(member, peers, client, refreshInProgress));
  }
  return { halted: false, statuses, appStatus, app, own, self, member, tlsBusy, restartedUnhealthy, password, endpoints, client };
}
