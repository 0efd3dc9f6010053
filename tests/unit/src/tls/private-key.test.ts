import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HookToolError, SecretNotFoundError } from '../../../../lib/juju/index.js';
import { privateKeyLabel, unitPrivateKey, type KeySecrets } from '../../../../src/tls/private-key.js';
import { generatePrivateKey } from '../../../../src/tls/x509.js';

/** Unit-owned secrets by label and id, as `secret-*` would keep them for one unit. */
function fakeSecrets(initial: Record<string, { id: string; content: Record<string, string> }> = {}) {
  const byLabel = new Map(Object.entries(initial));
  const byId = new Map([...byLabel.values()].map((s) => [s.id, s]));
  let next = 1;
  const notFound = (what: string) => new SecretNotFoundError(new HookToolError('secret-get', [what], 1, `ERROR secret "${what}" not found\n`));
  const secrets: KeySecrets = {
    get: async (o) => {
      const s = o.label !== undefined ? byLabel.get(o.label) : byId.get(o.id ?? '');
      if (!s) throw notFound(o.label ?? o.id ?? '');
      return s.content;
    },
    add: async (content, o) => {
      if (o?.label && byLabel.has(o.label)) throw new HookToolError('secret-add', [], 1, 'ERROR secret with label already exists\n');
      const s = { id: `secret:${next++}`, content: { ...content } };
      byId.set(s.id, s);
      if (o?.label) byLabel.set(o.label, s);
      expect(o?.owner).toBe('unit');
      return s.id;
    },
    set: async (id, o) => {
      byId.get(id)!.content = { ...(o.content ?? {}) };
    },
    info: async (t) => {
      const s = 'label' in t ? byLabel.get(t.label) : byId.get(t.id);
      if (!s) throw notFound('label' in t ? t.label : t.id);
      return { id: s.id, revision: 1, label: 'label' in t ? t.label : '', owner: 'unit' };
    },
    remove: async (id) => {
      for (const [label, s] of byLabel) if (s.id === id) byLabel.delete(label);
      byId.delete(id);
    },
  };
  return { secrets, byLabel };
}

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
