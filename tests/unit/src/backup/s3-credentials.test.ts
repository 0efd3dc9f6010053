/**
 * The charm on the harness with an `s3-credentials` relation: statuses that
 * name what is wrong, the bucket request and check, and the backup actions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bag, Relation } from '../../../../lib/juju/testing/index.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const S3_ID = 21;
const GOOD = { bucket: 'etcd-backups', endpoint: 'http://10.1.1.1:7070', path: 'etcd', 'access-key': 'test-access-key', 'secret-key': 'test-secret-key' };

function relateS3(remoteAppData: Bag): Relation {
  const rel = world.unit(0).ctx.relation({ endpoint: 's3-credentials', id: S3_ID, remoteApp: 's3-integrator', remoteAppData });
  world.otherRelations = [rel];
  return rel;
}

const s3Changed = (n: number) => world.run(n, (ctx) => ctx.on.relationChanged(world.otherRelations[0]!, { remoteUnit: 0 }));

describe('s3-credentials', () => {
  it('asks for its bucket as the v0 and v1 requirers do, and checks the bucket once (created if missing)', async () => {
    world = new World();
    await world.deploy(2);
    relateS3(GOOD);
    const out = await s3Changed(0);
    expect(out.exitCode).toBe(0);
    expect(world.otherRelations[0]!.localAppData).toEqual({ bucket: `relation-${S3_ID}`, 'requested-secrets': '["access-key","secret-key"]', 'lib-version': '1.0' });
    expect(world.objectStorage.buckets.has('etcd-backups')).toBe(true);
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
    // A quiet hook neither rechecks nor rewrites anything.
    const opened = world.objectStorage.opened.length;
    const quiet = await world.hook(0, 'update-status');
    expect(world.objectStorage.opened.length).toBe(opened);
    expect(quiet.toolCalls.filter((c) => c.tool === 'relation-set')).toEqual([]);
  });

  it('missing fields: blocked naming them on every unit, no crash, nothing sent to S3', async () => {
    world = new World();
    await world.deploy(2);
    relateS3({ bucket: 'etcd-backups' });
    const out = await s3Changed(0);
    expect(out.exitCode).toBe(0);
    const message = 'Missing or invalid s3 credentials: endpoint, access-key, secret-key (missing)';
    expect(world.unit(0).unitStatus).toEqual({ name: 'blocked', message });
    expect(world.appStatus).toEqual({ name: 'blocked', message });
    await s3Changed(1);
    expect(world.unit(1).unitStatus).toEqual({ name: 'blocked', message });
    expect(world.objectStorage.opened).toEqual([]);
    // Fixed by the provider: back to active.
    relateS3(GOOD);
    await s3Changed(0);
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
  });

  it('credentials the server refuses: blocked with its answer, on the other units too; secrets never logged', async () => {
    world = new World();
    await world.deploy(2);
    relateS3({ ...GOOD, 'secret-key': 'wrong-secret' });
    const out = await s3Changed(0);
    expect(out.exitCode).toBe(0);
    const message = 'Missing or invalid s3 credentials: bucket etcd-backups: SignatureDoesNotMatch (HTTP 403)';
    expect(world.unit(0).unitStatus).toEqual({ name: 'blocked', message });
    await world.hook(1, 'update-status');
    expect(world.unit(1).unitStatus).toEqual({ name: 'blocked', message });
    expect(world.objectStorage.buckets.size).toBe(0);
    expect(JSON.stringify(out.logs)).not.toContain('wrong-secret');
    expect(JSON.stringify(world.appBag)).not.toContain('wrong-secret');
  });

  it('removing the relation clears the block and the stored check; a new relation is checked afresh', async () => {
    world = new World();
    await world.deploy(1);
    relateS3({ ...GOOD, 'secret-key': 'wrong-secret' });
    await s3Changed(0);
    expect(world.unit(0).unitStatus.name).toBe('blocked');
    expect(world.appBag['s3_bucket_check']).toContain('"ok":false');
    const broken = await world.run(0, (ctx) => ctx.on.relationBroken(world.otherRelations[0]!));
    expect(broken.exitCode).toBe(0);
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appBag['s3_bucket_check']).toBeUndefined();
    world.otherRelations = [];
    await world.hook(0, 'update-status');
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
    relateS3(GOOD);
    await s3Changed(0);
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appBag['s3_bucket_check']).toContain('"ok":true');
  });

  it('v1: reads the keys from the provider secret; an ungranted secret is named', async () => {
    world = new World();
    await world.deploy(1);
    const secret = world.unit(0).ctx.secret({ ownerApp: 's3-integrator', content: { 'access-key': 'test-access-key', 'secret-key': 'test-secret-key' } });
    world.secrets = [...world.secrets, secret];
    const { 'access-key': _a, 'secret-key': _s, ...rest } = GOOD;
    relateS3({ ...rest, 'secret-extra': `secret:${secret.id}`, 'lib-version': '1.0' });
    await s3Changed(0);
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.objectStorage.opened.at(-1)).toMatchObject({ protocol: 'v1', accessKey: 'test-access-key' });

    relateS3({ ...rest, 'secret-extra': 'secret:d0000000000000000000' });
    await s3Changed(0);
    expect(world.unit(0).unitStatus).toEqual({ name: 'blocked', message: 'Missing or invalid s3 credentials: secret-extra (secret not found or not granted)' });
  });

  it('create-backup uploads the snapshot with its metadata; list-backups shows it', async () => {
    world = new World();
    await world.deploy(2);
    relateS3(GOOD);
    await s3Changed(0);
    const out = await world.action(0, 'create-backup');
    expect(out.actionResult).toMatchObject({ status: 'completed', results: { 'backup-id': '2025-01-01T00:00:00Z', key: 'etcd/2025-01-01T00:00:00Z' } });
    const stored = world.objectStorage.buckets.get('etcd-backups')!.get('etcd/2025-01-01T00:00:00Z')!;
    expect(stored.metadata).toMatchObject({ size: String(stored.body.length), revision: '42', 'etcd-version': '3.5.16' });
    expect(stored.metadata['sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(out.actionResult!.logs).toContain('Initiating backup process ...');
    // The unit showed progress, then went back to what it showed before.
    expect(out.unitStatusHistory.some((s) => s.message === 'Creating database backup...')).toBe(true);
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });

    const list = await world.action(0, 'list-backups');
    expect(list.actionResult?.status).toBe('completed');
    expect(String(list.actionResult!.results['backups']).split('\n')[2]).toBe(`2025-01-01T00:00:00Z  | finished      | ${String(stored.body.length).padEnd(12)} | 3.5.16`);
  });

  it("backup actions fail with Canonical's texts: not leader, no relation, no credentials", async () => {
    world = new World();
    await world.deploy(2);
    const none = await world.action(0, 'create-backup');
    expect(none.actionResult).toMatchObject({ status: 'failed', message: 'No object storage configured - please add Azure or S3 relation.' });
    relateS3(GOOD);
    const follower = await world.action(1, 'list-backups');
    expect(follower.actionResult).toMatchObject({ status: 'failed', message: 'Action must be performed on the leader unit.', results: { error: 'Action must be performed on the leader unit.' } });
    relateS3({ bucket: 'x' });
    const bad = await world.action(0, 'create-backup');
    expect(bad.actionResult).toMatchObject({ status: 'failed', message: 'No credentials for S3 object storage available.' });
    relateS3({ ...GOOD, 'access-key': 'nobody' });
    const refused = await world.action(0, 'create-backup');
    expect(refused.actionResult).toMatchObject({ status: 'failed', message: 'Backup failed. Check the error logs for more details.' });
    expect(refused.logs.some((l) => /InvalidAccessKeyId/.test(l.message))).toBe(true);
    expect(world.objectStorage.buckets.size).toBe(0);
  });
});
