import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { privateKeyLabel, unitPrivateKey } from '../../../../src/tls/private-key.js';
import { fakeSecrets } from './fake-secrets.js';
import { generatePrivateKey } from '../../../../src/tls/x509.js';

const LABEL = privateKeyLabel(2, 'peer-certificates');

describe('unitPrivateKey', () => {
  it('uses the label Canonical\'s v4 library uses', () => {
    expect(LABEL).toBe('afd8c2bccf834997afce12c2706d2ede-private-key-2-peer-certificates');
  });

  it('generates a key once into a unit-owned secret, and reads the same key back after', async () => {
    const { secrets, byLabel } = fakeSecrets();
    const first = await unitPrivateKey(secrets, 2, 'peer-certificates', undefined);
    expect(first).toMatchObject({ ok: true, source: 'generated' });
    expect(byLabel.get(LABEL)?.content['private-key']).toBe(first.ok && first.pem);
    expect(await unitPrivateKey(secrets, 2, 'peer-certificates', undefined)).toEqual(first);
  });

  it('replaces unusable content in the existing secret instead of adding a second with the same label', async () => {
    const { secrets, byLabel } = fakeSecrets({ [LABEL]: { id: 'secret:old', content: { 'private-key': 'garbage' } } });
    const key = await unitPrivateKey(secrets, 2, 'peer-certificates', undefined);
    expect(key.ok).toBe(true);
    expect(byLabel.get(LABEL)?.id).toBe('secret:old');
  });

  it("takes the operator's key and removes the generated one", async () => {
    const operatorKey = await generatePrivateKey();
    const { secrets, byLabel } = fakeSecrets({
      [LABEL]: { id: 'secret:gen', content: { 'private-key': await generatePrivateKey() } },
      operator: { id: 'secret:op', content: { 'private-key': Buffer.from(operatorKey).toString('base64') } },
    });
    expect(await unitPrivateKey(secrets, 2, 'peer-certificates', 'secret:op')).toEqual({ ok: true, pem: operatorKey.trim() + '\n', source: 'operator' });
    expect(byLabel.has(LABEL)).toBe(false);
  });

  it('refuses an operator key that etcd could not use, or a secret it cannot read, and keeps the generated key', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { secrets, byLabel } = fakeSecrets({ [LABEL]: { id: 'secret:gen', content: { 'private-key': await generatePrivateKey() } }, operator: { id: 'secret:op', content: { 'private-key': small } } });
    expect(await unitPrivateKey(secrets, 2, 'peer-certificates', 'secret:op')).toEqual({ ok: false, reason: 'RSA key of 1024 bits, under 2048' });
    expect(await unitPrivateKey(secrets, 2, 'peer-certificates', 'secret:missing')).toEqual({ ok: false, reason: 'secret secret:missing not found or not granted' });
    expect(byLabel.has(LABEL)).toBe(true);
  });
});
