/**
 * One unit's side of one tls-certificates relation, per hook: its private
 * key (generated or the operator's), its one CSR in the unit databag (a new
 * one only when the key or the wanted attributes changed, or a renewal is
 * due, since each new CSR makes the provider sign again), and the provider's
 * answer, checked, and tracked for renewal (src/tls/renewal.ts).
 */
import type { Relation } from '../../lib/juju/index.js';
import { checkOffer, type OfferCheck } from './offer.js';
import { unitPrivateKey, type KeySecrets } from './private-key.js';
import { matchesRequest } from './request.js';
import { certificateFor, readProvidedCertificates, readRequestedCsrs, requestDatabag } from './tls-certificates-v4.js';
import { renewalTime, trackCertificate, trackingDigest } from './renewal.js';
import { createCsr, parseCsr, publicKeyOfPrivateKey, type CertificateRequestAttributes } from './x509.js';

export type CertificateAnswer =
  | { readonly kind: 'bad-key'; readonly reason: string }
  /** The CSR is published; the provider has not answered it (yet). */
  | { readonly kind: 'waiting'; readonly key: string }
  /** The provider answered with something that must not be installed. */
  | { readonly kind: 'refused'; readonly key: string; readonly reason: string }
  | { readonly kind: 'offered'; readonly key: string; readonly offered: Extract<OfferCheck, { ok: true }>['offered'] };

export interface CertificateRequestInput {
  readonly secrets: KeySecrets;
  readonly relation: Relation;
  readonly unitNumber: number;
  /** The operator's key secret for this side, if configured. */
  readonly operatorKey: string | undefined;
  readonly wanted: CertificateRequestAttributes;
  readonly now: Date;
  /** The CSR a `secret-expired` asks to renew: replaced by a new one if it is still the published one. */
  readonly renew?: string | undefined;
  /** The digest of the certificate already tracked for renewal (the unit's peer record). */
  readonly tracked?: string | undefined;
}

/** What the caller records once the answer's certificate is tracked for renewal. */
export interface Tracking {
  readonly tracked?: string;
}

/** Whether `csrPem` asks for `wanted` with the key `publicKey`; an unparsable CSR does not. */
function csrStillFits(csrPem: string, wanted: CertificateRequestAttributes, publicKey: string): boolean {
  try {
    const csr = parseCsr(csrPem);
    return matchesRequest(csr, wanted) && csr.publicKey === publicKey;
  } catch {
    return false;
  }
}

export async function requestCertificate(input: CertificateRequestInput): Promise<CertificateAnswer & Tracking> {
  const { relation, wanted } = input;
  const key = await unitPrivateKey(input.secrets, input.unitNumber, relation.endpoint, input.operatorKey);
  if (!key.ok) return { kind: 'bad-key', reason: key.reason };
  let csr = readRequestedCsrs(await relation.localUnitData.read()).items[0]?.certificate_signing_request;
  const renewing = csr !== undefined && input.renew !== undefined && csr.trim() === input.renew.trim();
  if (csr === undefined || renewing || !csrStillFits(csr, wanted, publicKeyOfPrivateKey(key.pem))) {
    csr = await createCsr(wanted, key.pem);
    for (const [k, v] of Object.entries(requestDatabag(csr))) relation.localUnitData.set(k, v);
  }
  const provided = certificateFor(readProvidedCertificates(await (await relation.remoteAppData()).read()).items, csr);
  if (provided === undefined) return { kind: 'waiting', key: key.pem };
  const checked = checkOffer(provided, key.pem, wanted, input.now);
  if (!checked.ok) return { kind: 'refused', key: key.pem, reason: checked.reason };
  const answer = { kind: 'offered', key: key.pem, offered: checked.offered } as const;
  // Tracked once per certificate: the secret and the digest in the peer record commit together.
  const digest = trackingDigest(csr, provided.certificate);
  if (digest === input.tracked) return answer;
  const { notBefore, notAfter } = checked.offered;
  const expire = renewalTime(notBefore, notAfter, provided.recommended_expiry_notification_time ?? undefined, input.now);
  await trackCertificate(input.secrets, input.unitNumber, { csr, certificate: provided.certificate }, expire);
  return { ...answer, tracked: digest };
}
