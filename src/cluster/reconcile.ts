import { noLeaderAnywhere } from '../etcd/cluster-scan.js';
import type { DesiredPassword } from '../charm/credentials.js';
import { currentPassword, desiredPassword, ensureCredentialsSecret, rootCredentials } from '../charm/credentials.js';
import type { HealthRecord } from '../etcd/health-record.js';
import type { Member } from '../etcd/membership.js';
import { publishHealth, probeSelf } from './health-step.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { clusterEndpoints } from '../charm/charm-hook.js';
import { ensureSnap } from './install.js';
import { leaderMembership, rotatePassword } from './leader-step.js';
import type { MemberContext } from './first-start.js';
import { bootstrap, join } from './first-start.js';
import { ETCD_SERVICE } from '../etcd/paths.js';
import { APP_KEYS, PEER_ENDPOINT, UNIT_KEYS, clientTlsSettled } from '../charm/peers.js';
import type { AppState, UnitState } from '../charm/peers.js';
import type { CharmStatus } from '../charm/status.js';
import type { RefreshOutcome } from '../refresh/step.js';
import { refreshConfigFile, rollingRestart, selfHeal } from './running-member.js';
import { switchTls } from './tls-switch.js';
import { followAddress, publishFirstAddress } from './address-change.js';
import { CLIENT_ENDPOINT } from '../clients/endpoint.js';
import { CLIENT_CAS_ENDPOINT } from '../tls/endpoints.js';
import type { UpkeepResult } from './running-member.js';
import type { MemberRecord } from '../charm/status.js';
import { STATUS, clusterAppStatus, malformedPeerData, pickStatus } from '../charm/status.js';
import { restoreGate } from '../backup/restore-gate.js';
import { cancelOrphanedDowngrade } from '../refresh/orphaned-downgrade.js';

export const CLIENT_PORT_SPEC = '2379/tcp';

/** reconcile's status candidates, in priority order, and the leader's cluster-wide app status. */
export interface ReconcileStatuses {
  readonly unit: readonly (CharmStatus | undefined)[];
  readonly app: CharmStatus | undefined;
  readonly isLeader: boolean;
  /** Why this hook must fail so that Juju retries it (a restore step that failed). */
  readonly retry?: string | undefined;
}

/**
 * Converges this unit towards its desired state, taking at most one safe
 * step of each kind; safe to run twice and to be killed at any line. Runs
 * for every hook except actions and teardown. Returns its status candidates
 * (the router resolves them once, in src/charm/status-resolver.ts).
 */
export async function reconcile(scope: CharmHook, refresh: RefreshOutcome): Promise<ReconcileStatuses> {
  const { model, log, effects } = scope;
  const event = model.context.event;
  const isUpdateStatus = event.kind === 'hook' && event.name === 'update-status';
  const isLeader = await model.isLeader();
  const statuses: (CharmStatus | undefined)[] = [];
  let appStatus: CharmStatus | undefined;
  let restartedUnhealthy = false;
  const finish = (): ReconcileStatuses => ({ unit: statuses, app: appStatus, isLeader });
  const upkeep = (result: UpkeepResult): void => {
    statuses.push(result.status);
    if (result.restartedUnhealthy) restartedUnhealthy = true;
  };

  const parsed = await scope.config();
  const configStatus: CharmStatus | undefined = parsed.ok ? undefined : { name: 'blocked', message: parsed.message };

  const snap = await ensureSnap(scope);
  if (!snap.ok) {
    statuses.push(snap.status);
    return finish();
  }
  statuses.push(configStatus);
  const relation = await scope.peer();
  if (relation !== undefined) scope.prefetchPeerData(relation);
  // The hook that started this member opened the port (Juju committed both) and only this
  // charm closes it, so a quiet update-status skips `opened-ports`.
  const portOpen = isUpdateStatus && relation !== undefined && (await scope.own(relation)).started;
  if (!portOpen) await model.openPort(CLIENT_PORT_SPEC);

  if (relation === undefined) {
    statuses.push({ name: 'maintenance', message: STATUS.noPeerRelation });
    return finish();
  }
  let self = await scope.self();
  publishFirstAddress(relation, await scope.own(relation), await scope.networkAddress());
  // A restore replaces the cluster: while it runs, nothing below may touch etcd.
  const restore = await restoreGate(scope, relation);
  statuses.push(restore.unit);
  if (restore.holds) {
    appStatus = restore.app;
    return { ...finish(), retry: restore.retry };
  }
  let app = await scope.app(relation);
  const own = await scope.own(relation);
  const peers = await scope.peers(relation);
  const badClusterState = app.malformed.includes(APP_KEYS.clusterState);
  if (app.clusterState === undefined && (own.started || badClusterState)) {
    // A cluster exists (this member ran in it) or may exist: never bootstrap over it.
    if (isLeader && own.started) {
      log.warn(`${APP_KEYS.clusterState} in the peer app databag is ${badClusterState ? 'malformed' : 'missing'}; this member runs in a cluster, so restoring it to "existing"`);
      relation.localAppData.set(APP_KEYS.clusterState, 'existing');
      app = { ...app, clusterState: 'existing', malformed: app.malformed.filter((k) => k !== APP_KEYS.clusterState) };
    } else if (badClusterState) {
      statuses.push({ name: 'blocked', message: malformedPeerData('application', [APP_KEYS.clusterState]) });
    }
  }

  let desired: DesiredPassword = { ok: true, password: undefined };
  if (isLeader && parsed.ok) desired = await desiredPassword(model, parsed.config.systemUsers, log);
  if (!desired.ok) statuses.push(desired.status);

  let password = await currentPassword(model, app);
  const rootOf = (p: string | undefined) => (p === undefined ? undefined : rootCredentials(p));

  if (app.rebuild !== undefined) {
    // rebuild-cluster under way: while units stop, nothing else runs (no self-heal, no membership change).
    if (!parsed.ok) {
      statuses.push({ name: 'blocked', message: STATUS.rebuilding });
      return finish();
    }
    const { rebuildStep } = await import('./rebuild.js');
    const step = await rebuildStep({ scope, relation, self, own, app, config: parsed.config }, peers, isLeader, password);
    statuses.push(...step.statuses);
    app = step.app;
    if (isLeader) appStatus = step.statuses[0];
    if (step.halt) return finish();
  } else if (own.rebuildStopped !== undefined) {
    relation.localUnitData.set(UNIT_KEYS.rebuildStopped, undefined);
  }

  // TLS first: a member that has not started takes its files now and starts with them; a started one may switch.
  let tlsBusy = false;
  if (parsed.ok) {
    const tls = await switchTls({ scope, relation, self, own, app, config: parsed.config }, peers, scope.client(clusterEndpoints(self, peers), rootOf(password)), refresh.inProgress);
    statuses.push(...tls.statuses);
    if (tls.restartedUnhealthy) restartedUnhealthy = true;
    tlsBusy = !tls.readyToStart;
    self = await scope.self();
    // The machine's address changed: the member follows it when its turn comes (address-change.ts).
    const moved = await followAddress({ scope, relation, self, own: await scope.own(relation), app, config: parsed.config }, peers, scope.client(clusterEndpoints(self, peers), rootOf(password)), refresh.inProgress);
    statuses.push(...moved.statuses);
    if (moved.restartedUnhealthy) restartedUnhealthy = true;
    self = await scope.self();
  }
  const member: MemberContext | undefined = parsed.ok ? { scope, relation, self, own: await scope.own(relation), app, config: parsed.config } : undefined;

  if (app.clusterState === undefined) {
    if (badClusterState) {
      // Said above: nothing is safe to do until the leader restores it.
    } else if (!isLeader) statuses.push({ name: 'waiting', message: 'Waiting for cluster initialization' });
    else if (member !== undefined && desired.ok && !tlsBusy) {
      const initial = desired.password ?? password ?? effects.generatePassword();
      const creds = await ensureCredentialsSecret(model, relation, app, initial);
      password = creds.password;
      statuses.push(await bootstrap({ ...member, app: { ...app, credentialsSecret: creds.uri } }, creds.password));
    }
  } else if (!own.started) {
    if (member !== undefined && !tlsBusy) statuses.push(await join(member, password));
  }

  const endpoints = clusterEndpoints(self, peers);
  const client = scope.client(endpoints, rootOf(password));
  if (member !== undefined && own.started && app.clusterState !== undefined) {
    if (isUpdateStatus && !refresh.inProgress) upkeep(await selfHeal(member, client));
    await refreshConfigFile(member);
    // One kind of rolling restart at a time: a config change waits while TLS is being switched.
    if (!tlsBusy) upkeep(await rollingRestart(member, peers, client, refresh.inProgress));
  }

  const startedNow = (await scope.own(relation)).started;
  let record: HealthRecord | undefined;
  let members: readonly Member[] | undefined;
  let majorityLost = false;
  let downgradeTarget: string | undefined;
  if (startedNow) {
    const probe = await probeSelf(client, self.clientUrl, snap.revision);
    record = probe.record;
    members = probe.raw.members;
    downgradeTarget = probe.raw.status?.downgradeTarget;
    if (probe.raw.authFailed === true) {
      // The leader changed the password after this hook read it; its commit wakes this unit again.
      log.info('etcd refused the root password this hook read; waiting for the new one');
      statuses.push({ name: 'waiting', message: STATUS.waitingForPassword });
    } else {
      // The workload version shown by `juju status` is the refresh library's (the pinned version).
      publishHealth(relation, own, record);
    }
    if (!record.healthy && probe.raw.authFailed !== true) {
      const noLeader = probe.raw.status === undefined || probe.raw.status.leaderId === undefined;
      if (noLeader && app.clusterMembers.length >= 2 && (await noLeaderAnywhere(client, endpoints))) {
        majorityLost = true;
        statuses.push({ name: 'blocked', message: STATUS.majorityLost });
      } else if (restartedUnhealthy) {
        // Already said: this hook restarted it and it did not come back.
      } else if (probe.raw.status === undefined && !(await effects.snap.isActive(ETCD_SERVICE))) {
        statuses.push({ name: 'blocked', message: STATUS.serviceNotRunning });
      } else if (record.is_learner) {
        statuses.push({ name: 'maintenance', message: STATUS.waitingToPromote });
      } else {
        log.warn(`${self.name} is unhealthy: ${record.problems.join(', ')}`);
        statuses.push({ name: 'maintenance', message: STATUS.healthCheckFailed });
      }
    }
  }

  if (isLeader && app.clusterState !== undefined && members !== undefined) {
    statuses.push(await leaderMembership({ scope, relation, self, own, app }, peers, client, members, { removeOrphans: isUpdateStatus }));
    if (!refresh.inProgress) await cancelOrphanedDowngrade(scope, client, downgradeTarget);
    if (desired.ok && desired.password !== undefined) {
      if (!refresh.inProgress) statuses.push(await rotatePassword({ scope, relation, self, own, app }, endpoints, desired.password));
      else if (password !== undefined && password !== desired.password) {
        log.info('root password change deferred until the refresh is over');
        statuses.push({ name: 'waiting', message: STATUS.passwordWaitsForRefresh });
      }
    }
  }

  let clientStatuses: readonly CharmStatus[] = [];
  let trustChanged = false;
  if (isLeader && startedNow && app.clusterState !== undefined && password !== undefined) {
    const clientRelations = await model.relations(CLIENT_ENDPOINT);
    if (app.rebuild !== undefined && clientRelations.length > 0) statuses.push({ name: 'waiting', message: 'Client relations wait for the rebuild to finish' });
    else if (clientRelations.length > 0 || Object.keys(app.managedUsers).length > 0) {
      const { serveClients } = await import('../clients/serve-clients.js');
      const context = { scope, relation, self, own: await scope.own(relation), app, peers, refreshInProgress: refresh.inProgress };
      const served = await serveClients(context, client, clientRelations);
      clientStatuses = served.statuses;
      statuses.push(...clientStatuses);
      trustChanged = served.trustChanged;
    }
  }
  if (isLeader && app.clusterState !== undefined) {
    const casRelations = await model.relations(CLIENT_CAS_ENDPOINT);
    if (casRelations.length > 0 || app.clientCas.length > 0) {
      const { syncClientCas } = await import('../tls/client-cas.js');
      const clientTlsEverywhere = clientTlsSettled(own, peers);
      const step = await syncClientCas(model, relation, app.clientCas, { refreshInProgress: refresh.inProgress, clientTlsEverywhere }, log);
      if (step.kind === 'recorded') trustChanged = true;
      else if (step.kind === 'deferred') statuses.push({ name: 'waiting', message: step.why === 'refresh' ? STATUS.tlsWaitsForRefresh : STATUS.tlsNotReady });
    }
  }
  if (trustChanged && member !== undefined && !tlsBusy) {
    // Juju wakes the other units, not the writer: the new bundle here, and this unit's restart if its turn has come.
    const next = { ...member, app: await scope.app(relation), own: await scope.own(relation) };
    await refreshConfigFile(next);
    upkeep(await rollingRestart(next, peers, client, refresh.inProgress));
  }

  if (isLeader && app.clusterState !== undefined) {
    const rebuilding: CharmStatus | undefined = app.rebuild === undefined ? undefined : { name: 'blocked', message: STATUS.rebuilding };
    const blocked = pickStatus([rebuilding, configStatus, desired.ok ? undefined : desired.status, ...clientStatuses.filter((st) => st.name === 'blocked')]);
    appStatus = clusterAppStatus({
      records: memberRecords(scope, self.name, record, peers),
      malformedPeerData: malformedPeerDataOf(scope, app, peers),
      majorityLost,
      blockedBy: blocked.name === 'blocked' ? blocked : undefined,
    });
  }
  return finish();
}

/** Peer data that breaks its rules, logged once per hook and reported in the app status (health records are judged apart). */
function malformedPeerDataOf(scope: CharmHook, app: AppState, peers: readonly UnitState[]): string | undefined {
  const found = [
    ...(app.malformed.length > 0 ? [{ who: 'application', keys: app.malformed }] : []),
    ...peers.filter((p) => p.malformed.length > 0).map((p) => ({ who: p.unit, keys: p.malformed })),
  ];
  for (const f of found) scope.log.warn(`${f.who} published malformed ${f.keys.join(', ')} in ${PEER_ENDPOINT}; those values are ignored`);
  const first = found[0];
  return first === undefined ? undefined : malformedPeerData(first.who, first.keys);
}

/** Health records of every member: this unit's fresh one and each started peer's published one. */
function memberRecords(scope: CharmHook, selfName: string, own: HealthRecord | undefined, peers: readonly UnitState[]): MemberRecord[] {
  const records: MemberRecord[] = [];
  if (own !== undefined) records.push({ unit: scope.model.unitName, memberName: selfName, health: { ok: true, record: own } });
  for (const p of peers) {
    if (!p.started && p.health === undefined) continue;
    if (p.health?.ok === false) scope.log.warn(`${p.unit} published a malformed health record: ${p.health.error}`);
    records.push({ unit: p.unit, memberName: p.memberName, health: p.health });
  }
  return records;
}
