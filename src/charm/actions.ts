import type { ActionEvent } from '../../lib/juju/index.js';
import { handleBackupAction } from '../backup/backup-actions.js';
import { scanMembers } from '../etcd/cluster-scan.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { probeSelf } from '../cluster/health-step.js';
import type { CharmHook } from './charm-hook.js';
import type { RefreshOutcome } from '../refresh/step.js';
import { installedRevision } from '../etcd/snap.js';
import { clusterAppStatus } from './status.js';
import type { MemberRecord } from './status.js';

/**
 * `health`: the cluster-wide view. Results: `healthy` (`true`/`false`),
 * `summary` (the application-status text, or "all N members healthy") and
 * `members`, a JSON string with, per member name, its unit, its published
 * health record (or why it is unusable) and a live status probe; and
 * `live-error` when no member could be probed live.
 */
async function healthAction(scope: CharmHook): Promise<void> {
  const action = scope.model.action!;
  const relation = await scope.peer();
  if (relation === undefined) return action.fail('no peer relation available');
  const self = await scope.self();
  const peers = await scope.peers(relation);
  const client = await scope.rootClient(relation, await scope.app(relation));
  const revision = (await installedRevision(scope.paths.snapCurrent)) ?? '';
  const own = await probeSelf(client, self.clientUrl, revision);

  const records: MemberRecord[] = [
    { unit: scope.model.unitName, memberName: self.name, health: { ok: true, record: own.record } },
    ...peers.map((p) => ({ unit: p.unit, memberName: p.memberName, health: p.health })),
  ];
  let live: Record<string, unknown> = {};
  let liveError: string | undefined;
  try {
    const members = own.raw.members ?? (await client.memberList());
    const scan = await scanMembers(client, members);
    live = Object.fromEntries(
      members.map((m) => {
        const s = scan.statuses.get(m.id);
        return [
          m.name || m.id,
          s === undefined
            ? { reachable: false, member_id: m.id }
            : { reachable: true, member_id: m.id, version: s.version, is_raft_leader: s.leaderId === m.id, is_learner: s.isLearner, raft_applied_index: s.raftAppliedIndex, has_leader: s.leaderId !== undefined },
        ];
      }),
    );
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    liveError = error.message;
  }
  const members = Object.fromEntries(
    records.map((r) => [
      r.memberName,
      {
        unit: r.unit,
        record: r.health === undefined ? null : r.health.ok ? r.health.record : { malformed: r.health.error },
        live: (live[r.memberName] as unknown) ?? null,
      },
    ]),
  );
  // A record is what the unit last published; a member that does not answer now is unhealthy whatever it said.
  const judged = records.map((r): MemberRecord => {
    const probe = live[r.memberName] as { reachable?: boolean } | undefined;
    if (r.health?.ok !== true || probe?.reachable !== false) return r;
    return { ...r, health: { ok: true, record: { ...r.health.record, healthy: false, problems: ['unreachable', ...r.health.record.problems] } } };
  });
  const status = clusterAppStatus({ records: judged, majorityLost: false });
  const healthy = status.name === 'active';
  action.setResults({
    healthy,
    summary: healthy ? `all ${records.length} members healthy` : status.message,
    members: JSON.stringify(members),
    // Why no member could be probed live (the records alone were judged).
    ...(liveError === undefined ? {} : { 'live-error': liveError }),
  });
}

/** Routes an action (the refresh step answers the refresh actions itself); an unknown one fails with a message naming it. */
export async function handleAction(scope: CharmHook, event: ActionEvent, refresh: RefreshOutcome): Promise<void> {
  switch (event.name) {
    case 'health':
      return healthAction(scope);
    case 'rebuild-cluster':
      return (await import('../cluster/rebuild.js')).rebuildClusterAction(scope);
    case 'restore':
      return (await import('../backup/restore-action.js')).restoreAction(scope, refresh.inProgress);
    default:
      if (!(await handleBackupAction(scope, event.name))) scope.model.action!.fail(`unknown action ${event.name}`);
  }
}
