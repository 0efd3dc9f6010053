/**
 * Each unit's private key per TLS relation, kept where Canonical's v4 library
 * keeps it, so a unit refreshed from Canonical's charm keeps its key: a
 * unit-owned secret labelled `<LIBID>-private-key-<unit number>-<relation>`,
 * content key `private-key`. An operator key (`tls-peer-private-key` /
 * `tls-client-private-key`, a secret with key `private-key`) replaces it, and
 * the generated one is removed, as the library does.
 */
import { isSecretNotFoundError, type Secrets } from '../../lib/juju/index.js';
import { checkPrivateKey, generatePrivateKey } from './x509.js';

/** tls_certificates_interface v4's LIBID. */
export const TLS_LIB_ID = 'afd8c2bccf834997afce12c2706d2ede';
export const privateKeyLabel = (unitNumber: number, relationName: string): string => `${TLS_LIB_ID}-private-key-${unitNumber}-${relationName}`;

export { INVALID_PRIVATE_KEY } from './statuses.js';

/** The secret operations this needs (a hook's `Secrets`). */
export type KeySecrets = Pick<Secrets, 'get' | 'add' | 'set' | 'info' | 'remove'>;

export type UnitKey = { readonly ok: true; readonly pem: string; readonly source: 'operator' | 'generated' } | { readonly ok: false; readonly reason: string };

export async function unitPrivateKey(secrets: KeySecrets, unitNumber: number, relationName: string, operatorSecretUri: string | undefined): Promise<UnitKey> {
  const label = privateKeyLabel(unitNumber, relationName);
  if (operatorSecretUri !== undefined) {
    let content: Record<string, string>;
    try {
      content = await secrets.get({ id: operatorSecretUri, refresh: true });
    } catch (error) {
      if (isSecretNotFoundError(error)) return { ok: false, reason: `secret ${operatorSecretUri} not found or not granted` };
      throw error;
    }
    const checked = checkPrivateKey(content['private-key'] ?? '');
    if (!checked.ok) return { ok: false, reason: checked.reason };
    await removeGenerated(secrets, label);
    return { ok: true, pem: checked.pem, source: 'operator' };
  }
  let exists = false;
  try {
    const content = await secrets.get({ label });
    exists = true;
    const checked = checkPrivateKey(content['private-key'] ?? '');
    if (checked.ok) return { ok: true, pem: checked.pem, source: 'generated' };
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
  }
  const pem = await generatePrivateKey();
  // A label is unique per owner: a secret holding something unusable gets new content, not a twin.
  if (exists) await secrets.set((await secrets.info({ label })).id, { content: { 'private-key': pem } });
  else await secrets.add({ 'private-key': pem }, { label, owner: 'unit' });
  return { ok: true, pem, source: 'generated' };
}

async function removeGenerated(secrets: KeySecrets, label: string): Promise<void> {
  try {
    const info = await secrets.info({ label });
    await secrets.remove(info.id);
  } catch (error) {
    if (!isSecretNotFoundError(error)) throw error;
  }
}
