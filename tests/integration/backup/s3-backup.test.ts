/**
 * Backups to a real S3 server (versitygw) from the real charm on the
 * simulator: relate an s3 provider (tests/charms/s3.ts, standing in for
 * s3-integrator), create-backup, list-backups, and check the stored object
 * against what etcd itself says of it (`etcdutl snapshot status`). Then
 * credentials the server refuses (blocked, nothing written, etcd untouched)
 * and the provider's v1 shape (keys in a Juju secret). pre-refresh-check
 * uploads its restore point there too.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../src/etcd/paths.js';
import { buildTestCharm } from '../../charms/build.js';
import { unitRoot } from '../../sim/home.js';
import { etcdBinDir, pinnedEtcd } from '../../support/etcd-binaries.js';
import { type S3Server, startS3Server } from '../../support/s3-server.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrls } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { runAction, settle, simOk } from '../support/steps.js';
import { etcdctl } from '../support/unit-exec.js';
import type { StatusJson } from '../../sim/status.js';

const model = useCharmModel({ units: 1 });
const APP = 'charmed-etcd';
const PROV = 's3-provider';
const BUCKET = 'etcd-backups';
const PREFIX = 'etcd/prod';
let s3: S3Server;
let work: string;

beforeAll(async () => {
  s3 = await startS3Server();
  work = mkdtempSync(path.join(tmpdir(), 's3-backup-'));
});
afterAll(async () => {
  await s3?.stop();
});

const etcdApp = (s: StatusJson) => s.applications[APP]!;
const client = () => new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey } });
/** The objects in the bucket's posix directory (what the server really holds). */
const objectsOnDisk = (): string[] => {
  try {
    return readdirSync(path.join(s3.root, BUCKET, PREFIX));
  } catch {
    return [];
  }
};

/** Downloads a backup object and returns its file and what the server says of it. */
async function download(key: string): Promise<{ file: string; metadata: Record<string, string>; sha256: string }> {
  const c = client();
  const head = await c.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
  const file = path.join(work, key.replaceAll('/', '_').replaceAll(':', '-'));
  const body = (await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body as Readable;
  await pipeline(body, createWriteStream(file));
  c.destroy();
  return { file, metadata: head.Metadata ?? {}, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

describe('backups to S3', () => {
  it('relates, creates the bucket, backs up and lists; the object is a snapshot etcd verifies', async () => {
    const m = model();
    await settle(m, (s) => etcdApp(s).units[`${APP}/0`]?.['workload-status'] === 'active');
    const dir = await buildTestCharm(PROV, path.join(work, PROV));
    await simOk(m, 'deploy', dir, PROV);
    await simOk(m, 'config', '--app', PROV, `endpoint=${s3.endpoint}`, `bucket=${BUCKET}`, `path=/${PREFIX}/`, `access-key=${s3.accessKey}`, `secret-key=${s3.secretKey}`);
    await simOk(m, 'integrate', `${APP}:s3-credentials`, PROV);
    const status = await settle(m, (s) => etcdApp(s).status === 'active' && s.applications[PROV]?.units[`${PROV}/0`]?.message === 'serving 1 relation(s) (v0)');
    expect(etcdApp(status).units[`${APP}/0`]).toMatchObject({ 'workload-status': 'active', message: '' });
    expect(readdirSync(s3.root)).toContain(BUCKET); // created by the charm

    const endpoints = clientUrls(status);
    const password = rootPassword(m);
    for (let i = 0; i < 20; i++) expect((await etcdctl(m, `${APP}/0`, endpoints, ['put', `/backup/k${i}`, `v${i}`], password)).exitCode).toBe(0);

    const backup = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(backup.status).toBe('completed');
    const id = backup.results['backup-id']!;
    expect(id).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(backup.results['key']).toBe(`${PREFIX}/${id}`);
    expect(objectsOnDisk()).toEqual([id]);

    const list = await runAction(m, `${APP}/leader`, 'list-backups');
    expect(list.status).toBe('completed');
    const rows = list.results['backups']!.split('\n');
    expect(rows[0]).toBe('backup-id             | backup-status | size         | etcd-version');
    expect(rows[2]).toMatch(new RegExp(`^${id}  \\| finished      \\| \\d+ +\\| ${pinnedEtcd().replaceAll('.', '\\.')}$`));

    const object = await download(`${PREFIX}/${id}`);
    expect(object.metadata['sha256']).toBe(object.sha256);
    expect(object.metadata['size']).toBe(String(readFileSync(object.file).length));
    expect(object.metadata['etcd-version']).toBe(pinnedEtcd());
    expect(object.metadata['cluster-id']).toMatch(/^[0-9a-f]{1,16}$/);
    const verified = await execa(path.join(etcdBinDir(pinnedEtcd()), 'etcdutl'), ['snapshot', 'status', object.file, '--write-out=json']);
    const snap = JSON.parse(verified.stdout.trim().split('\n').pop()!) as { revision: number; totalKey: number };
    expect(String(snap.revision)).toBe(object.metadata['revision']);
    expect(snap.totalKey).toBeGreaterThanOrEqual(20);
    // Staged in the archive storage, then removed.
    expect(readdirSync(unitPaths(unitRoot(m.home, `${APP}/0`)).archiveDir)).not.toContain('charmed-etcd_snapshot.db');
    const logs = JSON.stringify(m.debugLog(`${APP}/0`));
    expect(logs).not.toContain(s3.secretKey);
  });

  it('pre-refresh-check uploads its restore point: the backup id in its result, the object the snapshot it kept', async () => {
    const m = model();
    const pre = await runAction(m, `${APP}/leader`, 'pre-refresh-check');
    expect(pre.status, JSON.stringify(pre)).toBe('completed');
    const id = pre.results['backup-id']!;
    expect(id).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(objectsOnDisk()).toContain(id);
    const local = pre.results['snapshot']!;
    // The result names the file as the unit sees it; in the simulator the unit's root is a directory.
    const root = unitRoot(m.home, `${APP}/0`);
    const onUnit = local.startsWith(root) ? local : path.join(root, local);
    const object = await download(`${PREFIX}/${id}`);
    expect(object.sha256).toBe(createHash('sha256').update(readFileSync(onUnit)).digest('hex'));
    expect(object.metadata['sha256']).toBe(object.sha256);
    const list = await runAction(m, `${APP}/leader`, 'list-backups');
    expect(list.results['backups']).toContain(id);
  });

  it('credentials the server refuses: blocked with its answer, the backup refused, etcd and the bucket untouched', async () => {
    const m = model();
    const before = objectsOnDisk();
    await simOk(m, 'config', '--app', PROV, 'secret-key=not-the-secret');
    const status = await settle(m, (s) => etcdApp(s).status === 'blocked');
    const message = `Missing or invalid s3 credentials: bucket ${BUCKET}: SignatureDoesNotMatch (HTTP 403)`;
    expect(etcdApp(status)).toMatchObject({ status: 'blocked', message });
    expect(etcdApp(status).units[`${APP}/0`]).toMatchObject({ 'workload-status': 'blocked', message });
    const refused = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(refused).toMatchObject({ status: 'failed', message: 'Backup failed. Check the error logs for more details.' });
    expect(objectsOnDisk()).toEqual(before);
    // etcd kept serving, with its data.
    const got = await etcdctl(m, `${APP}/0`, clientUrls(status), ['get', '/backup/k7', '--print-value-only'], rootPassword(m));
    expect(got.stdout.trim()).toBe('v7');
    expect(JSON.stringify(m.debugLog(`${APP}/0`))).not.toContain('not-the-secret');
  });

  it('v1 shape: the keys in a Juju secret named by secret-extra; back to active and backing up', async () => {
    const m = model();
    await simOk(m, 'config', '--app', PROV, 'shape=v1', `secret-key=${s3.secretKey}`);
    const status = await settle(m, (s) => etcdApp(s).status === 'active' && s.applications[PROV]?.units[`${PROV}/0`]?.message === 'serving 1 relation(s) (v1)');
    expect(etcdApp(status).units[`${APP}/0`]).toMatchObject({ 'workload-status': 'active', message: '' });
    const published = await runAction(m, `${PROV}/0`, 'published');
    const bags = JSON.parse(published.results['published']!) as { requirer: Record<string, string>; provider: Record<string, string> }[];
    expect(bags[0]!.provider['secret-extra']).toMatch(/^secret:/);
    expect(bags[0]!.provider['secret-key']).toBeUndefined();
    // What the charm asked for, as the v0 and v1 requirers do.
    expect(bags[0]!.requirer).toMatchObject({ bucket: expect.stringMatching(/^relation-\d+$/), 'requested-secrets': '["access-key","secret-key"]' });

    const before = objectsOnDisk().length;
    // Backup ids have a one-second resolution; the last backup is two tests back.
    const backup = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(backup.status).toBe('completed');
    expect(objectsOnDisk().length).toBe(before + 1);
    const object = await download(backup.results['key']!);
    expect(object.metadata['sha256']).toBe(object.sha256);
  });
});
