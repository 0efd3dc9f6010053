import { describe, expect, it } from 'vitest';
import { certificateRequestFor, matchesRequest, parseCertificateDomain, parseExtraSans } from '../../../../src/tls/request.js';

const unit = { unitName: 'charmed-etcd/3', unitNumber: 3, modelUuid: 'a1b2', ip: '10.0.0.7', hostname: 'juju-machine-3' };

describe('certificate requests', () => {
  it('asks for CN <unit>-<model uuid>, the kind as organization, the unit IP, name and hostname', () => {
    expect(certificateRequestFor('client', unit, { ips: [], dns: [] })).toEqual({
      commonName: 'charmed-etcd3-a1b2',
      organization: 'client',
      sansIp: ['10.0.0.7'],
      sansDns: ['charmed-etcd/3', 'juju-machine-3'],
    });
  });

  it.each([
    ['', { ips: [], dns: [] }],
    ['10.9.9.9, etcd-{unit}.example.com,  ,::1', { ips: ['10.9.9.9', '::1'], dns: ['etcd-3.example.com'] }],
    ['ETCD.Example.com', { ips: [], dns: ['etcd.example.com'] }],
  ])('parses certificate-extra-sans %j', (value, sans) => {
    expect(parseExtraSans(value, 3)).toEqual({ ok: true, sans });
  });

  it.each([
    ['*.example.com', 'wildcards are not allowed: *.example.com'],
    ['-my.hostname', 'neither an IP address nor a host name: -my.hostname'],
    ['a b', 'neither an IP address nor a host name: a b'],
    ['etcd_1', 'neither an IP address nor a host name: etcd_1'],
  ])('refuses certificate-extra-sans %j', (value, reason) => {
    expect(parseExtraSans(value, 3)).toEqual({ ok: false, reason });
  });

  it('puts extra SANs beside the unit own ones, without repeats', () => {
    const wanted = certificateRequestFor('peer', unit, { ips: ['10.0.0.7', '10.9.9.9'], dns: ['etcd-3'] });
    expect(wanted.sansIp).toEqual(['10.0.0.7', '10.9.9.9']);
    expect(wanted.sansDns).toEqual(['charmed-etcd/3', 'etcd-3', 'juju-machine-3']);
  });

  it('matches a CSR or certificate only when subject and SANs are exactly the request', () => {
    const wanted = certificateRequestFor('peer', unit, { ips: [], dns: [] });
    expect(matchesRequest({ ...wanted, sansDns: [...wanted.sansDns].reverse() }, wanted)).toBe(true);
    expect(matchesRequest({ ...wanted, organization: 'client' }, wanted)).toBe(false);
    expect(matchesRequest({ ...wanted, sansIp: ['10.0.0.8'] }, wanted)).toBe(false);
    expect(matchesRequest({ ...wanted, sansDns: [...wanted.sansDns, 'extra'] }, wanted)).toBe(false);
  });
});

describe('certificate domains', () => {
  it.each([
    ['', { ok: true, domain: undefined }],
    [' Etcd.Example.com ', { ok: true, domain: 'etcd.example.com' }],
    ['192.168.2.200', { ok: false, reason: 'an IP address is not a domain: 192.168.2.200' }],
    ['*.example.com', { ok: false, reason: 'not a domain name: *.example.com' }],
    ['not a domain', { ok: false, reason: 'not a domain name: not a domain' }],
  ])('parses %j', (value, expected) => {
    expect(parseCertificateDomain(value)).toEqual(expected);
  });

  it('puts the domain in the subject as the CN, and keeps the SANs that name the unit', () => {
    const attributes = certificateRequestFor('peer', unit, { ips: [], dns: [] }, 'etcd.example.com');
    expect(attributes).toEqual({ commonName: 'etcd.example.com', organization: 'peer', sansIp: ['10.0.0.7'], sansDns: ['charmed-etcd/3', 'juju-machine-3'] });
  });
});
