/**
 * Day-2 operations on a 3-unit model of the real charm with real etcd: a
 * rolling config change under a continuous writer, an invalid config value,
 * a malformed health record from a peer, a killed etcd, and a root password
 * rotation through the `system-users` secret. The tests share one model and
 * run in order; each leaves the cluster healthy.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdAuthFailedError } from '../../../src/etcd/errors/auth-failed-error.js';
import { unitPaths } from '../../../src/etcd/paths.js';
import { unitRoot } from '../../sim/home.js';
import { daemonPid } from '../../sim/snapd/index.js';
import type { SimModel } from '../../sim/testing.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrls, daemonPids, hooksThatLogged, until } from '../support/cluster.js';
import { jujuExec } from '../support/juju-exec.js';
import { peerRelationId, publishedHealth, rootPassword } from '../support/model-state.js';
import { etcdctl, parseMemberList } from '../support/unit-exec.js';
import { ContinuousWriter } from '../support/writer.js';
import { expectHealthyCluster } from './expect-cluster.js';

/**
 * update-status only when a test asks for it (`sim update-status UNIT`, in
 * place of waiting for Juju's interval): the charm's self-healing runs there,
 * and the tests need to know whether it ran.
 */
const model = useCharmModel({ units: 3, updateStatusInterval: '24h' });
const UNITS = ['charmed-etcd/0', 'charmed-etcd/1', 'charmed-etcd/2'] as const;

const pathsOf = (m: SimModel, unit: string) => unitPaths(unitRoot(m.home, unit));
const renderedConfig = (m: SimModel, unit: string): string => readFileSync(pathsOf(m, unit).configFile, 'utf8');

/** etcd's own log lines (JSON) with message `msg` logged at or after `since`. */
function etcdLog(m: SimModel, unit: string, msg: string, since: string): Array<Record<string, unknown>> {
  const from = Date.parse(since);
  return readFileSync(pathsOf(m, unit).logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"msg":${JSON.stringify(msg)}`))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => typeof l['ts'] === 'string' && Date.parse(l['ts']) >= from);
}

const etcdStarts = (m: SimModel, unit: string, since: string) => etcdLog(m, unit, 'starting an etcd server', since);

/** When etcd on `unit` went down (SIGTERM received) and was back serving clients, from etcd's own log. */
function downtime(m: SimModel, unit: string, since: string): { unit: string; down: number; up: number } {
  const stop = etcdLog(m, unit, 'received signal; shutting down', since)[0];
  expect(stop, `${unit} was not stopped`).toBeDefined();
  const down = Date.parse(stop!['ts'] as string);
  const ready = etcdLog(m, unit, 'ready to serve client requests', stop!['ts'] as string)[0];
  expect(ready, `${unit} did not come back`).toBeDefined();
  return { unit, down, up: Date.parse(ready!['ts'] as string) };
}

describe('charmed-etcd day-2 operations', () => {
  let writer: ContinuousWriter | undefined;
  afterAll(async () => {
    await writer?.stop();
  });

  it('deploys 3 healthy units', async () => {
    await model().wait(300);
    await expectHealthyCluster(model(), 3);
  });

  it('rolls a tuning change through the units one at a time while the writer writes; nothing is lost', async () => {
    const m = model();
    const endpoints = clientUrls(await m.status());
    const pidsBefore = daemonPids(m, UNITS);
    writer = ContinuousWriter.start({ endpoints, password: rootPassword(m) });
    await writer.waitForMore(50);
    const since = new Date().toISOString();
    expect((await m.sim('config', 'heartbeat-interval=150', 'election-timeout=1500')).exitCode).toBe(0);
    await m.wait(300);
    await writer.waitForMore(50);
    const report = await writer.stop();
    const verdict = await writer.verify(endpoints);
    console.log(`rolling restart writer: ${JSON.stringify(report)}`);
    expect(verdict.lost).toEqual([]);
    expect(verdict.endpoints).toHaveLength(3);

    // Each unit restarted etcd exactly once, in unit order, never two at a time.
    const pidsAfter = daemonPids(m, UNITS);
    for (const unit of UNITS) {
      expect(pidsAfter[unit]).toBeDefined();
      expect(pidsAfter[unit]).not.toBe(pidsBefore[unit]);
      expect(etcdStarts(m, unit, since)).toHaveLength(1);
    }
    // The charm's rolling restart did it (one restart per unit), and etcd's own log shows
    // each member stopping only once the one before it was serving again.
    expect(hooksThatLogged(m, /restarting charmed-etcd\d+ to apply new config/, since).map((w) => w.unit).sort()).toEqual([...UNITS]);
    const windows = UNITS.map((u) => downtime(m, u, since)).sort((a, b) => a.down - b.down);
    expect(windows.map((w) => w.unit)).toEqual([...UNITS]);
    for (let i = 1; i < windows.length; i++) expect(windows[i]!.down).toBeGreaterThanOrEqual(windows[i - 1]!.up);

    // etcd runs with the new values: the rendered file and etcd's own start line say so.
    for (const unit of UNITS) {
      expect(yaml.load(renderedConfig(m, unit))).toMatchObject({ 'heartbeat-interval': 150, 'election-timeout': 1500 });
      expect(etcdStarts(m, unit, since)[0]).toMatchObject({ 'heartbeat-interval': '150ms', 'election-timeout': '1.5s' });
    }
    await expectHealthyCluster(m, 3);
  });

  it('blocks on an invalid value, naming the option, and restarts nothing', async () => {
    const m = model();
    const pidsBefore = daemonPids(m, UNITS);
    const filesBefore = UNITS.map((u) => renderedConfig(m, u));
    expect((await m.sim('config', 'heartbeat-interval=5')).exitCode).toBe(0);
    await m.wait(300);
    const status = await m.status();
    for (const unit of UNITS) {
      expect(status.units[unit]).toMatchObject({ 'workload-status': 'blocked', message: expect.stringContaining('heartbeat-interval'), 'agent-status': 'idle' });
    }
    expect(status.application).toMatchObject({ status: 'blocked', message: expect.stringContaining('heartbeat-interval') });
    expect(daemonPids(m, UNITS)).toEqual(pidsBefore);
    expect(UNITS.map((u) => renderedConfig(m, u))).toEqual(filesBefore);

    // Back to the value etcd runs with: unblocked, still no restart.
    expect((await m.sim('config', 'heartbeat-interval=150')).exitCode).toBe(0);
    await m.wait(300);
    expect(daemonPids(m, UNITS)).toEqual(pidsBefore);
    await expectHealthyCluster(m, 3);
  });

  it('shows a malformed health record from a peer as a clear status, without failing a hook, until the peer republishes', async () => {
    const m = model();
    const since = new Date().toISOString();
    await jujuExec(m, 'charmed-etcd/2', async (ctx) => {
      const r = await ctx.tool('relation-set', ['-r', peerRelationId(m), 'health={"healthy":"very"}']);
      expect(r.exitCode, r.stderr).toBe(0);
    });
    await m.wait(300);
    const status = await m.status();
    expect(status.application).toMatchObject({ status: 'blocked', message: 'malformed health record from charmed-etcd/2' });
    for (const unit of UNITS) expect(status.units[unit]).toMatchObject({ 'workload-status': 'active', 'agent-status': 'idle' });
    expect(m.debugLog().some((l) => l.at >= since && l.level === 'WARNING' && l.message.includes('charmed-etcd/2 published a malformed health record'))).toBe(true);
    const hooks = m.hookRecords().filter((r) => r.startedAt >= since);
    expect(hooks.some((r) => r.unit === 'charmed-etcd/0')).toBe(true);
    expect(hooks.filter((r) => r.exitCode !== 0)).toEqual([]);

    // The unit's next update-status republishes a good record; the application recovers.
    expect((await m.sim('update-status', 'charmed-etcd/2')).exitCode).toBe(0);
    await m.wait(300);
    expect(publishedHealth(m, 'charmed-etcd/2')).toMatchObject({ ok: true, record: { healthy: true } });
    expect(m.hookRecords().filter((r) => r.startedAt >= since && r.exitCode !== 0)).toEqual([]);
    await expectHealthyCluster(m, 3);
  });

  it('restarts a killed etcd, and the unit\'s health record goes unhealthy and recovers', async () => {
    const m = model();
    const unit = 'charmed-etcd/1';
    const root = unitRoot(m.home, unit);

    // One kill: snapd's supervision (Restart=always, the snap's restart-delay of 20 s) brings etcd back.
    const first = daemonPid(root);
    expect((await m.sim('kill-workload', unit)).exitCode).toBe(0);
    await until('etcd to be restarted', () => {
      const pid = daemonPid(root);
      return pid !== undefined && pid !== first ? pid : undefined;
    }, 120_000);

    // Down for good (with a 20 s delay systemd never reaches its start limit, so stop it as an
    // operator would), then let every unit run a hook.
    expect((await m.sim('exec', unit, '--', 'snap', 'stop', 'charmed-etcd.etcd')).exitCode).toBe(0);
    expect(daemonPid(root)).toBeUndefined();
    const down = new Date().toISOString();
    expect((await m.sim('config', 'pause-after-unit-refresh=all')).exitCode).toBe(0);
    await m.wait(300);
    const bad = publishedHealth(m, unit);
    expect(bad).toMatchObject({ ok: true, record: { healthy: false, problems: expect.arrayContaining(['unreachable']) } });
    let status = await m.status();
    expect(status.units[unit]).toMatchObject({ 'workload-status': 'blocked', message: 'etcd service not running' });
    expect(status.application.message).toMatch(/^2\/3 members healthy: charmed-etcd1 unreachable/);

    // update-status restarts it (the charm's self-healing), and the record recovers.
    expect((await m.sim('update-status', unit)).exitCode).toBe(0);
    await m.wait(300);
    expect(publishedHealth(m, unit)).toMatchObject({ ok: true, record: { healthy: true, problems: [] } });
    expect(daemonPid(root)).toBeDefined();
    expect(m.debugLog(unit).some((l) => l.at >= down && l.message.includes('does not answer; restarting it'))).toBe(true);
    status = await m.status();
    expect(status.units[unit]).toMatchObject({ 'workload-status': 'active', message: '' });
    expect((await m.sim('config', '--reset', 'pause-after-unit-refresh')).exitCode).toBe(0);
    await m.wait(300);
    await expectHealthyCluster(m, 3);
  });

  it('rotates the root password through the system-users secret: the new one works, the old one does not', async () => {
    const m = model();
    const endpoints = clientUrls(await m.status());
    const generated = rootPassword(m);
    const works = async (password: string): Promise<void> => {
      for (const endpoint of endpoints) {
        const client = new EtcdClient({ endpoints: [endpoint], credentials: { user: 'root', password } });
        expect((await client.memberList()).length).toBe(3);
      }
    };
    const refused = async (password: string): Promise<void> => {
      for (const endpoint of endpoints) {
        const client = new EtcdClient({ endpoints: [endpoint], credentials: { user: 'root', password } });
        await expect(client.put('rotated', 'x')).rejects.toBeInstanceOf(EtcdAuthFailedError);
      }
    };

    const first = randomBytes(18).toString('base64url');
    const added = await m.sim('add-secret', 'etcd-users', `root=${first}`);
    expect(added.exitCode, added.stderr).toBe(0);
    const uri = added.stdout.trim();
    expect((await m.sim('grant-secret', 'etcd-users', 'charmed-etcd')).exitCode).toBe(0);
    expect((await m.sim('config', `system-users=${uri}`)).exitCode).toBe(0);
    await m.wait(300);
    await works(first);
    await refused(generated);
    expect(rootPassword(m)).toBe(first);
    // etcdctl on a unit, as an operator would use it, with the new password.
    const listed = await etcdctl(m, 'charmed-etcd/2', endpoints, ['member', 'list', '-w', 'simple'], first);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(parseMemberList(listed.stdout)).toHaveLength(3);

    const second = randomBytes(18).toString('base64url');
    expect((await m.sim('update-secret', 'etcd-users', `root=${second}`)).exitCode).toBe(0);
    await m.wait(300);
    await works(second);
    await refused(first);
    expect(rootPassword(m)).toBe(second);
    await expectHealthyCluster(m, 3);

    // No password ever reached the model's log.
    const log = readFileSync(m.home.debugLog, 'utf8');
    for (const password of [generated, first, second]) expect(log.includes(password)).toBe(false);
  });
});
