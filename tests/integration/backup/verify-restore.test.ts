/**
 * The refresh how-to's "verify the backup by performing a test restore on
 * another application", step by step as README gives it: a backup of the
 * source application, a second charmed-etcd application deployed fresh with
 * the same `system-users` secret and related to the same S3 provider,
 * `restore` there, and the two compared: the same key count and the same
 * checksum of every key and value. The source is never touched.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestCharm } from '../../charms/build.js';
import type { StatusJson } from '../../sim/status.js';
import type { SimModel } from '../../sim/testing.js';
import { type S3Server, startS3Server } from '../../support/s3-server.js';
import { useCharmModel } from '../support/charm-model.js';
import { runAction, settle, simOk } from '../support/steps.js';
import { etcdctl } from '../support/unit-exec.js';

const APP = 'charmed-etcd';
const VERIFY = 'etcd-verify';
const PROV = 's3-provider';
const PASSWORD = 'verify-restore-root-pw';
const model = useCharmModel({ units: 1 });
let s3: S3Server;

beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
});

const appActive = (app: string) => (s: StatusJson): boolean => {
  const a = s.applications[app];
  return a !== undefined && a.status === 'active' && Object.values(a.units).length > 0 && Object.values(a.units).every((u) => u['workload-status'] === 'active' && u['agent-status'] === 'idle');
};

/** Key count and sha256 of every `key=value` line, in key order, as the leader unit of `app` reads its keyspace. */
async function fingerprint(m: SimModel, app: string): Promise<{ keys: number; sha256: string }> {
  const status = await m.status();
  const [unit, u] = Object.entries(status.applications[app]!.units)[0]!;
  const r = await etcdctl(m, unit, [`http://${u.address}:2379`], ['get', '', '--from-key', '-w', 'json'], PASSWORD);
  expect(r.exitCode, r.stderr).toBe(0);
  const kvs = ((JSON.parse(r.stdout) as { kvs?: { key: string; value: string }[] }).kvs ?? []).map((kv) => `${Buffer.from(kv.key, 'base64').toString()}=${Buffer.from(kv.value, 'base64').toString()}`);
  return { keys: kvs.length, sha256: createHash('sha256').update(kvs.sort().join('\n')).digest('hex') };
}

describe('verifying a backup on another application', () => {
  it('restores into a freshly deployed application that then holds exactly the source keyspace', async () => {
    const m = model();
    await settle(m, appActive(APP), 600_000);
    const admin = (await simOk(m, 'add-secret', 'etcd-admin', `root=${PASSWORD}`)).trim();
    await simOk(m, 'grant-secret', 'etcd-admin', APP);
    await simOk(m, 'config', `system-users=${admin}`);
    const dir = await buildTestCharm(PROV, path.join(mkdtempSync(path.join(tmpdir(), 'verify-restore-')), PROV));
    await simOk(m, 'deploy', dir, PROV);
    await simOk(m, 'config', '--app', PROV, `endpoint=${s3.endpoint}`, 'bucket=etcd-verify', 'path=/etcd/verify/', `access-key=${s3.accessKey}`, `secret-key=${s3.secretKey}`);
    await simOk(m, 'integrate', `${APP}:s3-credentials`, PROV);
    const status = await settle(m, appActive(APP), 600_000);
    const [unit, u] = Object.entries(status.applications[APP]!.units)[0]!;
    for (let i = 0; i < 25; i++) expect((await etcdctl(m, unit, [`http://${u.address}:2379`], ['put', `/v/k${i}`, `value-${i}`], PASSWORD)).exitCode).toBe(0);
    const source = await fingerprint(m, APP);
    expect(source.keys).toBe(25);

    const backup = await runAction(m, `${APP}/leader`, 'create-backup');
    expect(backup.status, JSON.stringify(backup)).toBe('completed');
    const id = backup.results['backup-id']!;

    // The second application: same charm revision, same password secret, same object storage.
    const revision = String(status.applications[APP]!['charm-revision']);
    await simOk(m, 'deploy', '--revision', revision, VERIFY, '-n', '1');
    await simOk(m, 'grant-secret', 'etcd-admin', VERIFY);
    await simOk(m, 'config', '--app', VERIFY, `system-users=${admin}`);
    await simOk(m, 'integrate', `${VERIFY}:s3-credentials`, PROV);
    await settle(m, appActive(VERIFY), 600_000);
    expect((await fingerprint(m, VERIFY)).keys).toBe(0);

    const restore = await runAction(m, `${VERIFY}/leader`, 'restore', `backup-id=${id}`);
    expect({ status: restore.status, success: restore.results['success'] }, JSON.stringify(restore)).toEqual({ status: 'completed', success: `restore initiated for ${id}` });
    await settle(m, (s) => appActive(VERIFY)(s) && appActive(APP)(s), 600_000);
    expect(await fingerprint(m, VERIFY)).toEqual(source);
    expect(await fingerprint(m, APP)).toEqual(source);
  }, 900_000);
});
