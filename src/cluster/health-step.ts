import type { Relation } from '../../lib/juju/index.js';
import type { EtcdClient } from '../etcd/client.js';
import type { HealthRecord } from '../etcd/health-record.js';
import { serializeHealthRecord } from '../etcd/health-record.js';
import type { RawMemberHealth } from '../etcd/health.js';
import { evaluateHealth, probeMemberHealth } from '../etcd/health.js';
import type { EtcdApi } from '../etcd/api.js';
import { isSignificantChange } from './health-publish.js';
import type { UnitState } from '../charm/peers.js';
import { UNIT_KEYS } from '../charm/peers.js';

export interface ProbeResult {
  readonly raw: RawMemberHealth;
  readonly record: HealthRecord;
}

/**
 * Probes the member at `endpoint` and judges it. `client` should know every
 * member's endpoint, so cluster-wide facts survive this member being down.
 */
export async function probeSelf(client: EtcdApi, endpoint: string, snapRevision: string): Promise<ProbeResult> {
  // probeMemberHealth uses only status, health, memberList and alarmList, all part of EtcdApi.
  const raw = await probeMemberHealth(client as unknown as EtcdClient, endpoint);
  return { raw, record: evaluateHealth(raw, { snapRevision }) };
}

/**
 * Stages the record under `health` in this unit's bag when a significant
 * field changed (see src/cluster/health-publish.ts); resolves true when it did.
 */
export function publishHealth(relation: Relation, own: UnitState, record: HealthRecord): boolean {
  const previous = own.health?.ok === true ? own.health.record : undefined;
  if (!isSignificantChange(previous, record)) return false;
  relation.localUnitData.set(UNIT_KEYS.health, serializeHealthRecord(record));
  return true;
}
