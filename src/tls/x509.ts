/**
 * The one adapter over X.509: private keys with node's crypto, CSRs and
 * certificate parsing with @peculiar/x509 (node has no CSR support and its
 * X509Certificate gives names only as text). Nothing here knows etcd or Juju.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its parsers through tsyringe, which needs it
import { createPrivateKey, createPublicKey, generateKeyPair, randomUUID, webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
/** tls-certificates v4 refuses RSA keys under 2048 bits (`PrivateKey.is_valid`); it generates 2048. */
export const MIN_RSA_BITS = 2048;
/** x500UniqueIdentifier: the v4 library puts a fresh UUID in every CSR subject so each request is distinct. */
const X500_UNIQUE_IDENTIFIER = '2.5.4.45';

/** What a unit asks a certificate for (the v4 library's `CertificateRequestAttributes`, the fields we use). */
export interface CertificateRequestAttributes {
  readonly commonName: string;
  readonly organization?: string | undefined;
  readonly sansIp: readonly string[];
  readonly sansDns: readonly string[];
}

/** A new RSA-2048 private key as PKCS#8 PEM, the kind the v4 library generates. */
export async function generatePrivateKey(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: MIN_RSA_BITS,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return privateKey;
}

export type PrivateKeyCheck = { readonly ok: true; readonly pem: string } | { readonly ok: false; readonly reason: string };

/**
 * Checks a private key an operator gave (the `tls-*-private-key` secrets):
 * PEM, or base64 of a PEM (Canonical's `read_and_validate_private_key`
 * accepts both), unencrypted, RSA of at least 2048 bits.
 */
export function checkPrivateKey(text: string): PrivateKeyCheck {
  let pem = text.trim();
  if (!pem.startsWith('-----BEGIN')) {
    const decoded = Buffer.from(pem, 'base64').toString('utf8').trim();
    if (!decoded.startsWith('-----BEGIN')) return { ok: false, reason: 'not a PEM key, nor base64 of one' };
    pem = decoded;
  }
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa') return { ok: false, reason: `an ${key.asymmetricKeyType ?? 'unknown'} key, not RSA` };
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return { ok: false, reason: `RSA key of ${bits} bits, under ${MIN_RSA_BITS}` };
    return { ok: true, pem: `${key.export({ type: 'pkcs8', format: 'pem' }).toString().trim()}\n` };
  } catch (error) {
    return { ok: false, reason: `unreadable key: ${(error as Error).message}` };
  }
}

/** The PEM SubjectPublicKeyInfo of a private key, a CSR or a certificate: what "matches" compares. */
export function publicKeyOfPrivateKey(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString().trim();
}

/** Signs a PKCS#10 request for `attributes` with `privateKeyPem` (SHA-256, UTF8String names, as Python's cryptography writes them). */
export async function createCsr(attributes: CertificateRequestAttributes, privateKeyPem: string): Promise<string> {
  const der = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, RSA_SHA256, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' }), RSA_SHA256, true, ['verify']);
  const name: Record<string, { utf8String: string }[]>[] = [
    { CN: [{ utf8String: attributes.commonName }] },
    { [X500_UNIQUE_IDENTIFIER]: [{ utf8String: randomUUID() }] },
  ];
  if (attributes.organization) name.push({ O: [{ utf8String: attributes.organization }] });
  const sans = [
    ...attributes.sansIp.map((value) => ({ type: 'ip' as const, value })),
    ...attributes.sansDns.map((value) => ({ type: 'dns' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: new x509.Name(name),
    keys: { privateKey, publicKey },
    signingAlgorithm: RSA_SHA256,
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(sans)] : [],
  });
  return `${csr.toString('pem')}\n`;
}

/** What the charm reads of a CSR or certificate. */
export interface NameAndSans {
  readonly commonName: string | undefined;
  readonly organization: string | undefined;
  readonly sansIp: readonly string[];
  readonly sansDns: readonly string[];
  /** SubjectPublicKeyInfo, PEM. */
  readonly publicKey: string;
}

export interface ParsedCertificate extends NameAndSans {
  readonly pem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  /** A BasicConstraints extension is present (whatever it says). */
  readonly hasBasicConstraints: boolean;
  /** Its key usage allows signing certificates or CRLs (keyCertSign or cRLSign). */
  readonly signsCertificates: boolean;
  /** SHA-256 of the DER, colon-separated hex (as `openssl x509 -fingerprint -sha256`). */
  readonly fingerprint256: string;
  readonly issuer: string;
  readonly subject: string;
}

/** Throws when the text is not one PEM certificate. */
export function parseCertificate(pem: string): ParsedCertificate {
  const cert = new x509.X509Certificate(pem.trim());
  const node = new NodeX509(pem.trim());
  const constraints = extension(cert.extensions, x509.BasicConstraintsExtension);
  const usages = extension(cert.extensions, x509.KeyUsagesExtension)?.usages ?? 0;
  return {
    ...namesOf(cert.subjectName, extension(cert.extensions, x509.SubjectAlternativeNameExtension), cert.publicKey),
    pem: `${cert.toString('pem')}\n`,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    isCa: constraints?.ca ?? false,
    hasBasicConstraints: constraints !== null,
    signsCertificates: (usages & (x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign)) !== 0,
    fingerprint256: node.fingerprint256,
    issuer: cert.issuer,
    subject: cert.subject,
  };
}

/** Throws when the text is not one PEM CSR. */
export function parseCsr(pem: string): NameAndSans {
  const csr = new x509.Pkcs10CertificateRequest(pem.trim());
  return namesOf(csr.subjectName, extension(csr.extensions, x509.SubjectAlternativeNameExtension), csr.publicKey);
}

/** `getExtension(Class)` answers null for extensions parsed from a CSR's attributes; instanceof over the list does not. */
function extension<T extends x509.Extension>(list: readonly x509.Extension[], type: abstract new (...args: never[]) => T): T | null {
  return (list.find((e) => e instanceof type) as T | undefined) ?? null;
}

function namesOf(subject: x509.Name, san: x509.SubjectAlternativeNameExtension | null, publicKey: x509.PublicKey): NameAndSans {
  const items = san?.names.items ?? [];
  return {
    commonName: subject.getField('CN')[0],
    organization: subject.getField('O')[0],
    sansIp: items.filter((n) => n.type === 'ip').map((n) => n.value),
    sansDns: items.filter((n) => n.type === 'dns').map((n) => n.value),
    publicKey: publicKey.toString('pem').trim(),
  };
}

/** True when `certPem` was signed by the key of `caPem` (node's own verify, not a name comparison). */
export function issuedBy(certPem: string, caPem: string): boolean {
  try {
    const cert = new NodeX509(certPem.trim());
    const ca = new NodeX509(caPem.trim());
    return cert.checkIssued(ca) && cert.verify(ca.publicKey);
  } catch {
    return false;
  }
}

export { splitPemBlocks } from './pem.js';
