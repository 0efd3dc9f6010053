import { chownSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daemonPid, killDaemon, serviceStatus, shutdownAll, supervisorPid } from '../../sim/snapd/index.js';
import { isAlive, waitGone } from '../../sim/snapd/processes.js';
import { claimLoopbackSubnet, releaseLoopbackSubnets } from '../../support/loopback.js';
import { eventually, makeWorkspace, STORAGE_DIRS, Unit, type Workspace } from './snapd-helpers.js';

let ws: Workspace;
let subnet: string;
let next = 10;
const units: Unit[] = [];

const newUnit = (): Unit => {
  const unit = new Unit(ws, `${subnet}.${next}`, `unit-${next}`);
  next += 1;
  units.push(unit);
  return unit;
};

/** Installs `revision`, writes a config, starts etcd (optionally enabled) and waits until it is healthy. */
async function runningUnit(revision: string, enable: boolean): Promise<Unit> {
  const unit = newUnit();
  expect((await unit.snap('install', 'charmed-etcd', '--revision', revision)).exitCode).toBe(0);
  unit.writeConfig();
  const started = await unit.snap('start', ...(enable ? ['--enable'] : []), 'charmed-etcd');
  expect(started).toMatchObject({ exitCode: 0, stdout: 'Started.' });
  expect((await unit.waitHealthy()).exitCode).toBe(0);
  unit.remember();
  return unit;
}

beforeAll(async () => {
  ws = await makeWorkspace();
  subnet = claimLoopbackSubnet();
});

afterAll(async () => {
  try {
    await shutdownAll(units.map((u) => u.root));
    for (const unit of units) for (const pid of unit.seenPids) expect(isAlive(pid)).toBe(false);
  } finally {
    releaseLoopbackSubnets();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  }
});

describe('fake snapd with real etcd', () => {
  it('installs revision 2 (etcd 3.5.16) with its service disabled, then starts it on `snap start`', async () => {
    const unit = newUnit();
    const installed = await unit.snap('install', 'charmed-etcd', '--revision', '2');
    expect(installed).toMatchObject({ exitCode: 0, stdout: 'charmed-etcd 3.5.16 from Canonical** installed' });
    // install-mode: disable: nothing runs until `snap start`.
    expect((await unit.snap('services')).stdout).toMatch(/^charmed-etcd\.etcd\s+disabled\s+inactive\s+-$/m);
    expect(daemonPid(unit.root)).toBeUndefined();

    unit.writeConfig();
    expect(await unit.snap('start', 'charmed-etcd.etcd')).toMatchObject({ exitCode: 0, stdout: 'Started.' });
    const health = await unit.waitHealthy();
    expect(health.exitCode).toBe(0);
    expect(health.stdout + health.stderr).toContain(`${unit.endpoint} is healthy`);
    expect(await unit.serverVersion()).toBe('3.5.16');
    expect((await unit.run('charmed-etcd.etcdctl', ['version'])).stdout).toContain('etcdctl version: 3.5.16');
    // ETCDCTL_* variables reach etcdctl through the app wrapper.
    const viaEnv = await unit.run('charmed-etcd.etcdctl', ['endpoint', 'health'], { ETCDCTL_ENDPOINTS: unit.endpoint });
    expect(viaEnv.exitCode).toBe(0);

    const services = await unit.snap('services', 'charmed-etcd');
    expect(services.stdout.split('\n')).toEqual([
      'Service            Startup   Current  Notes',
      'charmed-etcd.etcd  disabled  active   -',
    ]);
    const list = await unit.snap('list');
    expect(list.stdout.split('\n')).toEqual([
      'Name          Version  Rev  Tracking    Publisher    Notes',
      // --revision installs track the default track (the real snap's is 3.6), whatever the revision.
      'charmed-etcd  3.5.16   2    3.6/stable  canonical**  -',
    ]);
    // As the real snap's wrapper: etcd runs as snap_daemon (584788) with no groups and no
    // arguments, configured by $ETCD_CONFIG_FILE; what it prints goes to the unit's journal.
    const pid = daemonPid(unit.root);
    expect(pid).toBeDefined();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)).toEqual([
      path.join(unit.root, 'snap/charmed-etcd/2/bin/etcd'),
    ]);
    const procStatus = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(procStatus).toMatch(/^Uid:\s+584788\s+584788\s+584788\s+584788$/m);
    expect(procStatus).toMatch(/^Gid:\s+584788\s+584788\s+584788\s+584788$/m);
    expect(procStatus).toMatch(/^Groups:\s*$/m);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')).toContain(
      `ETCD_CONFIG_FILE=${path.join(unit.root, 'var/snap/charmed-etcd/2/etcd.conf.yml')}`,
    );
    await eventually('etcd logs to the journal', () => unit.journal().includes('"msg":"serving client traffic'));
    // Nothing made a log directory: that is the charm's job (its `logs` storage).
    expect(readdirSync(path.join(unit.root, 'var/snap/charmed-etcd/common/var/log/etcd'))).toEqual([]);
  });

  it("runs the snap's install hook: default config and data owned by snap_daemon; a mounted data dir left as it is", async () => {
    const unit = newUnit();
    expect((await unit.snap('install', 'charmed-etcd', '--revision', '5')).exitCode).toBe(0);
    const config = path.join(unit.root, 'var/snap/charmed-etcd/5/etcd.conf.yml');
    expect(statSync(config)).toMatchObject({ uid: 584788, gid: 584788 });
    expect(readFileSync(config, 'utf8')).toMatch(/^log-outputs: \[stderr\]$/m);
    // Juju mounted the storages root-owned before install; the hook creates the data dir only when missing.
    for (const dir of STORAGE_DIRS) expect(statSync(path.join(unit.root, dir))).toMatchObject({ uid: 0, gid: 0 });

    // Without Juju's mounts the real hook's plain `mkdir` of the data dir fails, and so does the install.
    const bare = newUnit();
    rmSync(path.join(bare.root, 'var'), { recursive: true, force: true });
    const failed = await bare.snap('install', 'charmed-etcd', '--revision', '5');
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/Run install hook of "charmed-etcd"\s+snap if present[\s\S]*mkdir: cannot create directory/);
  });

  it('etcd exits at start when its log directory is not writable by snap_daemon; the journal says why', async () => {
    const unit = newUnit();
    expect((await unit.snap('install', 'charmed-etcd', '--revision', '5')).exitCode).toBe(0);
    const logDir = path.join(unit.root, STORAGE_DIRS[1]);
    unit.writeConfig([`log-outputs: [${path.join(logDir, 'etcd.log')}]`]);
    expect((await unit.snap('start', 'charmed-etcd.etcd')).exitCode).toBe(0);
    await eventually('etcd fails to open its log file', () => /open sink.*permission denied/.test(unit.journal()), 60_000);
    expect(daemonPid(unit.root)).toBeUndefined();
    // Given to snap_daemon (as the charm does), the next automatic restart comes up and logs to the file.
    chownSync(logDir, 584788, 584788);
    await eventually('etcd logs to its file', () => existsSync(path.join(logDir, 'etcd.log')) && readFileSync(path.join(logDir, 'etcd.log'), 'utf8').includes('serving client traffic'), 90_000);
    expect(statSync(path.join(logDir, 'etcd.log')).uid).toBe(584788);
    unit.remember();
  });

  it("the snap's etcdctl drops to snap_daemon when run as root: its snapshot file is snap_daemon's, a root-owned dir refuses it", async () => {
    const unit = await runningUnit('5', true);
    expect((await unit.etcdctl('put', 'k', 'v')).exitCode).toBe(0);
    const archive = path.join(unit.root, STORAGE_DIRS[2]);
    const refused = await unit.etcdctl('snapshot', 'save', path.join(archive, 'root-owned-dir.db'));
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('permission denied');
    chownSync(archive, 584788, 584788);
    const file = path.join(archive, 'snap.db');
    const saved = await unit.etcdctl('snapshot', 'save', file);
    expect(saved.exitCode).toBe(0);
    expect(statSync(file)).toMatchObject({ uid: 584788, gid: 584788 });
    expect((await unit.run('charmed-etcd.etcdutl', ['snapshot', 'status', file, '-w', 'json'])).exitCode).toBe(0);
  });

  it('refreshes 2 → 3 keeping data: stops, copies $SNAP_DATA, restarts the enabled service on 3.5.30', async () => {
    const unit = await runningUnit('2', true);
    expect((await unit.etcdctl('put', 'before-refresh', 'kept')).exitCode).toBe(0);
    expect(await unit.snap('refresh', '--hold', 'charmed-etcd')).toMatchObject({
      exitCode: 0,
      stdout: 'General refreshes of "charmed-etcd" held indefinitely',
    });
    const oldPid = daemonPid(unit.root);

    const refreshed = await unit.snap('refresh', 'charmed-etcd', '--revision', '3');
    expect(refreshed).toMatchObject({ exitCode: 0, stdout: 'charmed-etcd 3.5.30 from Canonical** refreshed' });
    expect(oldPid !== undefined && isAlive(oldPid)).toBe(false);
    expect(existsSync(path.join(unit.root, 'var/snap/charmed-etcd/3/etcd.conf.yml'))).toBe(true);
    expect(path.basename(readlinkSync(path.join(unit.root, 'var/snap/charmed-etcd/current')))).toBe('3');

    expect((await unit.waitHealthy()).exitCode).toBe(0);
    expect(await unit.serverVersion()).toBe('3.5.30');
    expect((await unit.etcdctl('get', 'before-refresh', '--print-value-only')).stdout).toBe('kept');
    expect((await unit.snap('list', 'charmed-etcd')).stdout).toMatch(/^charmed-etcd\s+3\.5\.30\s+3\s+3\.6\/stable\s+canonical\*\*\s+held$/m);

    // Refreshing to the installed revision is snapd's no-op notice, not an error.
    expect(await unit.snap('refresh', 'charmed-etcd', '--revision', '3')).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: 'snap "charmed-etcd" has no updates available',
    });
  });

  it('leaves a started-but-not-enabled service stopped after a refresh, as snapd does', async () => {
    const unit = await runningUnit('2', false);
    expect((await unit.snap('refresh', 'charmed-etcd', '--revision', '3')).exitCode).toBe(0);
    expect(daemonPid(unit.root)).toBeUndefined();
    expect((await unit.snap('services')).stdout).toMatch(/charmed-etcd\.etcd\s+disabled\s+inactive/);
    expect((await unit.snap('start', 'charmed-etcd')).exitCode).toBe(0);
    expect((await unit.waitHealthy()).exitCode).toBe(0);
    expect(await unit.serverVersion()).toBe('3.5.30');
  });

  it('restarts etcd after SIGKILL (killDaemon), like systemd Restart=always', async () => {
    const unit = await runningUnit('3', true);
    const first = killDaemon(unit.root);
    expect(first).toBeDefined();
    await waitGone(first ?? 0, 5_000);
    // snap.yaml's restart-delay: 20s (systemd's RestartSec) before the new process.
    await eventually('a new etcd process', () => {
      const pid = daemonPid(unit.root);
      return pid !== undefined && pid !== first;
    }, 90_000);
    unit.remember();
    expect((await unit.waitHealthy()).exitCode).toBe(0);
  });

  it('revision 4 (3.5.31, a bad release) never comes up, retried every 20 s; refreshing back to 3 brings etcd back', async () => {
    const unit = await runningUnit('3', true);
    expect((await unit.etcdctl('put', 'survives', 'the-bad-release')).exitCode).toBe(0);

    const bad = await unit.snap('refresh', 'charmed-etcd', '--revision', '4');
    expect(bad).toMatchObject({ exitCode: 0, stdout: 'charmed-etcd 3.5.31 from Canonical** refreshed' });
    // Restart=always with RestartSec=20: systemd tries again every 20 s, forever.
    const attempts = (): number => readFileSync(path.join(unit.root, 'run/snapd-sim/supervisor.log'), 'utf8').split('started revision 4').length - 1;
    await eventually('a second failed start of the bad release', () => attempts() >= 2, 90_000);
    expect(unit.journal()).toContain('failed to start etcd 3.5.31');
    expect((await unit.snap('services')).stdout).toMatch(/^charmed-etcd\.etcd\s+enabled\s+(in)?active\s+-$/m);
    expect((await unit.etcdctl('endpoint', 'health', '--command-timeout=1s', '--dial-timeout=1s')).exitCode).not.toBe(0);

    expect((await unit.snap('refresh', 'charmed-etcd', '--revision', '3')).exitCode).toBe(0);
    expect((await unit.waitHealthy()).exitCode).toBe(0);
    expect(await unit.serverVersion()).toBe('3.5.30');
    expect((await unit.etcdctl('get', 'survives', '--print-value-only')).stdout).toBe('the-bad-release');
  });

  it('fails like snap: unknown revision, unknown command, apps and services before install', async () => {
    const unit = newUnit();
    const app = await unit.run('charmed-etcd.etcdctl', ['version']);
    expect(app.exitCode).toBe(1);
    expect(app.stderr).toMatch(/^error: cannot find current revision for snap charmed-etcd/);
    const start = await unit.snap('start', 'charmed-etcd');
    expect(start).toMatchObject({ exitCode: 1, stderr: 'error: snap "charmed-etcd" not found' });
    expect(await unit.snap('refresh', 'charmed-etcd', '--revision', '3')).toMatchObject({
      exitCode: 0,
      stderr: 'snap "charmed-etcd" is not installed',
    });

    const unknownRevision = await unit.snap('install', 'charmed-etcd', '--revision', '99');
    expect(unknownRevision.exitCode).toBe(1);
    expect(unknownRevision.stderr).toMatch(/^error: snap "charmed-etcd" not found at least at revision 99\./);
    const unknownSnap = await unit.snap('install', 'no-such-snap');
    expect(unknownSnap).toMatchObject({ exitCode: 1, stderr: 'error: snap "no-such-snap" not found' });
    const unknownCommand = await unit.snap('frobnicate');
    expect(unknownCommand).toMatchObject({ exitCode: 64, stderr: `error: unknown command "frobnicate", see 'snap help'.` });
    const badFlag = await unit.snap('install', '--bogus', 'charmed-etcd');
    expect(badFlag).toMatchObject({ exitCode: 64, stderr: "error: unknown flag `bogus'" });

    // etcd 3.4 ships no etcdutl: the app does not exist in revision 1.
    expect((await unit.snap('install', 'charmed-etcd', '--revision', '1')).exitCode).toBe(0);
    const etcdutl = await unit.run('charmed-etcd.etcdutl', ['version']);
    expect(etcdutl).toMatchObject({ exitCode: 1, stderr: 'error: cannot find app "etcdutl" in "charmed-etcd"' });
    expect(await unit.snap('install', 'charmed-etcd', '--revision', '1')).toMatchObject({
      exitCode: 0,
      stderr: `snap "charmed-etcd" is already installed, see 'snap help refresh'`,
    });
    expect(await unit.snap('start', 'charmed-etcd.etcdctl')).toMatchObject({
      exitCode: 1,
      stderr: 'error: snap "charmed-etcd" has no service "etcdctl"',
    });
  });

  it('stops gracefully and returns only once etcd is gone; remove deletes the data', async () => {
    const unit = await runningUnit('2', true);
    const pid = daemonPid(unit.root);
    expect(await unit.snap('stop', 'charmed-etcd')).toMatchObject({ exitCode: 0, stdout: 'Stopped.' });
    expect(pid !== undefined && isAlive(pid)).toBe(false);
    expect((await unit.snap('services')).stdout).toMatch(/charmed-etcd\.etcd\s+enabled\s+inactive/);
    expect(await unit.snap('remove', 'charmed-etcd', '--purge')).toMatchObject({ exitCode: 0, stdout: 'charmed-etcd removed' });
    expect(existsSync(path.join(unit.root, 'var/snap/charmed-etcd'))).toBe(false);
    expect(existsSync(path.join(unit.root, 'snap/charmed-etcd'))).toBe(false);
  });

  it('a supervisor killed with SIGKILL is replaced by one that adopts the running etcd', async () => {
    const unit = await runningUnit('3', true);
    const supervisor = supervisorPid(unit.root) ?? 0;
    const etcd = daemonPid(unit.root);
    process.kill(supervisor, 'SIGKILL');
    expect(await waitGone(supervisor, 5_000)).toBe(true);
    // etcd outlives its supervisor; `snap services` still sees it through its pid file.
    expect((await unit.snap('services')).stdout).toMatch(/charmed-etcd\.etcd\s+enabled\s+active/);
    expect(await unit.snap('stop', 'charmed-etcd')).toMatchObject({ exitCode: 0, stdout: 'Stopped.' });
    expect(supervisorPid(unit.root)).not.toBe(supervisor);
    expect(etcd !== undefined && isAlive(etcd)).toBe(false);
  });

  it('a supervisor exits when its root directory disappears, taking etcd with it', async () => {
    const unit = await runningUnit('3', false);
    const supervisor = supervisorPid(unit.root);
    const etcd = daemonPid(unit.root);
    expect(supervisor).toBeDefined();
    rmSync(unit.root, { recursive: true, force: true });
    expect(await waitGone(supervisor ?? 0, 40_000)).toBe(true);
    expect(etcd !== undefined && isAlive(etcd)).toBe(false);
  });

  it('shutdownAll stops every supervisor and daemon and waits until they are gone', async () => {
    const a = await runningUnit('2', true);
    const b = await runningUnit('3', true);
    const pids = [a, b].flatMap((u) => [supervisorPid(u.root), daemonPid(u.root)]);
    expect(pids.every((p) => p !== undefined)).toBe(true);
    await shutdownAll([a.root, b.root]);
    for (const pid of pids) expect(isAlive(pid ?? 0)).toBe(false);
    expect(supervisorPid(a.root)).toBeUndefined();
    expect(daemonPid(b.root)).toBeUndefined();
  });
});
