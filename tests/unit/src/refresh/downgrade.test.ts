import { describe, expect, it } from 'vitest';
import type { EtcdApi } from '../../../../src/etcd/api.js';
import type { DowngradeAction, MemberStatus } from '../../../../src/etcd/client-types.js';
import { EtcdServerError } from '../../../../src/etcd/errors/server-error.js';
import { downgradeStep, prepareDowngrade, type DowngradeFacts } from '../../../../src/refresh/downgrade.js';

const facts = (target: string, clusterVersion: string | undefined, downgradeTarget?: string, ownStorageVersion?: string): DowngradeFacts => ({
  target,
  clusterVersion,
  downgradeTarget,
  ownStorageVersion,
});

describe('downgradeStep: what a unit about to run an etcd version does about etcd downgrade', () => {
  it.each<[string, DowngradeFacts, ReturnType<typeof downgradeStep>]>([
    ['3.6 cluster, unit going to 3.5: enable', facts('3.5.30', '3.6.0'), { kind: 'enable', version: '3.5' }],
    ['3.7 cluster, unit going to 3.6: enable', facts('3.6.16', '3.7.0'), { kind: 'enable', version: '3.6' }],
    ['enabled, cluster version not lowered yet: wait', facts('3.5.30', '3.6.0', '3.5.0'), { kind: 'wait-cluster', version: '3.5' }],
    ['lowered, this member storage still 3.6: wait', facts('3.5.30', '3.5.0', '3.5.0', '3.6.0'), { kind: 'wait-storage', version: '3.5' }],
    ['lowered and migrated: go', facts('3.5.30', '3.5.0', '3.5.0', '3.5.0'), { kind: 'none' }],
    ['this member already on 3.5 (no storage field): go', facts('3.5.30', '3.5.0', '3.5.0', undefined), { kind: 'none' }],
    ['rollback to 3.6 while a downgrade to 3.5 is enabled: cancel', facts('3.6.13', '3.5.0', '3.5.0'), { kind: 'cancel' }],
    ['minor upgrade: nothing', facts('3.6.13', '3.5.0'), { kind: 'none' }],
    ['patch change: nothing', facts('3.6.16', '3.6.0'), { kind: 'none' }],
    ['3.5 -> 3.4: etcd downgrade not used (the cluster-version guard refuses it)', facts('3.4.23', '3.5.0'), { kind: 'none' }],
    ['two minors down: not a downgrade etcd does', facts('3.5.30', '3.7.0'), { kind: 'none' }],
    ['cluster version unknown: nothing', facts('3.5.30', undefined), { kind: 'none' }],
  ])('%s', (_name, input, expected) => {
    expect(downgradeStep(input)).toEqual(expected);
  });
});

/** A cluster that answers as etcd 3.6 does, whose leader never lowers the cluster version when `stuck`. */
function scriptedCluster(options: { stuck?: boolean; refuse?: string } = {}) {
  const calls: [DowngradeAction, string][] = [];
  let cluster = '3.6.0';
  let target: string | undefined;
  const status = (endpoint: string): MemberStatus => ({
    endpoint,
    memberId: '1',
    leaderId: '1',
    isLearner: false,
    version: '3.6.13',
    raftIndex: 1,
    raftTerm: 1,
    raftAppliedIndex: 1,
    dbSize: 1,
    dbSizeInUse: 1,
    errors: [],
    storageVersion: cluster,
    downgradeTarget: target === undefined ? undefined : `${target}.0`,
  });
  const client = {
    version: async () => ({ server: '3.6.13', cluster }),
    status: async (endpoint: string) => status(endpoint),
    downgrade: async (action: DowngradeAction, version = '') => {
      calls.push([action, version]);
      if (options.refuse !== undefined) throw new EtcdServerError(options.refuse, { endpoint: 'e', grpcCode: 9, httpStatus: 400, operation: 'downgrade' });
      if (action === 'ENABLE') {
        target = version;
        if (options.stuck !== true) cluster = `${version}.0`;
      }
      if (action === 'CANCEL') target = undefined;
      return cluster;
    },
  } as unknown as EtcdApi;
  return { client, calls };
}

function io(client: EtcdApi) {
  let clock = 0;
  return { client, endpoints: ['http://a:2379'], endpoint: 'http://a:2379', now: () => clock, sleep: async (ms: number) => void (clock += ms), log: () => undefined };
}

describe('prepareDowngrade against a cluster', () => {
  it('validates and enables once, then lets the unit go when the cluster and storage version dropped', async () => {
    const c = scriptedCluster();
    expect(await prepareDowngrade(io(c.client), '3.5.30', 60_000)).toEqual({ ok: true, enabled: true });
    expect(c.calls).toEqual([
      ['VALIDATE', '3.5'],
      ['ENABLE', '3.5'],
    ]);
  });

  it('quotes what etcd refuses, and stops nothing', async () => {
    const c = scriptedCluster({ refuse: 'etcdserver: cluster has a downgrade job in progress' });
    expect(await prepareDowngrade(io(c.client), '3.5.30', 60_000)).toEqual({
      ok: false,
      refused: 'Cannot refresh to etcd 3.5.30: etcd says cluster has a downgrade job in progress',
    });
  });

  it('waits up to its deadline, then cancels the downgrade it enabled and says what it waits for', async () => {
    const c = scriptedCluster({ stuck: true });
    expect(await prepareDowngrade(io(c.client), '3.5.30', 5_000)).toEqual({ ok: false, waiting: 'Waiting for etcd to lower the cluster version to 3.5' });
    expect(c.calls.map(([a]) => a)).toEqual(['VALIDATE', 'ENABLE', 'CANCEL']);
  });
});
