import { describe, expect, it } from 'vitest';
import { networkGet } from '../../../../../lib/juju/hooktools/network.js';
import { FakeRunner } from '../fake-runner.js';

describe('network-get', () => {
  it('reads the binding as JSON', async () => {
    const fake = new FakeRunner().json(['network-get', '--format=json', 'etcd-peers'], {
      'bind-addresses': [
        { 'mac-address': '', 'interface-name': 'eth0', addresses: [{ hostname: '', value: '10.1.2.3', cidr: '10.1.2.0/24' }] },
      ],
      'egress-subnets': ['10.1.2.3/32'],
      'ingress-addresses': ['10.1.2.3'],
    });
    expect(await networkGet(fake, 'etcd-peers')).toEqual({
      bindAddresses: [{ interfaceName: 'eth0', addresses: ['10.1.2.3'] }],
      egressSubnets: ['10.1.2.3/32'],
      ingressAddresses: ['10.1.2.3'],
    });
  });

  it('passes -r before the binding for a relation', async () => {
    const fake = new FakeRunner().json(['network-get', '--format=json', '-r', 'db:2', 'db'], { 'ingress-addresses': ['10.0.0.9'] });
    expect((await networkGet(fake, 'db', { relationId: 'db:2' })).ingressAddresses).toEqual(['10.0.0.9']);
  });

  it('reports an unknown binding as the tool error', async () => {
    const fake = new FakeRunner().on(['network-get', '--format=json', 'nope'], {
      exitCode: 1,
      stderr: 'ERROR no network config found for binding "nope"\n',
    });
    await expect(networkGet(fake, 'nope')).rejects.toThrow('no network config found for binding "nope"');
  });
});
