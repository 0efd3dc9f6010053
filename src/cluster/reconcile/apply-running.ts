/**
 * The running stage: with the member's steps done, probe it (observeRunning),
 * plan the rest (planRunning, judgeHealth) and carry it out: its health
 * record, the leader's membership and password steps, clients, client CAs,
 * the restart a new trust bundle asks for, and the leader's app status.
 */
import type { CharmHook } from '../../charm/charm-hook.js';
import { clientTlsSettled } from '../../charm/peers.js';
import type { CharmStatus } from '../../charm/status.js';
import { STATUS } from '../../charm/status.js';
import { noLeaderAnywhere } from '../../etcd/cluster-scan.js';
import { ETCD_SERVICE } from '../../etcd/paths.js';
import { cancelOrphanedDowngrade } from '../../refresh/orphaned-downgrade.js';
import { publishHealth } from '../health-step.js';
import { leaderMembership, rotatePassword } from '../leader-step.js';
import { refreshConfigFile, rollingRestart } from '../running-member.js';
import { leaderAppStatus } from './app-status.js';
import type { MemberOutcome } from './apply-member.js';
import type { PeeredSnapshot } from './observe.js';
import { observeRunning } from './observe.js';
import type { HealthFacts, ReconcileStatuses } from './plan.js';
import { HEALTH_STATUS, configStatusOf, judgeHealth, needsMajorityCheck, needsServiceCheck, planRunning } from './plan.js';

export async function applyRunning(scope: CharmHook, s: PeeredSnapshot, m: MemberOutcome): Promise<ReconcileStatuses> {
  const { model, log, effects } = scope;
  const { relation, peers, isLeader, refreshInProgress } = s;
  const { statuses, app, own, self, client, endpoints } = m;
  const running = await observeRunning(scope, relation, { client, self, snapRevision: s.snapRevision, leaderOfCluster: isLeader && app.clusterState !== undefined, hasPassword: m.password !== undefined });
  const members = running.probe?.raw.members;

  let majorityLost = false;
  if (running.probe !== undefined) {
    const { raw, record } = running.probe;
    const facts: HealthFacts = {
      healthy: record.healthy,
      authFailed: raw.authFailed === true,
      statusAnswered: raw.status !== undefined,
      noLeader: raw.status === undefined || raw.status.leaderId === undefined,
      isLearner: record.is_learner,
      clusterMembers: app.clusterMembers.length,
      restartedUnhealthy: m.restartedUnhealthy,
    };
    if (facts.authFailed) log.info('etcd refused the root password this hook read; waiting for the new one');
    // The workload version shown by `juju status` is the refresh library's (the pinned version).
    else publishHealth(relation, own, record);
    majorityLost = needsMajorityCheck(facts) && (await noLeaderAnywhere(client, endpoints));
    const serviceActive = needsServiceCheck(facts, majorityLost) ? await effects.snap.isActive(ETCD_SERVICE) : true;
    const verdict = judgeHealth(facts, { majorityLost, serviceActive });
    if (verdict === 'unhealthy') log.warn(`${self.name} is unhealthy: ${record.problems.join(', ')}`);
    const status = HEALTH_STATUS[verdict];
    if (status !== undefined) statuses.push(status);
  }

  const plan = planRunning({
    isLeader,
    isUpdateStatus: s.isUpdateStatus,
    refreshInProgress,
    app,
    started: running.started,
    membersKnown: members !== undefined,
    desired: s.desired,
    password: m.password,
    clientRelations: running.clientRelations.length,
    casRelations: running.casRelations.length,
  });

  if (plan.leader !== undefined && members !== undefined) {
    const ctx = { scope, relation, self, own, app };
    statuses.push(await leaderMembership(ctx, peers, client, members, { removeOrphans: plan.leader.removeOrphans }));
    if (plan.leader.cancelDowngrade) await cancelOrphanedDowngrade(scope, client, running.probe?.raw.status?.downgradeTarget);
    if (plan.leader.password === 'rotate' && plan.leader.desiredPassword !== undefined) statuses.push(await rotatePassword(ctx, endpoints, plan.leader.desiredPassword));
    else if (plan.leader.password === 'defer') {
      log.info('root password change deferred until the refresh is over');
      statuses.push({ name: 'waiting', message: STATUS.passwordWaitsForRefresh });
    }
  }

  let clientStatuses: readonly CharmStatus[] = [];
  let trustChanged = false;
  if (plan.clients === 'wait-rebuild') statuses.push({ name: 'waiting', message: STATUS.clientsWaitForRebuild });
  else if (plan.clients === 'serve') {
    // Loaded only where there are clients to serve.
    const { serveClients } = await import('../../clients/serve-clients.js');
    const context = { scope, relation, self, own: await scope.own(relation), app, peers, refreshInProgress };
    const served = await serveClients(context, client, running.clientRelations);
    clientStatuses = served.statuses;
    statuses.push(...clientStatuses);
    trustChanged = served.trustChanged;
  }
  if (plan.clientCas) {
    const { syncClientCas } = await import('../../tls/client-cas.js');
    const step = await syncClientCas(model, relation, app.clientCas, { refreshInProgress, clientTlsEverywhere: clientTlsSettled(own, peers) }, log);
    if (step.kind === 'recorded') trustChanged = true;
    else if (step.kind === 'deferred') statuses.push({ name: 'waiting', message: step.why === 'refresh' ? STATUS.tlsWaitsForRefresh : STATUS.tlsNotReady });
  }
  if (trustChanged && m.member !== undefined && !m.tlsBusy) {
    // Juju wakes the other units, not the writer: the new bundle here, and this unit's restart if its turn has come.
    const next = { ...m.member, app: await scope.app(relation), own: await scope.own(relation) };
    await refreshConfigFile(next);
    statuses.push((await rollingRestart(next, peers, client, refreshInProgress)).status);
  }

  let appStatus = m.appStatus;
  if (plan.appStatus) {
    const blockers = [configStatusOf(s), s.desired.ok ? undefined : s.desired.status, ...clientStatuses.filter((st) => st.name === 'blocked')];
    appStatus = leaderAppStatus(scope, { self, app, peers, record: running.probe?.record, majorityLost, blockers });
  }
  return { unit: statuses, app: appStatus, isLeader };
}
