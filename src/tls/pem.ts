/**
 * PEM text handling that needs no X.509 library, so the modules every hook
 * loads (files, phase, trust bundle) stay light; src/tls/x509.ts, with
 * @peculiar/x509, is loaded only where a key, CSR or offer is handled.
 */
import { X509Certificate } from 'node:crypto';

/** Every PEM certificate block in a text, in order (a chain or a trust bundle). */
export function splitPemBlocks(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => `${m[0]}\n`);
}

/** When a certificate stops being valid (node's own parser). */
export const certificateNotAfter = (pem: string): Date => new Date(new X509Certificate(pem).validTo);
