/**
 * The built charm on the simulator with real etcd: deploy 3 units, the fixed status
 * shape, refresh to a published revision, and `destroy` leaving no process behind.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { send } from '../../sim/cli/controller-process.js';
import { loadState } from '../../sim/controller/state.js';
import { buildCharmInto, pidAlive, useSimModel } from '../../sim/testing.js';

const model = useSimModel({ units: 3 });

describe('the built charm on the simulator', () => {
  it('deploys 3 units that reach the charm\'s status, with the fixed status JSON shape', async () => {
    await model().wait(600);
    const status = await model().status();
    expect(status.application).toMatchObject({ name: 'charmed-etcd', 'charm-revision': 1, status: expect.any(String), message: expect.any(String) });
    expect(Object.keys(status.units)).toEqual(['charmed-etcd/0', 'charmed-etcd/1', 'charmed-etcd/2']);
    const addresses = new Set<string>();
    for (const [name, unit] of Object.entries(status.units)) {
      expect(unit).toMatchObject({
        'workload-status': 'active',
        message: expect.any(String),
        'agent-status': 'idle',
        leader: name === 'charmed-etcd/0',
        'charm-revision': 1,
      });
      expect(unit.address).toMatch(new RegExp(`^127\\.\\d+\\.\\d+\\.${10 + Number(name.split('/')[1])}$`));
      addresses.add(unit.address);
      // The charm installed the snap revision the published charm pins.
      expect(unit['snap-revision']).toMatch(/^\d+$/);
      expect(unit['etcd-version']).toMatch(/^3\.\d+\.\d+$/);
    }
    expect(addresses.size).toBe(3);

    // What etcd itself reports, through the unit's snap app: one cluster of 3 started voting members.
    const secret = loadState(model().home)?.model.secrets.find((s) => s.owner.kind === 'application');
    const password = secret?.revisions.at(-1)?.content['root-password'];
    expect(password, 'the charm keeps the root password in an app-owned secret').toBeTruthy();
    const info = (await send(model().home, { type: 'unit-info', unit: 'charmed-etcd/1' })) as { env: Record<string, string> };
    const env = { ...info.env, ETCDCTL_USER: `root:${password ?? ''}` };
    const endpoint = `--endpoints=http://${status.units['charmed-etcd/1']?.address ?? ''}:2379`;
    const list = await execa('charmed-etcd.etcdctl', [endpoint, 'member', 'list', '-w', 'json'], { env, extendEnv: false });
    const members = (JSON.parse(list.stdout) as { members: { name?: string; isLearner?: boolean }[] }).members;
    expect(members.map((m) => [m.name, m.isLearner ?? false]).sort()).toEqual([
      ['charmed-etcd0', false],
      ['charmed-etcd1', false],
      ['charmed-etcd2', false],
    ]);
    const health = await execa('charmed-etcd.etcdctl', [endpoint, 'endpoint', 'health', '--cluster', '-w', 'json'], { env, extendEnv: false });
    const endpoints = JSON.parse(health.stdout) as { health: boolean }[];
    expect(endpoints.map((e) => e.health)).toEqual([true, true, true]);
    // Without credentials etcd refuses the same request.
    const anonymous = await execa('charmed-etcd.etcdctl', [endpoint, 'member', 'list'], { env: info.env, extendEnv: false, reject: false });
    expect(anonymous.exitCode).not.toBe(0);
  });

  it('refresh --revision swaps the charm code on every unit and runs upgrade-charm then config-changed', async () => {
    const m = model();
    const next = await buildCharmInto(path.join(path.dirname(m.home.dir), 'charm-next'));
    writeFileSync(path.join(next, 'only-in-revision-2.txt'), 'new\n');
    const published = await m.sim('publish', next);
    expect(published).toMatchObject({ exitCode: 0, stdout: '2\n' });
    const before = new Map<string, number>();
    for (const unit of ['charmed-etcd/0', 'charmed-etcd/1', 'charmed-etcd/2']) {
      const dir = path.join(m.home.unitsDir, unit.replace('/', '-'), 'charm');
      mkdirSync(path.join(dir, '.charm_refresh_v3'), { recursive: true });
      writeFileSync(path.join(dir, '.charm_refresh_v3', 'kept'), 'state\n');
      before.set(unit, statSync(path.join(dir, '.juju-charm')).mtimeMs);
      expect(readFileSync(path.join(dir, '.juju-charm'), 'utf8')).toBe('ch:amd64/noble/charmed-etcd-1');
    }
    const started = new Date().toISOString();
    expect((await m.sim('refresh', '--revision', '2')).exitCode).toBe(0);
    await m.wait(600);
    for (const unit of ['charmed-etcd/0', 'charmed-etcd/1', 'charmed-etcd/2']) {
      const dir = path.join(m.home.unitsDir, unit.replace('/', '-'), 'charm');
      expect(existsSync(path.join(dir, 'only-in-revision-2.txt'))).toBe(true);
      expect(readFileSync(path.join(dir, '.charm_refresh_v3', 'kept'), 'utf8')).toBe('state\n');
      expect(readFileSync(path.join(dir, '.juju-charm'), 'utf8')).toBe('ch:amd64/noble/charmed-etcd-2');
      expect(statSync(path.join(dir, '.juju-charm')).mtimeMs).toBeGreaterThan(before.get(unit) ?? Infinity);
      const ran = m
        .debugLog(unit)
        .filter((l) => l.at >= started && l.logger === 'juju.worker.uniter.operation')
        .map((l) => /^ran "([^"]+)" hook/.exec(l.message)?.[1])
        .filter((h) => h !== undefined);
      expect(ran.slice(0, 2)).toEqual(['upgrade-charm', 'config-changed']);
    }
    const status = await m.status();
    expect(status.application['charm-revision']).toBe(2);
    for (const unit of Object.values(status.units)) expect(unit['charm-revision']).toBe(2);
  });

  it('destroy stops every process the simulator started and removes SIM_HOME', async () => {
    const m = model();
    const pids = m.recordedPids();
    // controller + 3 supervisors + 3 etcd daemons at least
    expect(pids.length).toBeGreaterThanOrEqual(7);
    expect(pids.every(pidAlive)).toBe(true);
    expect((await m.sim('destroy')).exitCode).toBe(0);
    const cmdline = (pid: number): string => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return '?';
      }
    };
    expect(pids.filter(pidAlive).map((pid) => `${pid} ${cmdline(pid)}`)).toEqual([]);
    expect(existsSync(m.home.dir)).toBe(false);
  });
});
