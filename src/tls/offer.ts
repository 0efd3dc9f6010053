/**
 * Whether the provider's answer to this unit's CSR can be installed: the
 * certificate is a leaf for our key and our request, chains to the CA it
 * names, and is inside its validity. A reason otherwise, for the log and
 * status; nothing is installed from an answer that fails.
 */
import { matchesRequest } from './request.js';
import type { ProvidedCertificate } from './tls-certificates-v4.js';
import type { Offered } from './phase.js';
import { issuedBy, parseCertificate, parseCsr, publicKeyOfPrivateKey, splitPemBlocks, type CertificateRequestAttributes } from './x509.js';

export type OfferCheck = { readonly ok: true; readonly offered: Offered & { readonly intermediates: readonly string[]; readonly notBefore: Date; readonly notAfter: Date } } | { readonly ok: false; readonly reason: string };

export function checkOffer(provided: ProvidedCertificate, privateKeyPem: string, wanted: CertificateRequestAttributes, now: Date): OfferCheck {
  let leaf: ReturnType<typeof parseCertificate>;
  let ca: ReturnType<typeof parseCertificate>;
  try {
    leaf = parseCertificate(provided.certificate);
    ca = parseCertificate(provided.ca);
  } catch (error) {
    return { ok: false, reason: `the provider's certificate does not parse: ${(error as Error).message}` };
  }
  if (leaf.isCa) return { ok: false, reason: 'the provider sent a CA certificate, not one for this unit' };
  if (leaf.publicKey !== publicKeyOfPrivateKey(privateKeyPem)) return { ok: false, reason: "the certificate is not for this unit's private key" };
  try {
    if (!matchesRequest(parseCsr(provided.certificate_signing_request), wanted)) return { ok: false, reason: 'the certificate answers an outdated request' };
  } catch {
    return { ok: false, reason: 'the request echoed by the provider does not parse' };
  }
  // Intermediates: the chain between the leaf and the CA, as the provider lists it ([leaf, ..., ca] for SSC and Vault).
  const chain = (provided.chain ?? []).flatMap((pem) => splitPemBlocks(pem));
  const intermediates = chain.filter((pem) => pem.trim() !== provided.certificate.trim() && pem.trim() !== provided.ca.trim());
  const path = [provided.certificate, ...intermediates, provided.ca];
  for (let i = 0; i + 1 < path.length; i++) {
    if (!issuedBy(path[i]!, path[i + 1]!)) return { ok: false, reason: `the certificate does not chain to the CA the provider named (${ca.subject})` };
  }
  if (leaf.notBefore > now) return { ok: false, reason: `the certificate is not valid before ${leaf.notBefore.toISOString()}` };
  if (leaf.notAfter <= now) return { ok: false, reason: `the certificate expired at ${leaf.notAfter.toISOString()}` };
  return { ok: true, offered: { certificate: leaf.pem, ca: ca.pem, intermediates, notBefore: leaf.notBefore, notAfter: leaf.notAfter } };
}

/** Canonical's expiry warning: `openssl x509 -checkend 86400` on the certificate, i.e. it ends within a day. */
export const expiresWithinADay = (notAfter: Date, now: Date): boolean => notAfter.getTime() - now.getTime() <= 86_400_000;
