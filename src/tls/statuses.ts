/** Canonical's TLS status texts (reference charmed-etcd-relations.md 2.7), apart so that showing them loads no X.509 code. */
import type { TlsKind } from './request.js';

/** Blocked: an operator key that is not a usable one. */
export const INVALID_PRIVATE_KEY = 'The private key provided is not valid. Please provide a valid private key';

/** A side's certificate ends within a day (`openssl x509 -checkend 86400`). */
export const certificatesExpiring = (kind: TlsKind): string => `TLS ${kind} certificates expiring soon. Please ensure new certificates are provided`;
