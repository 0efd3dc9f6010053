import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkPrivateKey, createCsr, generatePrivateKey, issuedBy, parseCertificate, parseCsr, publicKeyOfPrivateKey, splitPemBlocks } from '../../../../src/tls/x509.js';
import { createTestCa, type TestCa } from '../../../support/test-ca.js';

const attributes = { commonName: 'charmed-etcd/1-0b2f', organization: 'peer', sansIp: ['10.1.2.3'], sansDns: ['charmed-etcd/1', 'machine-1'] };

describe('x509', () => {
  let key: string;
  let ca: TestCa;
  beforeAll(async () => {
    key = await generatePrivateKey();
    ca = await createTestCa('etcd');
  });

  it('generates RSA-2048 PKCS#8 keys that pass the operator-key check', () => {
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(checkPrivateKey(key)).toEqual({ ok: true, pem: key.trim() + '\n' });
  });

  it('signs a CSR carrying the subject, SANs and public key asked for, each with a fresh unique id', async () => {
    const csr = await createCsr(attributes, key);
    const parsed = parseCsr(csr);
    expect(parsed).toMatchObject({ commonName: attributes.commonName, organization: 'peer', sansIp: ['10.1.2.3'], sansDns: ['charmed-etcd/1', 'machine-1'] });
    expect(parsed.publicKey).toBe(publicKeyOfPrivateKey(key));
    expect(await createCsr(attributes, key)).not.toBe(csr);
  });

  it('reads what a CA issued for the CSR, and who issued it', async () => {
    const issued = await ca.issue(await createCsr(attributes, key), { validityMs: 3_600_000 });
    const cert = parseCertificate(issued.certificate);
    expect(cert).toMatchObject({ commonName: attributes.commonName, organization: 'peer', sansIp: ['10.1.2.3'], isCa: false });
    expect(cert.publicKey).toBe(publicKeyOfPrivateKey(key));
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe(3_600_000);
    expect(cert.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(parseCertificate(issued.ca).isCa).toBe(true);
    expect(issuedBy(issued.certificate, issued.ca)).toBe(true);
    expect(issuedBy(issued.certificate, (await createTestCa('etcd')).certificatePem)).toBe(false);
    expect(splitPemBlocks(issued.chain.join(''))).toEqual([issued.certificate, issued.ca]);
  });

  it('accepts an operator key given as base64 of its PEM, and refuses what etcd could not use', () => {
    expect(checkPrivateKey(Buffer.from(key).toString('base64')).ok).toBe(true);
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(checkPrivateKey(small)).toEqual({ ok: false, reason: 'RSA key of 1024 bits, under 2048' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(checkPrivateKey(ec)).toEqual({ ok: false, reason: 'an ec key, not RSA' });
    expect(checkPrivateKey('not a key')).toEqual({ ok: false, reason: 'not a PEM key, nor base64 of one' });
    expect(checkPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----').ok).toBe(false);
  });
});
