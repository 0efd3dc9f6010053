/**
 * Certificate renewal as the tls-certificates v4 requirer does it
 * (lib/charms/tls_certificates_interface/v4/tls_certificates.py):
 * - each certificate the unit receives is tracked in a unit-owned secret
 *   labelled `<LIBID>-certificate-<unit number>-<sha256 of the CSR>`, content
 *   `certificate` and `csr`, that expires at the certificate's notification
 *   time (the provider's `recommended_expiry_notification_time` hours before
 *   its end, else a third of its validity before it; its end once that time
 *   has passed);
 * - when Juju runs `secret-expired` for it, the unit replaces the CSR with a
 *   new one (same key and attributes; the X500 unique identifier makes it new
 *   bytes) and removes the secret. The provider signs the new CSR, and the
 *   certificate is installed with no restart: etcd reads certificate files at
 *   every handshake.
 */
import { createHash } from 'node:crypto';
import { isSecretNotFoundError, type JujuContext } from '../../lib/juju/index.js';
import type { KeySecrets } from './private-key.js';
import { TLS_LIB_ID } from './private-key.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const labelPrefix = (unitNumber: number): string => `${TLS_LIB_ID}-certificate-${unitNumber}-`;

export const certificateSecretLabel = (unitNumber: number, csrPem: string): string => `${labelPrefix(unitNumber)}${sha256(csrPem.trim())}`;

/** What the unit's peer record keeps to know a certificate is already tracked (the secret and it commit together). */
export const trackingDigest = (csrPem: string, certificatePem: string): string => sha256(`${csrPem.trim()}\n${certificatePem.trim()}`).slice(0, 32);

/** When `secret-expired` should come for a certificate valid from `notBefore` to `notAfter`. */
export function renewalTime(notBefore: Date, notAfter: Date, recommendedHours: number | undefined, now: Date): Date {
  let notify: Date | undefined;
  if (recommendedHours !== undefined) {
    const recommended = new Date(notAfter.getTime() - Math.abs(recommendedHours) * 3_600_000);
    if (recommended > notBefore) notify = recommended;
  }
  notify ??= new Date(notAfter.getTime() - (notAfter.getTime() - notBefore.getTime()) / 3);
  return now < notify ? notify : notAfter;
}

/** Creates or updates the tracking secret of one issued certificate. */
export async function trackCertificate(
  secrets: KeySecrets,
  unitNumber: number,
  issued: { readonly csr: string; readonly certificate: string },
  expire: Date,
): Promise<void> {
  const label = certificateSecretLabel(unitNumber, issued.csr);
  const content = { certificate: issued.certificate.trim(), csr: issued.csr.trim() };
  try {
    const info = await secrets.info({ label });
    await secrets.set(info.id, { content, expire: expire.toISOString() });
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
    await secrets.add(content, { label, owner: 'unit', expire: expire.toISOString() });
  }
}

/** This hook's expired certificate-tracking secret, if it is one: its id and the CSR to replace. */
export async function expiredCertificate(context: JujuContext, unitNumber: number, secrets: KeySecrets): Promise<{ readonly id: string; readonly csr: string | undefined } | undefined> {
  const { event } = context;
  if (event.kind !== 'hook' || event.name !== 'secret-expired' || event.secret === undefined) return undefined;
  if (event.secret.label?.startsWith(labelPrefix(unitNumber)) !== true) return undefined;
  try {
    const content = await secrets.get({ id: event.secret.id });
    return { id: event.secret.id, csr: content['csr'] };
  } catch (error) {
    if (isSecretNotFoundError(error)) return undefined; // removed already (a retried hook)
    throw error;
  }
}

/** Removes the expired tracking secret; a later certificate gets a new one. */
export async function dropTracking(secrets: KeySecrets, id: string): Promise<void> {
  try {
    await secrets.remove(id);
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
  }
}
