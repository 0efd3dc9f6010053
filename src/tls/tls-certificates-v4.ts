/**
 * The `tls-certificates` interface as its v4 library writes it (CRI
 * interfaces/tls_certificates/v1): every databag value is JSON.
 *
 * - requirer, unit mode, unit databag: `certificate_signing_requests` =
 *   `[{"certificate_signing_request": "<PEM>", "ca": false}]`
 * - provider, app databag: `certificates` = `[{"ca", "chain", "certificate",
 *   "certificate_signing_request", "revoked"?}]`, raw PEM.
 *
 * Like the library, unknown keys are ignored and a databag that does not
 * parse reads as empty (with the reason kept for the log).
 */
import { z } from 'zod';

export const CSRS_KEY = 'certificate_signing_requests';
export const CERTIFICATES_KEY = 'certificates';

const RequestedCsrSchema = z.object({ certificate_signing_request: z.string().min(1), ca: z.boolean().nullable().optional() });
const ProvidedCertificateSchema = z.object({
  ca: z.string().min(1),
  certificate_signing_request: z.string().min(1),
  certificate: z.string().min(1),
  chain: z.array(z.string()).nullable().optional(),
  revoked: z.boolean().nullable().optional(),
  /** Hours before the end at which the requirer should renew (the provider's advice; v4 lib). */
  recommended_expiry_notification_time: z.number().int().nullable().optional(),
});
export type ProvidedCertificate = z.infer<typeof ProvidedCertificateSchema>;
export type RequestedCsr = z.infer<typeof RequestedCsrSchema>;

export type Read<T> = { readonly items: readonly T[]; readonly problem?: string };

function readJsonList<T>(bag: Readonly<Record<string, string>>, key: string, schema: z.ZodType<T>): Read<T> {
  const raw = bag[key];
  if (raw === undefined || raw === '') return { items: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { items: [], problem: `${key} is not JSON` };
  }
  const parsed = z.array(schema).safeParse(json);
  if (!parsed.success) return { items: [], problem: `${key}: ${parsed.error.issues[0]?.message ?? 'invalid'}` };
  return { items: parsed.data };
}

/** The CSRs a requirer unit published. */
export const readRequestedCsrs = (unitBag: Readonly<Record<string, string>>): Read<RequestedCsr> => readJsonList(unitBag, CSRS_KEY, RequestedCsrSchema);

/** The certificates a provider published in its app databag. */
export const readProvidedCertificates = (appBag: Readonly<Record<string, string>>): Read<ProvidedCertificate> =>
  readJsonList(appBag, CERTIFICATES_KEY, ProvidedCertificateSchema);

/** The requirer unit's databag for one CSR (the library strips the PEM). */
export const requestDatabag = (csrPem: string): Record<string, string> => ({
  [CSRS_KEY]: JSON.stringify([{ certificate_signing_request: csrPem.trim(), ca: false }]),
});

/** The provider's app databag for a list of issued certificates. */
export const provideDatabag = (certificates: readonly ProvidedCertificate[]): Record<string, string> => ({
  [CERTIFICATES_KEY]: JSON.stringify(certificates),
});

/** The provider's answer to `csrPem`, unless it is missing or revoked. PEM text is compared trimmed, as the library does. */
export function certificateFor(provided: readonly ProvidedCertificate[], csrPem: string): ProvidedCertificate | undefined {
  const wanted = csrPem.trim();
  return provided.find((c) => c.certificate_signing_request.trim() === wanted && c.revoked !== true);
}
