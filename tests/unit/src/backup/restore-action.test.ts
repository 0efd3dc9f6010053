/**
 * `restore` on the harness: Canonical's precondition texts, the integrity
 * check before anything stops, and the start of the peer-relation protocol.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { normaliseBackupId } from '../../../../src/backup/restore-action.js';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { BUILDS, World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const S3_ID = 21;
const GOOD = { bucket: 'etcd-backups', endpoint: 'http://10.1.1.1:7070', path: 'etcd', 'access-key': 'test-access-key', 'secret-key': 'test-secret-key' };
const ID = '2025-01-01T00:00:00Z';

function relateS3(): void {
  world.otherRelations = [world.unit(0).ctx.relation({ endpoint: 's3-credentials', id: S3_ID, remoteApp: 's3-integrator', remoteAppData: GOOD })];
}

/** `units` units, S3 related, one backup taken. */
async function withBackup(units = 3): Promise<void> {
  world = new World();
  await world.deploy(units);
  relateS3();
  await world.run(0, (ctx) => ctx.on.relationChanged(world.otherRelations[0]!, { remoteUnit: 0 }));
  const backup = await world.action(0, 'create-backup');
  expect(backup.actionResult?.status).toBe('completed');
}

describe('restore action', () => {
  it("fails with Canonical's texts, changing nothing: no storage, not leader, no id, unknown id", async () => {
    world = new World();
    await world.deploy(3);
    expect((await world.action(0, 'restore', { 'backup-id': ID })).actionResult).toMatchObject({ status: 'failed', message: 'No object storage configured - please add Azure or S3 relation.' });
    relateS3();
    expect((await world.action(1, 'restore', { 'backup-id': ID })).actionResult).toMatchObject({
      status: 'failed',
      message: 'Action must be performed on the leader unit.',
      results: { error: 'Action must be performed on the leader unit.' },
    });
    expect((await world.action(0, 'restore', { 'backup-id': ' ' })).actionResult).toMatchObject({ status: 'failed', message: 'Must provide backup-id to restore.' });
    expect((await world.action(0, 'restore', { 'backup-id': ID })).actionResult).toMatchObject({ status: 'failed', message: 'Backup ID not found.' });
    expect(world.appBag['restore_instruction']).toBeUndefined();
  });

  it('a body that does not match its sha256 fails the action before anything stops', async () => {
    await withBackup();
    const stored = world.objectStorage.buckets.get('etcd-backups')!;
    const object = stored.get(`etcd/${ID}`)!;
    stored.set(`etcd/${ID}`, { ...object, body: Buffer.from('[]') });
    const calls = world.unit(0).snap.calls.length;
    const out = await world.action(0, 'restore', { 'backup-id': ID });
    expect(out.actionResult?.status).toBe('failed');
    expect(String(out.actionResult?.message)).toMatch(/^Backup 2025-01-01T00:00:00Z failed its integrity check \(the downloaded object's sha256 is [0-9a-f]{64}, its metadata says [0-9a-f]{64}\); nothing was changed\.$/);
    expect(world.unit(0).snap.calls.slice(calls)).toEqual([]);
    expect(world.appBag['restore_instruction']).toBeUndefined();
    expect(existsSync(path.join(unitPaths(world.unit(0).root).archiveDir, 'charmed-etcd_restore.db'))).toBe(false);
  });

  it('a download that fails: "Could not download backup-file <id>.", nothing stopped', async () => {
    await withBackup();
    world.objectStorage.failDownloads = true;
    const calls = world.unit(0).snap.calls.length;
    const out = await world.action(0, 'restore', { 'backup-id': ID });
    expect(out.actionResult).toMatchObject({ status: 'failed', message: `Could not download backup-file ${ID}.`, results: { error: `Could not download backup-file ${ID}.` } });
    expect(world.unit(0).snap.calls.slice(calls)).toEqual([]);
    expect(world.appBag['restore_instruction']).toBeUndefined();
  });

  it('refused while a refresh is in progress', async () => {
    await withBackup();
    await world.refreshCharm(BUILDS.etcd3530);
    const out = await world.action(0, 'restore', { 'backup-id': ID });
    expect(out.actionResult).toMatchObject({ status: 'failed', message: 'Refresh in progress, cannot perform action.' });
    expect(world.appBag['restore_instruction']).toBeUndefined();
  });

  it('initiates the restore: the leader has the checked file, the peer keys say download_backup, a second restore is refused', async () => {
    await withBackup();
    const out = await world.action(0, 'restore', { 'backup-id': ID });
    expect(out.actionResult).toMatchObject({ status: 'completed', results: { success: `restore initiated for ${ID}` } });
    expect(out.actionResult!.logs).toContain(`Initiating restore process for backup-id ${ID}`);
    expect(world.appBag).toMatchObject({ restore_id: ID, restore_instruction: 'download_backup' });
    const target = JSON.parse(world.appBag['restore_target']!) as { members: { unit: string }[]; sha256: string };
    expect(target.members.map((m) => m.unit)).toEqual(['charmed-etcd/0', 'charmed-etcd/1', 'charmed-etcd/2']);
    expect(target.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(world.unit(0).bag['restore_step']).toBe('download_backup');
    expect(world.unit(0).unitStatus).toEqual({ name: 'maintenance', message: 'Database restore is in progress' });
    expect((await world.action(0, 'restore', { 'backup-id': ID })).actionResult).toMatchObject({ status: 'failed', message: 'Restore in progress, cannot perform action.' });
    expect((await world.action(0, 'create-backup')).actionResult).toMatchObject({ status: 'failed', message: 'Restore in progress, cannot perform action.' });
  });

  it('a verification that fails cancels the restore: no member restored, the leader\'s data put back, every member running again', async () => {
    await withBackup();
    await world.action(0, 'restore', { 'backup-id': ID });
    // The fake cluster gives the leader's one-member trial no raft leader (the other members still count): verification fails.
    await world.settle(20);
    expect(world.restores.map((r) => [r.unit, r.options.initialCluster])).toEqual([[0, 'charmed-etcd0=http://10.0.0.10:2380']]);
    expect(world.appBag['restore_verification_failed']).toBe('True');
    expect(world.appBag['restore_instruction']).toBeUndefined();
    for (const n of [0, 1, 2]) {
      expect(world.unit(n).bag['restore_step']).toBeUndefined();
      expect(world.unit(n).snap.calls).toContain('stop --disable charmed-etcd.etcd');
      expect(world.cluster.isRunning(`charmed-etcd${n}`)).toBe(true);
      const data = unitPaths(world.unit(n).root);
      expect(existsSync(path.join(data.dataDir, 'member.pre-restore'))).toBe(false);
      expect(existsSync(path.join(data.memberDir, 'restored-from'))).toBe(false);
      expect(world.unit(n).unitStatus).toEqual({ name: 'blocked', message: 'Restore verification failed - etcd cluster still running, restore cancelled, check debug-log' });
    }
    // The next restore clears it.
    expect((await world.action(0, 'restore', { 'backup-id': ID })).actionResult).toMatchObject({ status: 'completed' });
    expect(world.appBag['restore_verification_failed']).toBeUndefined();
  });

  it('a step that fails (the store unreachable) fails the hook, so Juju retries it; the retry goes on once the store answers', async () => {
    await withBackup();
    await world.action(0, 'restore', { 'backup-id': ID });
    world.objectStorage.failDownloads = true;
    const failed = await world.changed(1, 0);
    expect(failed.exitCode).toBe(1);
    expect(failed.agentStatus.name).toBe('error');
    expect(world.unit(1).unitStatus).toEqual({ name: 'blocked', message: 'failed to restore backup' });
    expect(world.unit(1).bag['restore_step']).toBeUndefined();
    world.objectStorage.failDownloads = false;
    const retried = await world.changed(1, 0);
    expect(retried.exitCode).toBe(0);
    expect(world.unit(1).bag['restore_step']).toBe('download_backup');
    expect(world.unit(1).unitStatus).toEqual({ name: 'maintenance', message: 'Database restore is in progress' });
  });

  it('while a restore runs, update-status neither restarts a stopped member nor changes the membership', async () => {
    await withBackup();
    await world.action(0, 'restore', { 'backup-id': ID });
    await world.changed(1, 0);
    await world.changed(2, 0);
    await world.changed(0, 1); // every unit downloaded: the leader moves to stop_workload and stops
    expect(world.appBag['restore_instruction']).toBe('stop_workload');
    await world.changed(1, 0);
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(false);
    const calls = world.unit(1).snap.calls.length;
    const members = JSON.stringify(world.cluster.list());
    await world.hook(1, 'update-status');
    await world.hook(0, 'update-status');
    expect(world.unit(1).snap.calls.slice(calls)).toEqual([]);
    expect(world.cluster.isRunning('charmed-etcd1')).toBe(false);
    expect(JSON.stringify(world.cluster.list())).toBe(members);
    expect(world.unit(1).unitStatus).toEqual({ name: 'maintenance', message: 'Database restore is in progress' });
  });

  it('one unit: the action runs the whole restore itself (no verification step) and the unit is active after', async () => {
    await withBackup(1);
    const out = await world.action(0, 'restore', { 'backup-id': ID });
    expect(out.actionResult).toMatchObject({ status: 'completed', results: { success: `restore initiated for ${ID}` } });
    expect(world.restores.map((r) => [r.unit, r.options.initialCluster])).toEqual([[0, 'charmed-etcd0=http://10.0.0.10:2380']]);
    expect(world.appBag['restore_instruction']).toBeUndefined();
    expect(world.appBag['cluster_token']).toBe(world.restores[0]!.options.token);
    expect(world.unit(0).bag['restore_step']).toBeUndefined();
    expect(world.cluster.isRunning('charmed-etcd0')).toBe(true);
    await world.hook(0, 'update-status');
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
  });

  it('a backup id re-rendered as a YAML timestamp reads as the id', () => {
    expect(normaliseBackupId('2025-06-16T16:42:45.000Z')).toBe('2025-06-16T16:42:45Z');
    expect(normaliseBackupId(' 2025-06-16T16:42:45Z ')).toBe('2025-06-16T16:42:45Z');
  });

  it('a unit removed while a restore runs leaves at once, and the leader drops it from the members the restore builds', async () => {
    await withBackup();
    await world.action(0, 'restore', { 'backup-id': ID });
    await world.changed(1, 0);
    await world.changed(2, 0);
    await world.changed(0, 1); // every unit downloaded: the leader moves to stop_workload
    await world.changed(1, 0);
    await world.changed(2, 0);
    expect(world.cluster.isRunning('charmed-etcd2')).toBe(false);
    // Its teardown finds no member answering (every etcd is stopped): it must not wait, or the restore waits for it.
    const removed = await world.removeUnit(2);
    expect(removed.exitCode).toBe(0);
    expect(world.units.has(2)).toBe(false);
    await world.changed(0, 1); // the leader stops its own etcd and moves on (in one hook, as far as it can) without unit 2
    expect(world.appBag['restore_instruction']).not.toBe('stop_workload');
    const target = JSON.parse(world.appBag['restore_target']!) as { members: { unit: string }[] };
    expect(target.members.map((m) => m.unit)).toEqual(['charmed-etcd/0', 'charmed-etcd/1']);
    // The fake cluster fails the leader's one-member trial (see above), so the restore ends cancelled: nothing waits on unit 2.
    await world.settle(20);
    expect(world.appBag['restore_instruction']).toBeUndefined();
    for (const n of [0, 1]) {
      expect(world.cluster.isRunning(`charmed-etcd${n}`)).toBe(true);
      expect(world.unit(n).bag['restore_step']).toBeUndefined();
    }
  });
});
