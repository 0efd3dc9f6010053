import { readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../../src/etcd/paths.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

describe('install and bootstrap', () => {
  it('installs nothing until every planned unit joined, then the pinned snap revision for the architecture, held', async () => {
    world = new World();
    world.addUnit(0);
    world.addUnit(1);
    const install = await world.hook(0, 'install');
    expect(install.exitCode).toBe(0);
    // Juju creates the peer relations after install.
    expect(install.state.unitStatus).toEqual({ name: 'maintenance', message: 'no peer relation available' });
    expect(world.unit(0).snap.calls).toEqual([]);
    // Goal state plans three units, two are in the relation: still nothing.
    world.plannedUnits = 3;
    await world.hook(0, 'leader-elected');
    expect(world.unit(0).snap.calls).toEqual([]);
    world.plannedUnits = 2;
    const out = await world.hook(0, 'leader-elected');
    expect(out.exitCode).toBe(0);
    expect(world.unit(0).snap.calls.slice(0, 2)).toEqual(['install charmed-etcd --revision 2', 'refresh --hold charmed-etcd']);
    expect(out.unitStatusHistory).toContainEqual({ name: 'maintenance', message: 'Installing etcd...' });
  });

  it('a missing architecture blocks with a clear message and installs nothing', async () => {
    world = new World();
    world.addUnit(0).architecture = 's390x';
    for (const hook of ['install', 'leader-elected'] as const) {
      const out = await world.hook(0, hook);
      expect(out.exitCode).toBe(0);
      expect(out.state.unitStatus).toEqual({ name: 'blocked', message: "Snap revision missing for architecture 's390x' in refresh_versions.toml" });
      // The leader says so for the application too.
      expect(out.state.appStatus).toEqual(out.state.unitStatus);
    }
    expect(world.unit(0).snap.calls).toEqual([]);
  });

  it('a failed install blocks with "unable to install etcd snap" (the hook succeeds, so the status shows) and is retried on a later hook', async () => {
    world = new World();
    const u = world.addUnit(0);
    u.snap.failInstall = true;
    await world.hook(0, 'install');
    const first = await world.hook(0, 'leader-elected');
    expect(first.exitCode).toBe(0);
    expect(first.state.unitStatus).toEqual({ name: 'blocked', message: 'unable to install etcd snap' });
    u.snap.failInstall = false;
    const retried = await world.hook(0, 'leader-elected');
    expect(retried.exitCode).toBe(0);
    expect(u.snap.calls.filter((c) => c.startsWith('install'))).toHaveLength(2);
    expect(world.cluster.isRunning('charmed-etcd0')).toBe(true);
  });

  it('the first unit bootstraps a one-member cluster with auth on and records it', async () => {
    world = new World();
    const u = world.addUnit(0);
    await world.hook(0, 'install');
    const elected = await world.hook(0, 'leader-elected');
    expect(elected.exitCode).toBe(0);
    const config = readFileSync(unitPaths(u.root).configFile, 'utf8');
    expect(config).toContain('initial-cluster-state: new');
    expect(config).toContain('name: charmed-etcd0');
    expect(statSync(unitPaths(u.root).configFile).mode & 0o777).toBe(0o600);
    await world.hook(0, 'start');
    expect(world.appBag).toMatchObject({
      cluster_state: 'existing',
      cluster_members: 'charmed-etcd0=http://10.0.0.10:2380',
      authentication: 'enabled',
    });
    expect(world.appBag['internal_user_credentials']).toMatch(/^secret:/);
    expect(world.cluster.auth.enabled).toBe(true);
    expect(world.cluster.auth.users.get('root')).toBe('generated-password-1');
    const secret = world.secrets.find((s) => s.label === 'etcd-peers.charmed-etcd.app');
    expect(secret?.revisions.at(-1)?.content).toEqual({ 'root-password': 'generated-password-1' });
    expect(u.bag['state']).toBe('started');
    expect(u.unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appStatus).toEqual({ name: 'active', message: '' });
    expect(u.openedPorts).toEqual([{ protocol: 'tcp', port: 2379 }]);
  });
});
