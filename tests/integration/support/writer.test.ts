/**
 * The continuous writer and its verifier against a real 3-member etcd 3.5
 * cluster with auth on (no simulator): it keeps writing through a stopped
 * member, counts every write, and the verifier finds a write a member lacks
 * or holds with another value, on every member.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { claimLoopbackSubnet, releaseLoopbackSubnets } from '../../support/loopback.js';
import type { RunningMember } from '../etcd/etcd-process.js';
import { initialMember, prepareMember, startMember, stopAll, stopMember, waitHealthy } from '../etcd/etcd-process.js';
import { verifyWrites } from './verify-writes.js';
import { ContinuousWriter } from './writer.js';

const VERSION = '3.5.30';
const PASSWORD = 'writer-test-password';
const root = mkdtempSync(path.join(tmpdir(), 'writer-test-'));
let members: RunningMember[] = [];
let writer: ContinuousWriter | undefined;

beforeAll(async () => {
  const subnet = claimLoopbackSubnet();
  const ips = [10, 11, 12].map((n) => `${subnet}.${n}`);
  const initial = ips.map((ip, i) => initialMember('etcd', i, ip));
  members = ips.map((ip, i) => prepareMember({ version: VERSION, root, unitNumber: i, ip, initialCluster: initial, initialClusterState: 'new' }));
  for (const m of members) startMember(m, VERSION);
  for (const m of members) await waitHealthy(m);
  const admin = new EtcdClient({ endpoints: members.map((m) => m.clientUrl) });
  await admin.userAdd('root', PASSWORD);
  await admin.userGrantRole('root', 'root');
  await admin.authEnable();
});

afterAll(async () => {
  await writer?.stop();
  await stopAll();
  releaseLoopbackSubnets();
  rmSync(root, { recursive: true, force: true });
});

describe('ContinuousWriter', () => {
  it('writes through a stopped member, accounts for every write, and every member holds every acknowledged one', async () => {
    const endpoints = members.map((m) => m.clientUrl);
    writer = ContinuousWriter.start({ endpoints, password: PASSWORD, ratePerSecond: 100 });
    await writer.waitForMore(50);
    await stopMember(members[0]!);
    await writer.waitForMore(50);
    startMember(members[0]!, VERSION);
    await waitHealthy(members[0]!);
    await writer.waitForMore(50);
    const report = await writer.stop();

    expect(report.acknowledged).toBeGreaterThanOrEqual(150);
    expect(report.attempted).toBe(report.acknowledged + report.failed);
    expect(report.lastAcknowledged).toBe(writer.acknowledged.at(-1));
    const verdict = await writer.verify(endpoints);
    expect(verdict.lost).toEqual([]);
    expect(verdict.endpoints.map((e) => e.endpoint)).toEqual(endpoints);
  });

  it('reports an acknowledged write that a member lacks or holds with another value, on every member', async () => {
    const w = writer!;
    const endpoints = members.map((m) => m.clientUrl);
    const changed = w.acknowledged[7]!;
    const admin = new EtcdClient({ endpoints, credentials: { user: 'root', password: PASSWORD } });
    await admin.put(`${w.prefix}${changed}`, 'not-the-number');
    // A number never written stands for an acknowledged write that was lost.
    const neverWritten = 10_000_000;
    const verdict = await verifyWrites({ endpoints, password: PASSWORD, prefix: w.prefix, acknowledged: [...w.acknowledged, neverWritten] });
    expect(verdict.lost).toEqual([changed, neverWritten]);
    for (const e of verdict.endpoints) {
      expect(e.missing).toEqual([neverWritten]);
      expect(e.wrongValue).toEqual([changed]);
    }
  });
});
