import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult, Secret } from '../../../../lib/juju/testing/index.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

/** Nothing the charm sent to Juju or logged contains `password`. */
const assertNeverShown = (out: RunResult, password: string): void => {
  for (const call of out.toolCalls) {
    expect(call.args.join(' ')).not.toContain(password);
    if (call.tool !== 'secret-add' && call.tool !== 'secret-set') expect(call.stdin ?? '').not.toContain(password);
  }
  expect(JSON.stringify(out.logs)).not.toContain(password);
  expect(out.stderr).not.toContain(password);
};

const userSecret = (password: string): Secret => world.unit(0).ctx.secret({ ownerApp: 'model', content: { root: password } });
const appSecret = () => world.secrets.find((s) => s.label === 'etcd-peers.charmed-etcd.app');

describe('the root password', () => {
  it('is generated and kept in an app secret when system-users is unset, never shown', async () => {
    world = new World();
    world.addUnit(0);
    await world.hook(0, 'install');
    const out = await world.hook(0, 'leader-elected');
    expect(world.cluster.auth.users.get('root')).toBe('generated-password-1');
    expect(appSecret()?.revisions.at(-1)?.content).toEqual({ 'root-password': 'generated-password-1' });
    expect(JSON.stringify(world.appBag)).not.toContain('generated-password-1');
    assertNeverShown(out, 'generated-password-1');
  });

  it('comes from the system-users secret when it is set', async () => {
    world = new World();
    const u = world.addUnit(0);
    const secret = userSecret('from-the-user');
    world.secrets = [secret];
    world.config = { 'system-users': `secret:${secret.id}` };
    await world.hook(0, 'install');
    const out = await world.hook(0, 'leader-elected');
    expect(out.exitCode).toBe(0);
    expect(world.cluster.auth.users.get('root')).toBe('from-the-user');
    expect(appSecret()?.revisions.at(-1)?.content).toEqual({ 'root-password': 'from-the-user' });
    expect(u.unitStatus).toEqual({ name: 'active', message: '' });
    assertNeverShown(out, 'from-the-user');
  });

  it('rotates when the user secret changes, and the other units keep working with the new password', async () => {
    world = new World();
    world.addUnit(0);
    const secret = userSecret('first-password');
    world.secrets = [secret];
    world.config = { 'system-users': `secret:${secret.id}` };
    await world.deploy(2);
    expect(world.cluster.auth.users.get('root')).toBe('first-password');

    const updated: Secret = { ...secret, revisions: [...secret.revisions, { revision: 2, content: { root: 'second-password' } }] };
    world.secrets = world.secrets.map((s) => (s.id === secret.id ? updated : s));
    const out = await world.run(0, (ctx) => ctx.on.secretChanged(updated));
    expect(out.exitCode).toBe(0);
    expect(world.cluster.auth.users.get('root')).toBe('second-password');
    expect(appSecret()?.revisions.at(-1)?.content).toEqual({ 'root-password': 'second-password' });
    assertNeverShown(out, 'second-password');
    const peer = await world.hook(1, 'update-status');
    expect(peer.state.unitStatus).toEqual({ name: 'active', message: '' });
  });

  it('a peer that read the old password after etcd took the new one waits, and the leader wakes it when the rotation commits', async () => {
    world = new World();
    world.addUnit(0);
    const secret = userSecret('first-password');
    world.secrets = [secret];
    world.config = { 'system-users': `secret:${secret.id}` };
    await world.deploy(3);
    const healthBefore = world.unit(2).bag.health;
    // The leader's hook changed etcd's password but has not committed the app secret yet.
    world.cluster.auth.users.set('root', 'second-password');
    const early = await world.hook(2, 'update-status');
    expect(early.exitCode).toBe(0);
    expect(early.state.unitStatus).toEqual({ name: 'waiting', message: 'Waiting for the new root password' });
    expect(world.unit(2).bag.health).toBe(healthBefore);

    world.cluster.auth.users.set('root', 'first-password');
    const updated: Secret = { ...secret, revisions: [...secret.revisions, { revision: 2, content: { root: 'second-password' } }] };
    world.secrets = world.secrets.map((s) => (s.id === secret.id ? updated : s));
    const generation = Number(world.appBag.password_generation ?? '0');
    expect((await world.run(0, (ctx) => ctx.on.secretChanged(updated))).exitCode).toBe(0);
    expect(Number(world.appBag.password_generation)).toBe(generation + 1);
    const woken = await world.changed(2, 0);
    expect(woken.state.unitStatus).toEqual({ name: 'active', message: '' });
  });

  it('changing the option to another secret rotates too', async () => {
    world = new World();
    await world.deploy(1);
    world.secrets = [...world.secrets, userSecret('option-password')];
    world.config = { 'system-users': `secret:${world.secrets.at(-1)!.id}` };
    await world.hook(0, 'config-changed');
    expect(world.cluster.auth.users.get('root')).toBe('option-password');
  });

  it('a system-users secret the app cannot read blocks with "Cannot access configured secret, check permissions"', async () => {
    world = new World();
    await world.deploy(1);
    world.config = { 'system-users': 'secret:d0000000000000000000' };
    const out = await world.hook(0, 'config-changed');
    expect(out.exitCode).toBe(0);
    expect(out.state.unitStatus).toEqual({ name: 'blocked', message: 'Cannot access configured secret, check permissions' });
    expect(world.cluster.auth.users.get('root')).toBe('generated-password-1');
  });

  it('a password change etcd refuses blocks with "failed to update password"', async () => {
    world = new World();
    await world.deploy(1);
    const client = world.cluster.client;
    world.cluster.client = (connect) => ({
      ...client.call(world.cluster, connect),
      userChangePassword: async () => {
        const { EtcdServerError } = await import('../../../../src/etcd/errors/server-error.js');
        throw new EtcdServerError('etcdserver: permission denied', { endpoint: 'x', grpcCode: 7, httpStatus: 403, operation: 'user passwd' });
      },
    });
    world.secrets = [...world.secrets, userSecret('refused-password')];
    world.config = { 'system-users': `secret:${world.secrets.at(-1)!.id}` };
    const out = await world.hook(0, 'config-changed');
    expect(out.state.unitStatus).toEqual({ name: 'blocked', message: 'failed to update password' });
    expect(appSecret()?.revisions.at(-1)?.content).toEqual({ 'root-password': 'generated-password-1' });
  });
});
