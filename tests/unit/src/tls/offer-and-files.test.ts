import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SNAP_DAEMON_ID } from '../../../../src/etcd/paths.js';
import { readInstalled, removeSide, sideFiles, writeSide } from '../../../../src/tls/files.js';
import { checkOffer, expiresWithinADay } from '../../../../src/tls/offer.js';
import { certificateRequestFor } from '../../../../src/tls/request.js';
import { createCsr, generatePrivateKey } from '../../../../src/tls/x509.js';
import { createTestCa, type TestCa } from '../../../support/test-ca.js';

const unit = { unitName: 'charmed-etcd/0', unitNumber: 0, modelUuid: 'u', ip: '10.0.0.1', hostname: 'm0' };
const wanted = certificateRequestFor('peer', unit, { ips: [], dns: [] });
let ca: TestCa;
let key: string;
let csr: string;

beforeAll(async () => {
  ca = await createTestCa('etcd');
  key = await generatePrivateKey();
  csr = await createCsr(wanted, key);
});

describe('checkOffer', () => {
  const now = new Date();
  const provided = async (overrides: { csr?: string; validityMs?: number; issuer?: TestCa } = {}) => {
    const issued = await (overrides.issuer ?? ca).issue(overrides.csr ?? csr, overrides.validityMs === undefined ? {} : { validityMs: overrides.validityMs });
    return { ca: issued.ca, chain: [...issued.chain], certificate: issued.certificate, certificate_signing_request: overrides.csr ?? csr };
  };

  it('accepts a certificate for our key and request that chains to the named CA', async () => {
    const check = checkOffer(await provided(), key, wanted, now);
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.offered.intermediates).toEqual([]);
  });

  it('refuses a CA certificate where a leaf is due', async () => {
    const p = await provided();
    expect(checkOffer({ ...p, certificate: p.ca }, key, wanted, now)).toEqual({ ok: false, reason: 'the provider sent a CA certificate, not one for this unit' });
  });

  it("refuses a certificate for another key, an outdated request, another CA's signature, or one past its end", async () => {
    const otherKey = await generatePrivateKey();
    expect(checkOffer(await provided({ csr: await createCsr(wanted, otherKey) }), key, wanted, now)).toEqual({ ok: false, reason: "the certificate is not for this unit's private key" });
    const oldRequest = await createCsr({ ...wanted, sansIp: ['10.0.0.99'] }, key);
    expect(checkOffer(await provided({ csr: oldRequest }), key, wanted, now)).toEqual({ ok: false, reason: 'the certificate answers an outdated request' });
    const p = await provided();
    const stranger = await createTestCa('other');
    expect(checkOffer({ ...p, ca: stranger.certificatePem }, key, wanted, now)).toMatchObject({ ok: false, reason: expect.stringMatching(/^the certificate does not chain to the CA the provider named/) });
    const later = new Date(now.getTime() + 2 * 3600_000);
    expect(checkOffer(await provided({ validityMs: 3600_000 }), key, wanted, later)).toMatchObject({ ok: false, reason: expect.stringMatching(/^the certificate expired at /) });
  });

  it('warns a day before the end, as openssl -checkend 86400 does', () => {
    const end = new Date('2027-01-02T00:00:00Z');
    expect(expiresWithinADay(end, new Date('2026-12-31T23:59:59Z'))).toBe(false);
    expect(expiresWithinADay(end, new Date('2027-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('TLS files', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'tls-files-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes a side for snap_daemon (key 0600), reads back the leaf and the provider CAs without the extras, and removes it', async () => {
    const issued = await ca.issue(csr);
    const extra = (await createTestCa('client-ca')).certificatePem;
    const files = await writeSide(root, 'client', { certificate: issued.certificate, cas: [issued.ca], key }, [extra]);
    expect(files).toEqual(sideFiles(root, 'client'));
    expect(files.certFile).toBe(path.join(root, 'var/snap/charmed-etcd/current/tls/client.pem'));
    const key0 = statSync(files.keyFile);
    expect([key0.mode & 0o777, key0.uid, key0.gid]).toEqual([0o600, SNAP_DAEMON_ID, SNAP_DAEMON_ID]);
    expect(readFileSync(files.trustedCaFile, 'utf8')).toBe(issued.ca + extra);
    expect(await readInstalled(root, 'client')).toEqual({ certificate: issued.certificate, cas: [issued.ca] });
    expect(await readInstalled(root, 'peer')).toBeUndefined();
    await removeSide(root, 'client');
    expect(await readInstalled(root, 'client')).toBeUndefined();
  });
});
