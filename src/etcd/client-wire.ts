/** The gateway's answers turned into the client's types (ids in hex, absent fields filled). */
import type { z } from 'zod';
import type { MemberStatus } from './client-types.js';
import { EtcdProtocolError } from './errors/protocol-error.js';
import type { memberListResponseSchema, statusResponseSchema } from './gateway-schemas.js';
import { memberIdFromDecimal } from './ids.js';
import type { Member } from './membership.js';

type WireMember = z.infer<typeof memberListResponseSchema>['members'] extends (infer M)[] | undefined ? M : never;

export const toMember = (m: WireMember): Member => ({
  id: memberIdFromDecimal(m.ID),
  name: m.name ?? '',
  peerUrls: m.peerURLs ?? [],
  clientUrls: m.clientURLs ?? [],
  isLearner: m.isLearner ?? false,
});

/** The status `ep` answered. @throws EtcdProtocolError when its header names no member. */
export const toMemberStatus = (ep: string, s: z.infer<typeof statusResponseSchema>): MemberStatus => {
  const memberId = s.header?.member_id ?? s.header?.memberId;
  const clusterId = s.header?.cluster_id ?? s.header?.clusterId;
  if (memberId === undefined) throw new EtcdProtocolError(`status on ${ep}: no member id in header`, { endpoint: ep });
  return {
    endpoint: ep,
    memberId: memberIdFromDecimal(memberId),
    leaderId: s.leader === undefined || s.leader === '0' ? undefined : memberIdFromDecimal(s.leader),
    isLearner: s.isLearner ?? false,
    version: s.version ?? '',
    raftIndex: s.raftIndex ?? 0,
    raftTerm: s.raftTerm ?? 0,
    raftAppliedIndex: s.raftAppliedIndex ?? 0,
    dbSize: s.dbSize ?? 0,
    dbSizeInUse: s.dbSizeInUse ?? 0,
    errors: s.errors ?? [],
    clusterId: clusterId === undefined ? undefined : memberIdFromDecimal(clusterId),
    revision: s.header?.revision,
    storageVersion: s.storageVersion === undefined || s.storageVersion === '' ? undefined : s.storageVersion,
    downgradeTarget: s.downgradeInfo?.enabled === true ? s.downgradeInfo.targetVersion : undefined,
  };
};
