/**
 * A certificate authority for tests, the way self-signed-certificates-operator
 * issues: a self-signed RSA CA, and leaf certificates that copy the CSR's
 * subject and SANs with `chain = [certificate, ca]`. Real X.509 from
 * @peculiar/x509; shared by the etcd-level TLS tests and the TLS provider
 * test charm.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface IssuedCertificate {
  readonly certificate: string;
  readonly ca: string;
  readonly chain: readonly string[];
}

export interface TestCa {
  readonly certificatePem: string;
  /** Signs `csrPem`; `validityMs` defaults to 90 days (SSC's `certificate-validity` default). */
  issue(csrPem: string, options?: { readonly validityMs?: number; readonly notBefore?: Date; readonly basicConstraints?: boolean }): Promise<IssuedCertificate>;
}

let serial = 1;
const nextSerial = (): string => (serial++).toString(16).padStart(2, '0');

/** A new CA with common name `commonName` (SSC's `ca-common-name`), valid `validityMs` (default 365 days). */
export async function createTestCa(commonName = 'etcd', validityMs = 365 * DAY_MS): Promise<TestCa> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + validityMs),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const certificatePem = `${ca.toString('pem')}\n`;
  return {
    certificatePem,
    async issue(csrPem, options = {}) {
      const csr = new x509.Pkcs10CertificateRequest(csrPem.trim());
      if (!(await csr.verify())) throw new Error('CSR signature does not verify');
      const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
      const san = csr.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension) as x509.SubjectAlternativeNameExtension | undefined;
      const leaf = await x509.X509CertificateGenerator.create({
        serialNumber: nextSerial(),
        subject: csr.subjectName,
        issuer: ca.subjectName,
        notBefore,
        notAfter: new Date(notBefore.getTime() + (options.validityMs ?? 90 * DAY_MS)),
        publicKey: csr.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: ALG,
        extensions: [
          // Some issuers leave BasicConstraints out of leaves; Canonical's charm refuses those as client certificates.
          ...(options.basicConstraints === false ? [] : [new x509.BasicConstraintsExtension(false, undefined, true)]),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
          // etcd uses one certificate both to serve and to dial its peers, so both purposes.
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
          await x509.AuthorityKeyIdentifierExtension.create(ca),
          ...(san ? [new x509.SubjectAlternativeNameExtension(san.names.toJSON())] : []),
        ],
      });
      const certificate = `${leaf.toString('pem')}\n`;
      return { certificate, ca: certificatePem, chain: [certificate, certificatePem] };
    },
  };
}
