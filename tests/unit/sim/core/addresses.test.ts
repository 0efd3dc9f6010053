/** `sim set-address`: a machine's private address changes under its unit, as Juju handles it. */
import { describe, expect, it } from 'vitest';
import { Driver, charm } from './driver.js';

const app = charm('prov', { peers: { cluster: { interface: 'prov-peers' } } });

function deployed(): Driver {
  const d = new Driver();
  d.send({ kind: 'deploy', app: 'prov', ...app, units: 2 });
  d.settle();
  return d;
}

const peerBag = (d: Driver, unit: string) => d.model.relations.find((r) => r.ends[0]?.endpoint === 'cluster')?.unitData[unit];

describe('set-address', () => {
  it('answers the new address at once, runs config-changed, then rewrites the address keys and wakes the peers', () => {
    const d = deployed();
    const seen: string[] = [];
    d.script = (unit, event, tool) => {
      if (unit !== 'prov/1' || event.kind !== 'hook' || event.name !== 'config-changed') return;
      seen.push(tool('network-get', '--format=json', 'cluster', '--ingress-address').trim(), tool('unit-get', 'private-address').trim());
      // Juju rewrites the bag only when the hook commits: during it the old address stays.
      seen.push(tool('relation-get', '--format=json', '-r', `cluster:${d.model.relations[0]!.id}`, 'ingress-address', 'prov/1').trim());
    };
    const mark = d.ran.length;
    expect(d.send({ kind: 'set-address', unit: 'prov/1', address: '127.1.2.200' })).toEqual({ changed: true, previous: '127.1.2.11' });
    d.settle();
    expect(d.hooksOf('prov/1', mark)).toEqual(['config-changed']);
    expect(seen).toEqual(['"127.1.2.200"', '127.1.2.200', '"127.1.2.11"']);
    expect(peerBag(d, 'prov/1')).toMatchObject({ 'private-address': '127.1.2.200', 'ingress-address': '127.1.2.200', 'egress-subnets': '127.1.2.200/32' });
    expect(d.hooksOf('prov/0', mark)).toEqual(['cluster-relation-changed prov/1']);
    expect(d.model.units['prov/1']?.address).toBe('127.1.2.200');
  });

  it('keeps the old address keys when config-changed fails, and writes them once its retry commits', () => {
    const d = deployed();
    let fail = true;
    d.script = (unit, event) => (unit === 'prov/1' && event.kind === 'hook' && event.name === 'config-changed' && fail ? 1 : 0);
    d.send({ kind: 'set-address', unit: 'prov/1', address: '127.1.2.201' });
    d.settle();
    expect(peerBag(d, 'prov/1')?.['ingress-address']).toBe('127.1.2.11');
    fail = false;
    d.settle(1);
    expect(peerBag(d, 'prov/1')?.['ingress-address']).toBe('127.1.2.201');
  });

  it('refuses an address off loopback or held by another unit, and changes nothing', () => {
    const d = deployed();
    const mark = d.ran.length;
    expect(() => d.send({ kind: 'set-address', unit: 'prov/1', address: '10.0.0.5' })).toThrow(/127\.0\.0\.0\/8/);
    expect(() => d.send({ kind: 'set-address', unit: 'prov/1', address: 'not-an-ip' })).toThrow(/127\.0\.0\.0\/8/);
    expect(() => d.send({ kind: 'set-address', unit: 'prov/1', address: '127.1.2.10' })).toThrow('address 127.1.2.10 is held by unit "prov/0"');
    expect(() => d.send({ kind: 'set-address', unit: 'prov/9', address: '127.1.2.99' })).toThrow('unit "prov/9" not found');
    d.settle();
    expect(d.ran.length).toBe(mark);
    expect(d.model.units['prov/1']?.address).toBe('127.1.2.11');
  });

  it('queues nothing when the address is the one the unit has', () => {
    const d = deployed();
    const mark = d.ran.length;
    expect(d.send({ kind: 'set-address', unit: 'prov/0', address: '127.1.2.10' })).toEqual({ changed: false, previous: '127.1.2.10' });
    d.settle();
    expect(d.ran.length).toBe(mark);
  });
});
