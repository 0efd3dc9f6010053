import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { configDialect, peerUrl } from '../../../src/etcd/config.js';
import { EtcdUnhealthyClusterError } from '../../../src/etcd/errors/index.js';
import { eventually, initialMember, logEntries, prepareMember, startMember, startupSettings, stopMember, waitForExit, waitHealthy, writeConfig, type MemberSpec } from './etcd-process.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * etcd ignores config-file keys it does not know, so "it starts" proves
 * little: every key the charm renders is checked against what etcd logs at
 * start ("starting an etcd server") or against what etcd then does, on every
 * etcd version the charm runs.
 */

let subnet: string;
let root: string;

beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-config-')));
afterAll(releaseEtcdPlace);

const spec = (version: string, dir: string, host: number, extra: Partial<MemberSpec> = {}): MemberSpec => {
  const ip = `${subnet}.${host}`;
  return {
    version,
    root: path.join(root, dir, version),
    app: 'charmed-etcd',
    unitNumber: host,
    ip,
    initialCluster: [initialMember('charmed-etcd', host, ip)],
    initialClusterState: 'new',
    ...extra,
  };
};

/** `msg` of every warning etcd logged (start-up warnings about the config file land here). */
const warnings = (member: Parameters<typeof logEntries>[0]): string[] =>
  logEntries(member)
    .filter((e) => e['level'] === 'warn')
    .map((e) => String(e['msg']));

// etcd logs the retention as a Go duration even in revision mode (1000 revisions → "1µs").
describe.each([
  ['3.4.23', 1, 'periodic', '1h30m', '1h30m0s'],
  ['3.5.16', 2, 'revision', '1000', '1µs'],
  ['3.5.30', 3, 'periodic', '30m', '30m0s'],
  ['3.6.13', 4, 'revision', '1000', '1µs'],
  ['3.6.16', 5, 'periodic', '1h', '1h0m0s'],
  ['3.7.3', 6, 'periodic', '2h', '2h0m0s'],
] as const)('the rendered config on etcd %s', (version, host, mode, retention, logged) => {
  it('starts a single member that applies every setting, serves the JSON gateway and warns of no deprecated key', async () => {
    const ip = `${subnet}.${host}`;
    const member = prepareMember(spec(version, 'settings', host, { compaction: { mode, retention } }));
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
        // Rendered up to 3.5; 3.6+ get etcd's default, which is the same.
        'max-snapshots': 5,
        'listen-client-urls': [`http://${ip}:2379`],
        'advertise-client-urls': [`http://${ip}:2379`],
        'listen-peer-urls': [`http://${ip}:2380`],
        'initial-advertise-peer-urls': [`http://${ip}:2380`],
        'initial-cluster': `charmed-etcd${host}=http://${ip}:2380`,
        'initial-cluster-state': 'new',
        'initial-cluster-token': 'test-cluster',
        'quota-backend-bytes': 256 * 1024 * 1024,
        'pre-vote': true,
        'auto-compaction-mode': mode,
        'auto-compaction-retention': logged,
      });
      // logger zap, log-outputs [file], log-level info: the file holds etcd's JSON lines, none below info.
      const entries = logEntries(member);
      expect(entries.length).toBeGreaterThan(10);
      expect(entries.filter((e) => e['level'] === 'debug')).toEqual([]);
      // No key the charm renders is deprecated on this version (3.6+ would warn about max-snapshots).
      expect(warnings(member).filter((w) => /deprecat|decommission/i.test(w))).toEqual([]);

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
      // enable-v2 false (3.4/3.5) or no v2 API at all (3.6+): the v2 keys API is not served.
      expect((await fetch(`http://${ip}:2379/v2/keys/k`)).status).toBe(404);
      // strict-reconfig-check: etcd lets a lone member add a second voter (its restore case), but not
      // a third while only one of them is started. Without the check it would take the third too.
      await client.memberAdd(peerUrl(`${subnet}.200`), { learner: false });
      const refused = await client.memberAdd(peerUrl(`${subnet}.201`), { learner: false }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EtcdUnhealthyClusterError);
      expect(String((refused as Error).message)).toContain('re-configuration failed due to not enough started members');
    } finally {
      await stopMember(member);
    }
  });
});

describe.each([
  ['3.5.16', 12],
  ['3.5.30', 13],
  ['3.6.13', 14],
  ['3.6.16', 15],
  ['3.7.3', 16],
] as const)('log rotation on etcd %s', (version, host) => {
  it('rotates the log file by size, gzips the rotated files and keeps at most maxbackups of them', async () => {
    // Small bounds to make it cheap; debug level logs every request with its key ("request stats").
    const member = prepareMember(
      spec(version, 'rotation', host, { logRotation: { maxSizeMb: 1, maxBackups: 2, compress: true }, overrides: { 'log-level': 'debug' } }),
    );
    const rendered = yaml.load(writeConfig(member, version)) as Record<string, unknown>;
    expect(rendered).toMatchObject({
      'enable-log-rotation': true,
      'log-rotation-config-json': '{"maxsize":1,"maxage":0,"maxbackups":2,"localtime":false,"compress":true}',
      'log-outputs': [member.logFile],
    });
    startMember(member, version);
    try {
      await waitHealthy(member);
      const dir = path.dirname(member.logFile);
      const rotated = (): string[] => readdirSync(dir).filter((f) => /^etcd-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.log(\.gz)?$/.test(f));
      const client = new EtcdClient({ endpoints: [member.clientUrl], timeoutMs: 10_000 });
      const bigKey = 'k'.repeat(200_000);
      // Puts until the file has rotated at least three times (≥ 3 MiB of log): each logs its 200 kB key.
      let puts = 0;
      const seen = new Set<string>();
      await eventually(async () => {
        await client.put(`${bigKey}${puts++}`, 'v');
        for (const f of rotated()) seen.add(f.replace(/\.gz$/, ''));
        if (seen.size < 3) throw new Error(`${seen.size} rotations after ${puts} puts`);
      }, 120_000);
      // lumberjack compresses and prunes in the background: wait for it to settle.
      await eventually(async () => {
        const files = rotated();
        if (files.length === 0 || files.length > 2 || !files.every((f) => f.endsWith('.log.gz'))) throw new Error(`rotated files: ${files.join(', ')}`);
      }, 60_000);
      expect(statSync(member.logFile).size).toBeLessThanOrEqual(1024 * 1024);
      // The live file is still etcd's log.
      expect(logEntries(member).length).toBeGreaterThan(0);
    } finally {
      await stopMember(member);
    }
  });
});

describe('etcd refuses rotation without a single log file', () => {
  it.each(['3.5.30', '3.6.13', '3.7.3'])('etcd %s exits at start with rotation on and log-outputs [stdout]', async (version) => {
    const member = prepareMember(spec(version, 'refused', 30, { overrides: { 'log-outputs': ['stdout'] } }));
    const child = startMember(member, version);
    const exit = await waitForExit(child);
    expect(exit.code).toBe(1);
    expect(member.stderr).toContain('--log-outputs requires a single file path when --log-rotate-config-json is defined');
  });
});

describe.each([
  ['3.4.23', 41],
  ['3.5.30', 42],
  ['3.6.13', 43],
  ['3.6.16', 44],
  ['3.7.3', 45],
] as const)('the config for an unknown etcd version on etcd %s', (version, host) => {
  it('starts: the version ignores the keys it does not know', async () => {
    expect(configDialect(undefined)).toEqual({ enableV2Key: true, maxSnapshotsKey: true, logRotation: true, tlsVersionKeys: true });
    const member = prepareMember(spec(version, 'unknown', host));
    startMember(member, version, { configFor: undefined });
    try {
      await waitHealthy(member);
      expect(startupSettings(member)).toMatchObject({ 'etcd-version': version, 'max-snapshots': 5, 'pre-vote': true });
      const client = new EtcdClient({ endpoints: [member.clientUrl] });
      await client.put('k', 'v');
      expect(await client.get('k')).toBe('v');
    } finally {
      await stopMember(member);
    }
  });
});
