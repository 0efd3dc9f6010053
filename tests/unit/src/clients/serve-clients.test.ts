/**
 * The etcd-client provider on the harness, where no TLS runs: a requirer is
 * refused with Canonical's blocked text and nothing is written or created,
 * and a databag that is no request names the requirer. What happens in etcd
 * with TLS on is tested on real etcd (tests/integration/clients).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Bag, Relation } from '../../../../lib/juju/testing/index.js';
import { World } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const CLIENT_ID = 31;

function relateClient(remoteAppData: Bag): Relation {
  const rel = world.unit(0).ctx.relation({ endpoint: 'etcd-client', id: CLIENT_ID, remoteApp: 'kube', remoteAppData });
  world.otherRelations = [rel];
  return rel;
}

const clientChanged = (n: number) => world.run(n, (ctx) => ctx.on.relationChanged(world.otherRelations[0]!, { remoteUnit: 0 }));

describe('the etcd-client provider', () => {
  it('without client TLS: blocked "Client relation: TLS is disabled. Please enable TLS", no user, no secret, nothing in the relation', async () => {
    world = new World();
    await world.deploy(2);
    const secretsBefore = world.secrets.length;
    relateClient({ prefix: '/kube/', 'secret-mtls': 'secret:d1111111111111111111' });
    const out = await clientChanged(0);
    expect(out.exitCode).toBe(0);
    const message = 'Client relation: TLS is disabled. Please enable TLS';
    expect(world.unit(0).unitStatus).toEqual({ name: 'blocked', message });
    expect(world.appStatus).toEqual({ name: 'blocked', message });
    expect(world.otherRelations[0]!.localAppData).toEqual({});
    expect(world.appBag['managed_users']).toBeUndefined();
    expect(world.appBag['client_trust']).toBeUndefined();
    expect(world.secrets.length).toBe(secretsBefore);
    expect([...world.cluster.auth.users.keys()]).toEqual(['root']);
  });

  it('a non-leader leaves client relations to the leader', async () => {
    world = new World();
    await world.deploy(2);
    relateClient({ prefix: '/kube/' });
    const out = await clientChanged(1);
    expect(out.exitCode).toBe(0);
    expect(world.unit(1).unitStatus).toEqual({ name: 'active', message: '' });
    expect(out.toolCalls.filter((c) => c.tool === 'relation-set')).toEqual([]);
  });

  it('relation-broken with no users managed loads nothing and changes nothing', async () => {
    world = new World();
    await world.deploy(1);
    const rel = relateClient({ prefix: '/kube/' });
    const out = await world.run(0, (ctx) => ctx.on.relationBroken(rel));
    expect(out.exitCode).toBe(0);
    expect(world.unit(0).unitStatus).toEqual({ name: 'active', message: '' });
    expect(world.appBag['managed_users']).toBeUndefined();
  });
});
