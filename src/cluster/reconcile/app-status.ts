/** The leader's cluster-wide app status, from every member's health record and the peer data's faults. */
import type { CharmHook, SelfMember } from '../../charm/charm-hook.js';
import type { AppState, UnitState } from '../../charm/peers.js';
import { PEER_ENDPOINT } from '../../charm/peers.js';
import type { CharmStatus, MemberRecord } from '../../charm/status.js';
import { STATUS, clusterAppStatus, malformedPeerData, pickStatus } from '../../charm/status.js';
import type { HealthRecord } from '../../etcd/health-record.js';

export interface AppStatusInput {
  readonly self: SelfMember;
  readonly app: AppState;
  readonly peers: readonly UnitState[];
  /** This unit's fresh health record, when its member has started. */
  readonly record: HealthRecord | undefined;
  readonly majorityLost: boolean;
  /** Candidates that block the application when blocked (invalid config, bad secret, a client's fault). */
  readonly blockers: readonly (CharmStatus | undefined)[];
}

export function leaderAppStatus(scope: CharmHook, input: AppStatusInput): CharmStatus {
  const rebuilding: CharmStatus | undefined = input.app.rebuild === undefined ? undefined : { name: 'blocked', message: STATUS.rebuilding };
  const blocked = pickStatus([rebuilding, ...input.blockers]);
  return clusterAppStatus({
    records: memberRecords(scope, input.self.name, input.record, input.peers),
    malformedPeerData: malformedPeerDataOf(scope, input.app, input.peers),
    majorityLost: input.majorityLost,
    blockedBy: blocked.name === 'blocked' ? blocked : undefined,
  });
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
