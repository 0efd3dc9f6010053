/**
 * One unit's side of one tls-certificates relation, per hook: its private
 * key (generated or the operator's), its one CSR in the unit databag (a new
 * one only when the key or the wanted attributes changed, since each new CSR
 * makes the provider sign again), and the provider's answer, checked.
 */
import type { Relation } from '../../lib/juju/index.js';
import { checkOffer, type OfferCheck } from './offer.js';
import { unitPrivateKey, type KeySecrets } from './private-key.js';
import { matchesRequest } from './request.js';
import { certificateFor, readProvidedCertificates, readRequestedCsrs, requestDatabag } from './tls-certificates-v4.js';
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

export async function requestCertificate(input: CertificateRequestInput): Promise<CertificateAnswer> {
  const { relation, wanted } = input;
  const key = await unitPrivateKey(input.secrets, input.unitNumber, relation.endpoint, input.operatorKey);
  if (!key.ok) return { kind: 'bad-key', reason: key.reason };
  let csr = readRequestedCsrs(await relation.localUnitData.read()).items[0]?.certificate_signing_request;
  if (csr === undefined || !csrStillFits(csr, wanted, publicKeyOfPrivateKey(key.pem))) {
    csr = await createCsr(wanted, key.pem);
    for (const [k, v] of Object.entries(requestDatabag(csr))) relation.localUnitData.set(k, v);
  }
  const provided = certificateFor(readProvidedCertificates(await (await relation.remoteAppData()).read()).items, csr);
  if (provided === undefined) return { kind: 'waiting', key: key.pem };
  const checked = checkOffer(provided, key.pem, wanted, input.now);
  return checked.ok ? { kind: 'offered', key: key.pem, offered: checked.offered } : { kind: 'refused', key: key.pem, reason: checked.reason };
}
