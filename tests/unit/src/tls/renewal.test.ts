/**
 * Renewal as the tls-certificates v4 requirer does it: a tracking secret per
 * issued certificate that expires at its notification time, and a new CSR
 * (same key and request, new bytes) when that secret expires.
 */
import { describe, expect, it } from 'vitest';
import type { Relation } from '../../../../lib/juju/index.js';
import { certificateSecretLabel, renewalTime, trackingDigest } from '../../../../src/tls/renewal.js';
import { certificateRequestFor } from '../../../../src/tls/request.js';
import { CSRS_KEY, provideDatabag, readRequestedCsrs } from '../../../../src/tls/tls-certificates-v4.js';
import { requestCertificate } from '../../../../src/tls/unit-certificate.js';
import { parseCertificate, parseCsr } from '../../../../src/tls/x509.js';
import { createTestCa } from '../../../support/test-ca.js';
import { fakeSecrets } from './fake-secrets.js';

const HOUR = 3_600_000;
const at = (hours: number): Date => new Date(Date.UTC(2026, 0, 1) + hours * HOUR);

describe('renewalTime (v4 calculate_expiry_notification_time, then the closest future time)', () => {
  it.each([
    ['a third of the validity before the end, with no advice', 0, 90, undefined, 0, 60],
    ["the provider's advice in hours before the end", 0, 90, 10, 0, 80],
    ['a third before the end when the advice reaches back past the start', 0, 90, 100, 0, 60],
    ['the advice taken as a magnitude, as the library does', 0, 90, -10, 0, 80],
    ['the end itself once the notification time has passed', 0, 90, undefined, 70, 90],
  ])('%s', (_what, start, end, advice, now, expected) => {
    expect(renewalTime(at(start), at(end), advice, at(now))).toEqual(at(expected));
  });

  it('labels the tracking secret as the v4 library does (unit number, sha256 of the CSR)', () => {
    expect(certificateSecretLabel(4, 'pem\n')).toBe('afd8c2bccf834997afce12c2706d2ede-certificate-4-f0aeace912cf19dc1c6fffd41de6e395daeb5462f1221945706bd0674c3005eb');
  });
});

/** One tls-certificates relation as requestCertificate sees it: this unit's bag and the provider's app bag. */
function relation(provider: Record<string, string> = {}) {
  const local: Record<string, string> = {};
  const rel = {
    endpoint: 'peer-certificates',
    localUnitData: { read: async () => ({ ...local }), set: (k: string, v: string) => void (local[k] = v) },
    remoteAppData: async () => ({ read: async () => ({ ...provider }) }),
  } as unknown as Relation;
  return { rel, local, provider };
}

const wanted = certificateRequestFor('peer', { unitName: 'charmed-etcd/1', unitNumber: 1, modelUuid: 'm', ip: '10.0.0.11', hostname: 'host-1' }, { ips: [], dns: [] });
const csrOf = (bag: Record<string, string>): string => readRequestedCsrs(bag).items[0]!.certificate_signing_request;

describe('requestCertificate with renewal', () => {
  it('tracks an issued certificate once, renews its CSR when asked, and tracks the renewed one', async () => {
    const ca = await createTestCa('etcd');
    const { secrets, byLabel } = fakeSecrets();
    const { rel, local, provider } = relation();
    const now = new Date();
    const ask = (extra: { renew?: string; tracked?: string } = {}) => requestCertificate({ secrets, relation: rel, unitNumber: 1, operatorKey: undefined, wanted, now, ...extra });

    expect(await ask()).toMatchObject({ kind: 'waiting' });
    const first = csrOf(local);
    const issued = await ca.issue(first, { validityMs: 90 * HOUR });
    Object.assign(provider, provideDatabag([{ ca: ca.certificatePem, chain: [...issued.chain], certificate: issued.certificate, certificate_signing_request: first }]));

    const offered = await ask();
    expect(offered).toMatchObject({ kind: 'offered', tracked: trackingDigest(first, issued.certificate) });
    const tracking = byLabel.get(certificateSecretLabel(1, first));
    expect(tracking?.content).toEqual({ certificate: issued.certificate.trim(), csr: first.trim() });
    // Renewal is due a third of the validity before the end.
    const leaf = parseCertificate(issued.certificate);
    const third = (leaf.notAfter.getTime() - leaf.notBefore.getTime()) / 3;
    expect(Math.abs(Date.parse(tracking!.expire!) - (leaf.notAfter.getTime() - third))).toBeLessThan(1); // ISO text keeps whole milliseconds

    // Already tracked: nothing written again.
    expect((await ask({ tracked: trackingDigest(first, issued.certificate) })).tracked).toBeUndefined();

    // The secret expired: a new CSR with the same request and key, but new bytes.
    expect(await ask({ renew: first })).toMatchObject({ kind: 'waiting' });
    const second = csrOf(local);
    expect(second).not.toBe(first);
    const [a, b] = [parseCsr(first), parseCsr(second)];
    expect({ ...b }).toEqual({ ...a });
    expect(JSON.parse(local[CSRS_KEY]!)).toHaveLength(1);

    // A renewal asked for a CSR no longer published changes nothing.
    await ask({ renew: first });
    expect(csrOf(local)).toBe(second);
  });
});
