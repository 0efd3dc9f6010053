/**
 * `restore` on three units of the real charm with a real S3 server
 * (versitygw): keys written, a backup taken, the keyspace changed, then
 * restored. Every member must hold exactly the keys of the backup (asked of
 * each member alone), with revisions bumped past 1e9, root auth working with
 * the configured password, a new cluster id and a healthy cluster. Then a
 * backup whose bytes no longer match its sha256: the action fails before any
 * etcd stops, and the cluster is untouched.
 */
import { closeSync, mkdtempSync, openSync, readdirSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CopyObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../src/etcd/paths.js';
import { buildTestCharm } from '../../charms/build.js';
import { unitRoot } from '../../sim/home.js';
import { type S3Server, startS3Server } from '../../support/s3-server.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrlOf, clientUrls, daemonPids, jujuLeader } from '../support/cluster.js';
import { peerAppBag, peerUnitBag, rootPassword } from '../support/model-state.js';
import { allActive, runAction, settle, simOk } from '../support/steps.js';
import { etcdctl, parseEndpointHealth } from '../support/unit-exec.js';
import type { SimModel } from '../../sim/testing.js';
import type { StatusJson } from '../../sim/status.js';

const APP = 'charmed-etcd';
const PROV = 's3-provider';
const BUCKET = 'etcd-restore';
const PREFIX = 'etcd/restore';
const UNITS = [`${APP}/0`, `${APP}/1`, `${APP}/2`];
const model = useCharmModel({ units: 3 });
let s3: S3Server;
let work: string;

beforeAll(async () => {
  s3 = await startS3Server();
  work = mkdtempSync(path.join(tmpdir(), 's3-restore-'));
});
afterAll(async () => {
  await s3?.stop();
});

/** Every unit active and idle, and no restore left in the peer data. */
const restored = (m: SimModel) => (s: StatusJson): boolean =>
  allActive(s) && peerAppBag(m)['restore_instruction'] === undefined && UNITS.every((u) => peerUnitBag(m, u)['restore_step'] === undefined);

interface Read {
  readonly kvs: Record<string, string>;
  readonly revision: number;
  readonly clusterId: string;
}

/** `/r/` keys as one member alone holds them (serializable read of that member), with its revision and cluster id. */
async function readMember(m: SimModel, status: StatusJson, unit: string): Promise<Read> {
  const r = await etcdctl(m, unit, [clientUrlOf(status, unit)], ['get', '/r/', '--prefix', '--consistency=s', '-w', 'json'], rootPassword(m));
  expect(r.exitCode, r.stderr).toBe(0);
  const json = JSON.parse(r.stdout) as { header: { revision: number; cluster_id: number | string }; kvs?: { key: string; value: string }[] };
  const b64 = (x: string) => Buffer.from(x, 'base64').toString('utf8');
  return { kvs: Object.fromEntries((json.kvs ?? []).map((kv) => [b64(kv.key), b64(kv.value)])), revision: Number(json.header.revision), clusterId: String(json.header.cluster_id) };
}

async function put(m: SimModel, status: StatusJson, ...args: string[]): Promise<void> {
  const r = await etcdctl(m, UNITS[0]!, clientUrls(status), args, rootPassword(m));
  expect(r.exitCode, r.stderr).toBe(0);
}

describe('restore from S3', () => {
  let backupId = '';
  const atBackup: Record<string, string> = {};

  it('restores every member to the backup: old keys back, later ones gone, revision > 1e9, a new cluster', async () => {
    const m = model();
    await settle(m, allActive);
    const dir = await buildTestCharm(PROV, path.join(work, PROV));
    await simOk(m, 'deploy', dir, PROV);
    await simOk(m, 'config', '--app', PROV, `endpoint=${s3.endpoint}`, `bucket=${BUCKET}`, `path=${PREFIX}`, `access-key=${s3.accessKey}`, `secret-key=${s3.secretKey}`);
    await simOk(m, 'integrate', `${APP}:s3-credentials`, PROV);
    let status = await settle(m, (s) => allActive(s) && s.applications[PROV]?.units[`${PROV}/0`]?.message === 'serving 1 relation(s) (v0)');

    for (let i = 0; i < 10; i++) {
      await put(m, status, 'put', `/r/k${i}`, `v${i}`);
      atBackup[`/r/k${i}`] = `v${i}`;
    }
    const before = await readMember(m, status, UNITS[0]!);
    const backup = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(backup.status, JSON.stringify(backup)).toBe('completed');
    backupId = backup.results['backup-id']!;

    await put(m, status, 'put', '/r/k0', 'overwritten');
    await put(m, status, 'del', '/r/k1');
    await put(m, status, 'put', '/r/later', 'gone after restore');

    expect(await runAction(m, `${APP}/leader`, 'restore', 'backup-id=2000-01-01T00:00:00Z')).toMatchObject({ status: 'failed', message: 'Backup ID not found.' });
    // Hooks killed mid-step, as if the agent died: the leader's trial start, a stop, a restart. Juju retries them.
    await simOk(m, 'inject-fault', UNITS[0]!, '--on', 'snap start --enable', '--when', 'after', '--do', 'kill-hook');
    await simOk(m, 'inject-fault', UNITS[1]!, '--on', 'snap stop --disable', '--when', 'after', '--do', 'kill-hook');
    await simOk(m, 'inject-fault', UNITS[2]!, '--on', 'snap start --enable', '--when', 'after', '--do', 'kill-hook');
    const restore = await runAction(m, `${APP}/leader`, 'restore', `backup-id=${backupId}`);
    expect(restore, JSON.stringify(restore)).toMatchObject({ status: 'completed', results: { success: `restore initiated for ${backupId}` } });

    status = await settle(m, restored(m), 150_000);
    for (const unit of UNITS) {
      expect(m.debugLog(unit).filter((l) => l.logger === 'sim.inject-fault' && l.message.startsWith('fired:'))).toHaveLength(1);
      // The download and the old data are gone.
      const paths = unitPaths(unitRoot(m.home, unit));
      expect(readdirSync(paths.archiveDir)).toEqual([]);
      expect(readdirSync(paths.dataDir).filter((f) => f !== '.charmed-etcd-member.json')).toEqual(['member']);
    }
    for (const unit of UNITS) {
      const read = await readMember(m, status, unit);
      expect({ unit, kvs: read.kvs }).toEqual({ unit, kvs: atBackup });
      expect(read.revision).toBeGreaterThan(1_000_000_000);
      expect(read.clusterId).not.toBe(before.clusterId);
    }
    // Root auth with the configured password (the application secret), and every member healthy.
    const health = await etcdctl(m, UNITS[1]!, clientUrls(status), ['endpoint', 'health', '-w', 'json'], rootPassword(m));
    expect(health.exitCode, health.stderr).toBe(0);
    expect(parseEndpointHealth(health.stdout).map((h) => h.health)).toEqual([true, true, true]);
    const members = await etcdctl(m, UNITS[2]!, clientUrls(status), ['member', 'list', '-w', 'simple'], rootPassword(m));
    expect(members.stdout.trim().split('\n')).toHaveLength(3);
    const noAuth = await etcdctl(m, UNITS[0]!, clientUrls(status), ['get', '/r/k2']);
    expect(noAuth.exitCode).not.toBe(0);
    // The cluster takes writes again.
    await put(m, status, 'put', '/r/after', 'ok');
  });

  /** Runs `restore` of a tampered backup: it must fail with `reason` before any etcd stops, and leave the cluster as it was. */
  async function refusedUntouched(id: string, reason: RegExp): Promise<void> {
    const m = model();
    const status = await m.status();
    const pids = daemonPids(m, UNITS);
    const before = await readMember(m, status, UNITS[0]!);
    const refused = await runAction(m, `${APP}/leader`, 'restore', `backup-id=${id}`);
    expect(refused.status).toBe('failed');
    expect(refused.message).toMatch(new RegExp(`^Backup ${id} failed its integrity check \\((?:${reason.source})\\); nothing was changed\\.$`));
    expect(peerAppBag(m)['restore_instruction']).toBeUndefined();
    expect(daemonPids(m, UNITS)).toEqual(pids);
    const after = await settle(m, restored(m));
    expect(daemonPids(m, UNITS)).toEqual(pids);
    expect(await readMember(m, after, UNITS[2]!)).toMatchObject({ kvs: before.kvs, clusterId: before.clusterId });
  }

  it('a backup whose metadata sha256 was tampered with: refused before anything stops, the cluster untouched', async () => {
    const m = model();
    const backup = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(backup.status, JSON.stringify(backup)).toBe('completed');
    const id = backup.results['backup-id']!;
    const key = `${PREFIX}/${id}`;
    const c = new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey } });
    const head = await c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    await c.send(new CopyObjectCommand({ Bucket: BUCKET, Key: key, CopySource: `${BUCKET}/${key}`, MetadataDirective: 'REPLACE', Metadata: { ...head.Metadata, sha256: '0'.repeat(64) } }));
    c.destroy();
    await refusedUntouched(id, /the downloaded object's sha256 is [0-9a-f]{64}, its metadata says 0{64}/);
  });

  it('a backup whose bytes were overwritten in the store (metadata kept): refused before anything stops, the cluster untouched', async () => {
    const object = path.join(s3.root, BUCKET, PREFIX, backupId);
    const fd = openSync(object, 'r+');
    writeSync(fd, Buffer.from('corrupted!'), 0, 10, Math.floor(statSync(object).size / 2));
    closeSync(fd);
    // The S3 SDK's own checksum check catches it first where the store kept one; the sha256 otherwise.
    await refusedUntouched(backupId, /the object store's checksum does not match the downloaded bytes|the downloaded object's sha256 is [0-9a-f]{64}, its metadata says [0-9a-f]{64}/);
  });

  it("a backup whose root password is not the configured one: verification fails, every member keeps its data; with system-users set to the source's password it restores", async () => {
    const m = model();
    const source = rootPassword(m);
    const backup = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(backup.status, JSON.stringify(backup)).toBe('completed');
    const id = backup.results['backup-id']!;
    // The cluster's root password changes after the backup.
    const uri = (await simOk(m, 'add-secret', 'etcd-root', 'root=a-newer-root-password')).trim();
    await simOk(m, 'grant-secret', 'etcd-root', APP);
    await simOk(m, 'config', `system-users=${uri}`);
    let status = await settle(m, (s) => allActive(s) && rootPassword(m) === 'a-newer-root-password');
    await put(m, status, 'put', '/r/after-backup', 'kept');
    const before = await readMember(m, status, UNITS[1]!);

    const first = await runAction(m, `${APP}/leader`, 'restore', `backup-id=${id}`);
    expect(first.status, JSON.stringify(first)).toBe('completed');
    const cancelled = (s: StatusJson) =>
      UNITS.every((u) => s.units[u]?.message === 'Restore verification failed - etcd cluster still running, restore cancelled, check debug-log' && s.units[u]?.['agent-status'] === 'idle') &&
      peerAppBag(m)['restore_instruction'] === undefined;
    status = await settle(m, cancelled);
    const why = m.debugLog(jujuLeader(status)).map((l) => l.message);
    expect(why.some((l) => /restore verification of backup .+ failed: the restored keyspace's root user has none of the configured passwords/.test(l))).toBe(true);
    for (const unit of UNITS) expect(await readMember(m, status, unit)).toMatchObject({ kvs: before.kvs, clusterId: before.clusterId });

    // Canonical's way: system-users holds the source cluster's password (the charm sets it on the running cluster first).
    await simOk(m, 'update-secret', 'etcd-root', `root=${source}`);
    await settle(m, () => rootPassword(m) === source);
    const second = await runAction(m, `${APP}/leader`, 'restore', `backup-id=${id}`);
    expect(second.status, JSON.stringify(second)).toBe('completed');
    status = await settle(m, restored(m));
    const after = await readMember(m, status, UNITS[2]!);
    expect(after.kvs['/r/after-backup']).toBeUndefined();
    expect(after.kvs['/r/after']).toBe('ok');
  });
});
