import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { configDialect, logRotationJson, renderEtcdConfig, type EtcdConfigInput } from '../../../../src/etcd/config.js';

const input: EtcdConfigInput = {
  app: 'charmed-etcd',
  unitNumber: 2,
  ip: '10.1.2.3',
  etcdVersion: '3.6.13',
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
  it('renders every setting etcd 3.6 needs for a joining member', () => {
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
      'max-wals': 5,
      'strict-reconfig-check': true,
      'pre-vote': true,
      'enable-grpc-gateway': true,
      logger: 'zap',
      'log-level': 'info',
      'log-outputs': ['/var/snap/charmed-etcd/common/var/log/etcd/etcd.log'],
      'enable-log-rotation': true,
      'log-rotation-config-json': '{"maxsize":100,"maxage":0,"maxbackups":10,"localtime":false,"compress":true}',
    });
  });

  it.each([
    ['3.4.23', { enableV2Key: true, maxSnapshotsKey: true, logRotation: false, tlsVersionKeys: false }],
    ['3.5.16', { enableV2Key: true, maxSnapshotsKey: true, logRotation: true, tlsVersionKeys: true }],
    ['3.5.30', { enableV2Key: true, maxSnapshotsKey: true, logRotation: true, tlsVersionKeys: true }],
    ['3.6.13', { enableV2Key: false, maxSnapshotsKey: false, logRotation: true, tlsVersionKeys: true }],
    ['3.6.16', { enableV2Key: false, maxSnapshotsKey: false, logRotation: true, tlsVersionKeys: true }],
    ['3.7.3', { enableV2Key: false, maxSnapshotsKey: false, logRotation: true, tlsVersionKeys: true }],
    ['4.0.0', { enableV2Key: false, maxSnapshotsKey: false, logRotation: true, tlsVersionKeys: true }],
    // Unknown: every key; each version ignores the ones it does not know and starts.
    [undefined, { enableV2Key: true, maxSnapshotsKey: true, logRotation: true, tlsVersionKeys: true }],
    ['not-a-version', { enableV2Key: true, maxSnapshotsKey: true, logRotation: true, tlsVersionKeys: true }],
  ] as const)('renders for etcd %s: %o', (etcdVersion, dialect) => {
    expect(configDialect(etcdVersion)).toEqual(dialect);
    const parsed = parse(renderEtcdConfig({ ...input, etcdVersion }));
    expect('enable-v2' in parsed).toBe(dialect.enableV2Key);
    if (dialect.enableV2Key) expect(parsed['enable-v2']).toBe(false);
    expect('max-snapshots' in parsed).toBe(dialect.maxSnapshotsKey);
    if (dialect.maxSnapshotsKey) expect(parsed['max-snapshots']).toBe(5);
    expect('enable-log-rotation' in parsed).toBe(dialect.logRotation);
    expect('log-rotation-config-json' in parsed).toBe(dialect.logRotation);
    // The rest is the same on every version.
    expect(parsed).toMatchObject({ 'pre-vote': true, 'enable-grpc-gateway': true, logger: 'zap', 'max-wals': 5, 'snapshot-count': 10000 });
    expect(parsed['log-outputs']).toEqual([input.logFile]);
  });

  it('renders 3.5 with the v2 flag off, five snapshots kept, and rotation', () => {
    expect(parse(renderEtcdConfig({ ...input, etcdVersion: '3.5.30' }))).toMatchObject({
      'max-snapshots': 5,
      'enable-v2': false,
      'enable-log-rotation': true,
      'log-rotation-config-json': '{"maxsize":100,"maxage":0,"maxbackups":10,"localtime":false,"compress":true}',
    });
  });

  it('passes the rotation bounds with lumberjack\'s own key names', () => {
    expect(JSON.parse(logRotationJson({ maxSizeMb: 1, maxBackups: 2, compress: false }))).toEqual({
      maxsize: 1,
      maxage: 0,
      maxbackups: 2,
      localtime: false,
      compress: false,
    });
    const parsed = parse(renderEtcdConfig({ ...input, logRotation: { maxSizeMb: 7, maxBackups: 3, compress: true } }));
    expect(JSON.parse(parsed['log-rotation-config-json'] as string)).toMatchObject({ maxsize: 7, maxbackups: 3, compress: true });
  });

  it('changes when the etcd version changes the keys, and only then', () => {
    expect(renderEtcdConfig({ ...input, etcdVersion: '3.6.16' })).toBe(renderEtcdConfig(input));
    expect(renderEtcdConfig({ ...input, etcdVersion: '3.7.3' })).toBe(renderEtcdConfig(input));
    expect(renderEtcdConfig({ ...input, etcdVersion: '3.5.30' })).not.toBe(renderEtcdConfig(input));
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

describe('renderEtcdConfig with TLS', () => {
  const files = (side: string) => ({ certFile: `/tls/${side}.pem`, keyFile: `/tls/${side}.key`, trustedCaFile: `/tls/${side}_ca.pem` });
  const security = (side: string) => ({ 'cert-file': `/tls/${side}.pem`, 'key-file': `/tls/${side}.key`, 'client-cert-auth': true, 'trusted-ca-file': `/tls/${side}_ca.pem`, 'auto-tls': false });
  const tlsInput: EtcdConfigInput = {
    ...input,
    initialCluster: [
      { name: 'charmed-etcd0', peerUrl: 'http://10.1.2.1:2380' },
      { name: 'charmed-etcd2', peerUrl: 'https://10.1.2.3:2380' },
    ],
  };

  it('switches only the peer side to https, keeping the other members as given', () => {
    const parsed = parse(renderEtcdConfig({ ...tlsInput, tls: { peer: files('peer') } }));
    expect(parsed['listen-peer-urls']).toBe('https://10.1.2.3:2380');
    expect(parsed['initial-advertise-peer-urls']).toBe('https://10.1.2.3:2380');
    expect(parsed['initial-cluster']).toBe('charmed-etcd0=http://10.1.2.1:2380,charmed-etcd2=https://10.1.2.3:2380');
    expect(parsed['listen-client-urls']).toBe('http://10.1.2.3:2379');
    expect(parsed['peer-transport-security']).toEqual(security('peer'));
    expect('client-transport-security' in parsed).toBe(false);
    expect(parsed['cipher-suites']).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384']);
    expect([parsed['tls-min-version'], parsed['tls-max-version']]).toEqual(['TLS1.2', 'TLS1.3']);
  });

  it('switches the client side to https with client certificates required', () => {
    const parsed = parse(renderEtcdConfig({ ...input, tls: { client: files('client') } }));
    expect(parsed['listen-client-urls']).toBe('https://10.1.2.3:2379');
    expect(parsed['advertise-client-urls']).toBe('https://10.1.2.3:2379');
    expect(parsed['listen-peer-urls']).toBe('http://10.1.2.3:2380');
    expect(parsed['client-transport-security']).toEqual(security('client'));
  });

  it('leaves the TLS version keys out for 3.4, which has no such flags', () => {
    const parsed = parse(renderEtcdConfig({ ...tlsInput, etcdVersion: '3.4.23', tls: { peer: files('peer') } }));
    expect('tls-min-version' in parsed).toBe(false);
    expect(parsed['cipher-suites']).toHaveLength(2);
  });

  it('refuses an initial cluster whose entry for this member has the other scheme', () => {
    expect(() => renderEtcdConfig({ ...input, tls: { peer: files('peer') } })).toThrow(/charmed-etcd2=https:\/\/10\.1\.2\.3:2380/);
  });

  it('renders no TLS keys without TLS', () => {
    const parsed = parse(renderEtcdConfig(input));
    for (const key of ['peer-transport-security', 'client-transport-security', 'cipher-suites', 'tls-min-version']) expect(key in parsed).toBe(false);
  });
});
