import { afterEach, describe, expect, it } from 'vitest';
import { World, ipOf } from '../support/world.js';

let world: World;
afterEach(() => world?.cleanup());

const tools = (out: { toolCalls: readonly { tool: string }[] }) => out.toolCalls.map((c) => c.tool);

describe('a quiet update-status', () => {
  it('asks neither opened-ports nor network-get, writes nothing, and keeps the unit active', async () => {
    world = new World();
    await world.deploy(3);
    const out = await world.hook(1, 'update-status');
    expect(out.exitCode).toBe(0);
    expect(world.unit(1).unitStatus).toEqual({ name: 'active', message: '' });
    expect(tools(out)).not.toContain('opened-ports');
    expect(tools(out)).not.toContain('network-get');
    expect(tools(out)).not.toContain('relation-set');
    // The member's client URL still comes from this unit's address: the probe reached it.
    expect(JSON.parse(world.unit(1).bag['health']!)).toMatchObject({ healthy: true });
    expect(world.unit(1).openedPorts).toEqual([{ protocol: 'tcp', port: 2379 }]);

    // Any other hook still asks both, so the port and the address are checked there.
    const changed = await world.hook(1, 'config-changed');
    expect(tools(changed)).toContain('opened-ports');
    expect(tools(changed)).toContain('network-get');
  });

  it('takes this unit’s address from the ingress-address Juju keeps in its peer bag', async () => {
    world = new World();
    await world.deploy(2);
    // Juju rewrote the bag for a new machine address; the config-changed it queues has not run yet.
    world.unit(1).bag['ingress-address'] = '10.0.0.99';
    await world.hook(1, 'update-status');
    expect(world.unit(1).bag['private_ip']).toBe('10.0.0.99');
    await world.hook(1, 'config-changed');
    expect(world.unit(1).bag['private_ip']).toBe(ipOf(1));
  });

  it('opens the port in update-status while this unit’s member has not started', async () => {
    world = new World();
    world.addUnit(0);
    world.unit(0).snap.failStart = true;
    await world.hook(0, 'install');
    world.unit(0).openedPorts = [];
    const out = await world.hook(0, 'update-status');
    expect(tools(out)).toContain('opened-ports');
    expect(world.unit(0).openedPorts).toEqual([{ protocol: 'tcp', port: 2379 }]);
  });
});
