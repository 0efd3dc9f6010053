/**
 * What each unit asks its certificates for, as Canonical's charmed-etcd asks
 * (src/events/tls.py): CN `<unit name without the slash>-<model uuid>`, organization `peer` or
 * `client` (which tells the two relations' certificates apart), the unit's
 * private IP, its name and hostname, plus `certificate-extra-sans`.
 */
import { isIP } from 'node:net';
import type { CertificateRequestAttributes } from './x509.js';

export type TlsKind = 'peer' | 'client';
export const TLS_KINDS: readonly TlsKind[] = ['peer', 'client'];

export interface UnitIdentity {
  readonly unitName: string;
  readonly unitNumber: number;
  readonly modelUuid: string;
  readonly ip: string;
  readonly hostname: string;
}

export interface ExtraSans {
  readonly ips: readonly string[];
  readonly dns: readonly string[];
}

export type ExtraSansResult = { readonly ok: true; readonly sans: ExtraSans } | { readonly ok: false; readonly reason: string };

// RFC 1123 host names: labels of letters, digits and inner hyphens, 1-63 characters, 253 in all.
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const isHostname = (name: string): boolean => name.length <= 253 && name.split('.').every((label) => LABEL.test(label));

/**
 * Parses `certificate-extra-sans`: comma-separated IPs and host names,
 * `{unit}` standing for the unit number; wildcards are refused, as
 * Canonical's docs say. The empty string is no extra SANs.
 */
export function parseExtraSans(value: string, unitNumber: number): ExtraSansResult {
  const ips: string[] = [];
  const dns: string[] = [];
  for (const raw of value.split(',')) {
    const entry = raw.trim().replaceAll('{unit}', String(unitNumber));
    if (entry === '') continue;
    if (entry.includes('*')) return { ok: false, reason: `wildcards are not allowed: ${entry}` };
    if (isIP(entry)) ips.push(entry);
    else if (isHostname(entry)) dns.push(entry.toLowerCase());
    else return { ok: false, reason: `neither an IP address nor a host name: ${entry}` };
  }
  return { ok: true, sans: { ips, dns } };
}

const unique = (values: readonly string[]): string[] => [...new Set(values)].sort();

/**
 * `client-certificate-domain` / `peer-certificate-domain`: a host name, not
 * an IP address (Canonical's Vault test has `192.168.2.200` refused), no
 * wildcard. The empty string is none.
 */
export function parseCertificateDomain(value: string): { readonly ok: true; readonly domain: string | undefined } | { readonly ok: false; readonly reason: string } {
  const domain = value.trim();
  if (domain === '') return { ok: true, domain: undefined };
  if (isIP(domain)) return { ok: false, reason: `an IP address is not a domain: ${domain}` };
  if (domain.includes('*') || !isHostname(domain)) return { ok: false, reason: `not a domain name: ${domain}` };
  return { ok: true, domain: domain.toLowerCase() };
}

/**
 * The attributes of the one certificate this unit requests on the `kind`
 * relation. With a certificate domain, the subject's CN is that domain (an
 * X.509 CN holds at most 64 characters, so the unit's own name cannot carry
 * it as a suffix); the SANs still name the unit.
 */
export function certificateRequestFor(kind: TlsKind, unit: UnitIdentity, extra: ExtraSans, domain?: string): CertificateRequestAttributes {
  return {
    commonName: domain ?? `${unit.unitName.replace('/', '')}-${unit.modelUuid}`,
    organization: kind,
    sansIp: unique([unit.ip, ...extra.ips]),
    sansDns: unique([unit.unitName, unit.hostname, ...extra.dns]),
  };
}

/** True when a CSR or certificate carries exactly what `wanted` asks for (the v4 library's `_csr_matches_certificate_request`). */
export function matchesRequest(
  have: { readonly commonName: string | undefined; readonly organization?: string | undefined; readonly sansIp: readonly string[]; readonly sansDns: readonly string[] },
  wanted: CertificateRequestAttributes,
): boolean {
  const same = (a: readonly string[], b: readonly string[]): boolean => unique(a).join('\n') === unique(b).join('\n');
  return have.commonName === wanted.commonName && have.organization === wanted.organization && same(have.sansIp, wanted.sansIp) && same(have.sansDns, wanted.sansDns);
}
