/** Secrets: owners, revisions, grants and consumers. */

export type RotatePolicy = 'never' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

export type SecretOwner =
  | { kind: 'application'; name: string }
  | { kind: 'unit'; name: string }
  /** A user secret (`juju add-secret`, Juju 3). */
  | { kind: 'model' };

export interface SecretRevision {
  revision: number;
  /** Decoded values (Juju stores base64; `secret-get` returns decoded strings). */
  content: Record<string, string>;
  createdAt: string;
  /** ISO-8601: when Juju runs `secret-expired` for this revision on the owner (Juju keeps expiry per revision). */
  expire?: string;
  /** When the last `secret-expired` for it was queued: Juju queues it again 5 minutes later until the revision goes. */
  expiryQueuedAt?: number;
}

/** Access given with `secret-grant` (or `juju grant-secret` for user secrets). */
export interface SecretGrant {
  scope: 'application' | 'unit';
  /** Application or unit name. */
  subject: string;
  /** Relation the grant was made over; absent for user-secret grants. */
  relationId?: number;
}

export interface SecretConsumer {
  /** The revision this unit is pinned to. */
  revision: number;
  label?: string;
}

export interface SecretModel {
  /** 20 characters, `[0-9a-v]`; the URI is `secret:<id>`. */
  id: string;
  owner: SecretOwner;
  /** The owner's label. */
  label?: string;
  description?: string;
  rotate?: RotatePolicy;
  /** ISO-8601 expiry of the latest revision (what `secret-info-get` shows). */
  expire?: string;
  revisions: SecretRevision[];
  grants: SecretGrant[];
  /** Per consuming unit name. */
  consumers: Record<string, SecretConsumer>;
  /** A user secret's name (`juju add-secret NAME`). */
  name?: string;
}

/** `secret:<id>`. */
export const secretUri = (id: string): string => `secret:${id}`;

const SECRET_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

/** The n-th deterministic secret id: `d` then n in base 32, zero-padded to 20 characters. */
export const secretIdFor = (n: number): string => {
  let tail = '';
  for (let rest = n; rest > 0; rest = Math.floor(rest / 32)) tail = SECRET_ID_ALPHABET[rest % 32] + tail;
  return `d${tail.padStart(19, '0')}`;
};

/** The latest revision of a secret. Throws if it has none (a model invariant). */
export const latestRevision = (secret: SecretModel): SecretRevision => {
  const last = secret.revisions[secret.revisions.length - 1];
  if (!last) throw new Error(`secret ${secret.id} has no revisions`);
  return last;
};
