/**
 * The X.509 the etcd requirer test charm needs: client leaf certificates
 * (ECDSA P-256 key, CN=<cn>, end entity, clientAuth) signed by its own test CA
 * (tests/support/test-ca.ts, RSA). Written here rather than with the CA's
 * `issue`, which copies a CSR and adds serverAuth: a client leaf is what
 * data-platform-libs' requirers send.
 */
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { createTestCa } from '../support/test-ca.js';

const CA_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const LEAF_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const DAY_MS = 24 * 3600 * 1000;

export interface Pem {
  readonly certificate: string;
  readonly privateKey: string;
}

function pkcs8Pem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

/** A new CA for the requirer's client certificates. */
export async function newRequirerCa(commonName: string): Promise<Pem> {
  const ca = await createTestCa(commonName);
  return { certificate: ca.certificatePem, privateKey: ca.privateKeyPem };
}

/** A new leaf for `commonName` with a fresh key, signed by `ca`. */
export async function issueClientLeaf(ca: Pem, commonName: string): Promise<Pem> {
  const caCert = new x509.X509Certificate(ca.certificate.trim());
  const caKeyDer = Buffer.from(ca.privateKey.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  const signingKey = await webcrypto.subtle.importKey('pkcs8', caKeyDer, CA_ALG, false, ['sign']);
  const keys = (await webcrypto.subtle.generateKey(LEAF_ALG, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 60_000);
  const leaf = await x509.X509CertificateGenerator.create({
    // Random serials: every hook is a new process.
    serialNumber: `01${randomBytes(15).toString('hex')}`,
    subject: new x509.Name([{ CN: [{ utf8String: commonName }] }]),
    issuer: caCert.subjectName,
    notBefore,
    notAfter: new Date(notBefore.getTime() + 90 * DAY_MS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: CA_ALG,
    extensions: [
      // Present with CA=false: the provider refuses a leaf without it (spec 1.6 step 2).
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate: `${leaf.toString('pem')}\n`, privateKey: pkcs8Pem(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
