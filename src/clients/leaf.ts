/**
 * A client's certificate, as Canonical's charm accepts it
 * (`is_leaf_certificate_valid`): the first PEM block is the leaf; it must be
 * an end entity, with a BasicConstraints extension present and CA false and
 * no certificate- or CRL-signing usage; its Common Name becomes the etcd user.
 */
import { parseCertificate, splitPemBlocks } from '../tls/x509.js';

export type LeafCheck = { readonly ok: true; readonly commonName: string; readonly leaf: string; readonly notAfter: Date } | { readonly ok: false; readonly problem: 'missing' | 'ca' | 'unreadable'; readonly detail: string };

export function checkClientLeaf(pem: string | undefined): LeafCheck {
  const first = pem === undefined ? undefined : splitPemBlocks(pem)[0];
  if (first === undefined) return { ok: false, problem: 'missing', detail: 'no PEM certificate' };
  let cert: ReturnType<typeof parseCertificate>;
  try {
    cert = parseCertificate(first);
  } catch (error) {
    return { ok: false, problem: 'unreadable', detail: (error as Error).message };
  }
  if (!cert.hasBasicConstraints || cert.isCa || cert.signsCertificates) return { ok: false, problem: 'ca', detail: `${cert.subject} is not an end-entity certificate` };
  if (cert.commonName === undefined || cert.commonName === '') return { ok: false, problem: 'missing', detail: 'the certificate has no Common Name' };
  return { ok: true, commonName: cert.commonName, leaf: cert.pem, notAfter: cert.notAfter };
}
