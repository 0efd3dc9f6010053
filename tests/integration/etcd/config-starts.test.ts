import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimLoopbackSubnet, releaseLoopbackSubnets } from '../../support/loopback.js';
import { EtcdClient } from '../../../src/etcd/client.js';
import { initialMember, prepareMember, startMember, startupSettings, stopAll, stopMember, waitHealthy } from './etcd-process.js';

let subnet: string;
let root: string;

beforeAll(() => {
  subnet = claimLoopbackSubnet();
  root = mkdtempSync(path.join(tmpdir(), 'etcd-config-'));
});

afterAll(async () => {
  await stopAll();
  rmSync(root, { recursive: true, force: true });
  releaseLoopbackSubnets();
});

// etcd logs the retention as a Go duration even in revision mode (1000 revisions → "1µs").
describe.each([
  ['3.4.23', 1, 'periodic', '1h30m', '1h30m0s'],
  ['3.5.16', 2, 'revision', '1000', '1µs'],
  ['3.5.30', 3, 'periodic', '30m', '30m0s'],
] as const)('the rendered config on etcd %s', (version, host, mode, retention, logged) => {
  it('starts a single member that applies every setting and serves the JSON gateway', async () => {
    const ip = `${subnet}.${host}`;
    const member = prepareMember({
      version,
      root: path.join(root, version),
      app: 'charmed-etcd',
      unitNumber: host,
      ip,
      initialCluster: [initialMember('charmed-etcd', host, ip)],
      initialClusterState: 'new',
      compaction: { mode, retention },
    });
    startMember(member, version);
    try {
      await waitHealthy(member);
      const s = startupSettings(member);
      expect(s).toMatchObject({
        'etcd-version': version,
        name: `charmed-etcd${host}`,
        'data-dir': member.dataDir,
        'heartbeat-interval': '50ms',
        'election-timeout': '500ms',
        'snapshot-count': 10000,
        'max-wals': 5,
        'max-snapshots': 5,
        'listen-client-urls': [`http://${ip}:2379`],
        'advertise-client-urls': [`http://${ip}:2379`],
        'listen-peer-urls': [`http://${ip}:2380`],
        'initial-cluster': `charmed-etcd${host}=http://${ip}:2380`,
        'initial-cluster-state': 'new',
        'initial-cluster-token': 'test-cluster',
        'quota-backend-bytes': 256 * 1024 * 1024,
        'pre-vote': true,
        'auto-compaction-mode': mode,
        'auto-compaction-retention': logged,
      });
      // The gateway answers (3.4 would 404 without enable-grpc-gateway in the file).
      const client = new EtcdClient({ endpoints: [member.clientUrl] });
      const status = await client.status(member.clientUrl);
      expect(status.version).toBe(version);
      expect(status.leaderId).toBe(status.memberId);
      const members = await client.memberList();
      expect(members).toEqual([
        { id: status.memberId, name: `charmed-etcd${host}`, peerUrls: [`http://${ip}:2380`], clientUrls: [`http://${ip}:2379`], isLearner: false },
      ]);
      await client.put('k', 'v');
      expect(await client.get('k')).toBe('v');
    } finally {
      await stopMember(member);
    }
  });
});
