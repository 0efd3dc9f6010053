/** The pure pieces the charm's TLS wiring stands on: options, per-unit records, matching units to members across a scheme switch, turn order. */
import { describe, expect, it } from 'vitest';
import { INVALID_EXTRA_SANS, parseCharmConfig } from '../../../../src/charm/charm-config.js';
import { parseUnitState, servesTls } from '../../../../src/charm/peers.js';
import { clusterMembersFrom, planMembership } from '../../../../src/cluster/membership-plan.js';
import { peerAddress } from '../../../../src/etcd/config.js';
import type { Member } from '../../../../src/etcd/membership.js';
import { inTransition, reached, type TlsRecord } from '../../../../src/tls/phase.js';

const rec = (state: TlsRecord['state'], rotation: TlsRecord['rotation'] = 'no-rotation'): TlsRecord => ({ state, rotation });

describe('TLS options', () => {
  it('reads both key secrets and the extra SANs', () => {
    const parsed = parseCharmConfig({ 'tls-peer-private-key': 'secret:abc', 'tls-client-private-key': '', 'certificate-extra-sans': '10.1.1.1, etcd-{unit}.example' });
    expect(parsed.ok && parsed.config.tls).toEqual({ peerPrivateKey: 'secret:abc', clientPrivateKey: undefined, extraSans: '10.1.1.1, etcd-{unit}.example' });
  });

  it.each([
    [{ 'certificate-extra-sans': '*.example.com' }, `${INVALID_EXTRA_SANS}: wildcards are not allowed: *.example.com`],
    [{ 'certificate-extra-sans': 'not a name' }, `${INVALID_EXTRA_SANS}: neither an IP address nor a host name: not a name`],
    [{ 'tls-client-private-key': 'plain-text' }, 'Invalid config: tls-client-private-key must be a secret URI (secret:...), got "plain-text"'],
  ])('refuses %j with a message naming the option', (raw, message) => {
    expect(parseCharmConfig(raw)).toMatchObject({ ok: false, message });
  });
});

describe('per-unit TLS records', () => {
  it('reads Canonical keys, and absent or bad values as no TLS (bad ones named)', () => {
    const state = parseUnitState('charmed-etcd/1', 'charmed-etcd', { tls_peer_state: 'tls', tls_peer_ca_rotation: 'new-ca-added', tls_client_state: 'sideways' });
    expect(state.tls).toEqual({ peer: rec('tls', 'new-ca-added'), client: rec('no-tls') });
    expect(state.malformed).toEqual(['tls_client_state']);
    expect(servesTls(state.tls.peer)).toBe(true);
    expect(servesTls(rec('to-no-tls'))).toBe(true);
    expect(servesTls(rec('to-tls'))).toBe(false);
  });

  it('tells whether a unit below has done the same step', () => {
    // Enabling: done once on TLS.
    expect(reached(rec('tls'), rec('tls'))).toBe(true);
    expect(reached(rec('to-tls'), rec('tls'))).toBe(false);
    // Rotation phase 1 is done once the new CA is added, whatever came after it.
    expect(reached(rec('tls', 'cert-updated'), rec('tls', 'new-ca-added'))).toBe(true);
    expect(reached(rec('tls', 'new-ca-detected'), rec('tls', 'new-ca-added'))).toBe(false);
    // Phase 3 is done only back at no-rotation.
    expect(reached(rec('tls', 'cert-updated'), rec('tls'))).toBe(false);
    expect(inTransition(rec('to-tls'))).toBe(true);
    expect(inTransition(rec('tls', 'new-ca-detected'))).toBe(true);
    expect(inTransition(rec('tls', 'cert-updated'))).toBe(false);
  });
});

describe('units and members across a peer scheme switch', () => {
  const member = (id: string, n: number, scheme: string): Member => ({ id, name: `charmed-etcd${n}`, peerUrls: [`${scheme}://10.0.0.${10 + n}:2380`], clientUrls: [], isLearner: false });
  const self = { name: 'charmed-etcd0', peerUrl: 'https://10.0.0.10:2380' };

  it('matches on host and port, so a unit whose record lags its member is never added again', () => {
    expect(peerAddress('https://10.0.0.11:2380')).toBe('10.0.0.11:2380');
    const members = [member('a', 0, 'https'), member('b', 1, 'https')];
    // Unit 1 switched (etcd lists https) but its published record still says http.
    const units = [{ unit: 'charmed-etcd/1', unitNumber: 1, memberName: 'charmed-etcd1', peerUrl: 'http://10.0.0.11:2380', started: true }];
    expect(planMembership({ self, units, members, healthy: new Set(['a', 'b']), learnerProgress: undefined, removeOrphans: true })).toEqual({ kind: 'none' });
    expect(clusterMembersFrom(members, self, units)).toEqual([
      { name: 'charmed-etcd0', peerUrl: 'https://10.0.0.10:2380' },
      { name: 'charmed-etcd1', peerUrl: 'https://10.0.0.11:2380' },
    ]);
  });
});

describe('certificate domain options', () => {
  it('reads both sides, and refuses an IP with Canonical\'s text first', () => {
    const parsed = parseCharmConfig({ 'peer-certificate-domain': 'peers.example.com', 'client-certificate-domain': '' });
    expect(parsed.ok && parsed.config.tls).toMatchObject({ peerDomain: 'peers.example.com', clientDomain: undefined });
    expect(parseCharmConfig({ 'client-certificate-domain': '192.168.2.200' })).toMatchObject({
      ok: false,
      message: "Invalid value for config option 'client-certificate-domain': an IP address is not a domain: 192.168.2.200",
    });
  });
});
