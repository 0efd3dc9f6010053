/**
 * A certificate authority for tests, the way self-signed-certificates-operator
 * issues: a self-signed RSA CA, and leaf certificates that copy the CSR's
 * subject and SANs with `chain = [certificate, ca]`. Real X.509 from
 * @peculiar/x509; shared by the etcd-level TLS tests and the TLS provider
 * test charm.
 */
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
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
  /** PKCS#8 PEM of the CA's key (a provider charm keeps it in a secret and loads it with {@link loadTestCa}). */
  readonly privateKeyPem: string;
  /** Signs `csrPem`; `validityMs` defaults to 90 days (SSC's `certificate-validity` default). */
  issue(csrPem: string, options?: { readonly validityMs?: number; readonly notBefore?: Date; readonly basicConstraints?: boolean }): Promise<IssuedCertificate>;
}

// Random serials: a provider charm issues from a new process in every hook, so a counter would repeat.
const nextSerial = (): string => `01${randomBytes(15).toString('hex')}`;

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
  return caFrom(ca, keys.privateKey, await exportPkcs8(keys.privateKey));
}

async function exportPkcs8(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

/** A CA from its certificate and PKCS#8 key, as {@link createTestCa} made them. */
export async function loadTestCa(certificatePem: string, privateKeyPem: string): Promise<TestCa> {
  const der = Buffer.from(privateKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const key = await webcrypto.subtle.importKey('pkcs8', der, ALG, true, ['sign']);
  return caFrom(new x509.X509Certificate(certificatePem.trim()), key, privateKeyPem);
}

function caFrom(ca: x509.X509Certificate, signingKey: webcrypto.CryptoKey, privateKeyPem: string): TestCa {
  const certificatePem = `${ca.toString('pem')}\n`;
  return {
    certificatePem,
    privateKeyPem,
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
        signingKey,
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
