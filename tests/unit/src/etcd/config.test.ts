import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderEtcdConfig, type EtcdConfigInput } from '../../../../src/etcd/config.js';

const input: EtcdConfigInput = {
  app: 'charmed-etcd',
  unitNumber: 2,
  ip: '10.1.2.3',
  dataDir: '/var/snap/charmed-etcd/common/var/lib/etcd',
  logFile: '/var/snap/charmed-etcd/common/var/log/etcd/etcd.log',
  initialCluster: [
    { name: 'charmed-etcd0', peerUrl: 'http://10.1.2.1:2380' },
    { name: 'charmed-etcd2', peerUrl: 'http://10.1.2.3:2380' },
  ],
  initialClusterState: 'existing',
  initialClusterToken: 'etcd-cluster',
  heartbeatIntervalMs: 100,
  electionTimeoutMs: 1000,
  quotaBackendBytes: 2147483648,
  autoCompactionMode: 'revision',
  autoCompactionRetention: '1000',
};

const parse = (text: string): Record<string, unknown> => yaml.load(text) as Record<string, unknown>;

describe('renderEtcdConfig', () => {
  it('renders every setting etcd needs for a joining member', () => {
    expect(parse(renderEtcdConfig(input))).toEqual({
      name: 'charmed-etcd2',
      'data-dir': '/var/snap/charmed-etcd/common/var/lib/etcd',
      'listen-client-urls': 'http://10.1.2.3:2379',
      'advertise-client-urls': 'http://10.1.2.3:2379',
      'listen-peer-urls': 'http://10.1.2.3:2380',
      'initial-advertise-peer-urls': 'http://10.1.2.3:2380',
      'initial-cluster': 'charmed-etcd0=http://10.1.2.1:2380,charmed-etcd2=http://10.1.2.3:2380',
      'initial-cluster-state': 'existing',
      'initial-cluster-token': 'etcd-cluster',
      'heartbeat-interval': 100,
      'election-timeout': 1000,
      'quota-backend-bytes': 2147483648,
      'auto-compaction-mode': 'revision',
      'auto-compaction-retention': '1000',
      'snapshot-count': 10000,
      'max-snapshots': 5,
      'max-wals': 5,
      'strict-reconfig-check': true,
      'pre-vote': true,
      'enable-v2': false,
      'enable-grpc-gateway': true,
      logger: 'zap',
      'log-level': 'info',
      'log-outputs': ['/var/snap/charmed-etcd/common/var/log/etcd/etcd.log'],
    });
  });

  it('keeps a numeric retention a string, which is the type etcd reads', () => {
    expect(renderEtcdConfig(input)).toMatch(/^auto-compaction-retention: '1000'$/m);
  });

  it('does not listen on 127.0.0.1, so units sharing a machine do not collide', () => {
    expect(renderEtcdConfig(input)).not.toContain('127.0.0.1');
  });

  it('is deterministic: equal input gives byte-equal output, and a changed input changes it', () => {
    const again = renderEtcdConfig({ ...input, initialCluster: [...input.initialCluster] });
    expect(again).toBe(renderEtcdConfig(input));
    expect(renderEtcdConfig({ ...input, heartbeatIntervalMs: 150 })).not.toBe(again);
    expect(Object.keys(parse(again))[0]).toBe('name');
  });

  it('honours the optional settings', () => {
    const parsed = parse(renderEtcdConfig({ ...input, snapshotCount: 5000, strictReconfigCheck: false, metricsPort: 9100 }));
    expect(parsed).toMatchObject({ 'snapshot-count': 5000, 'strict-reconfig-check': false, 'listen-metrics-urls': 'http://10.1.2.3:9100' });
  });

  it('bootstraps a first member with state new', () => {
    const parsed = parse(
      renderEtcdConfig({ ...input, unitNumber: 0, ip: '10.1.2.1', initialClusterState: 'new', initialCluster: [input.initialCluster[0]!] }),
    );
    expect(parsed).toMatchObject({ name: 'charmed-etcd0', 'initial-cluster-state': 'new', 'initial-cluster': 'charmed-etcd0=http://10.1.2.1:2380' });
  });

  it('refuses an initial cluster that lacks this member', () => {
    expect(() => renderEtcdConfig({ ...input, initialCluster: [input.initialCluster[0]!] })).toThrow(/does not contain this member \(charmed-etcd2=http:\/\/10.1.2.3:2380\)/);
    expect(() => renderEtcdConfig({ ...input, initialCluster: [] })).toThrow(/empty/);
  });
});
