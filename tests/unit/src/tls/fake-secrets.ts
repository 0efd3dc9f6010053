import { expect } from 'vitest';
import { HookToolError, SecretNotFoundError } from '../../../../lib/juju/index.js';
import type { KeySecrets } from '../../../../src/tls/private-key.js';

/** A unit-owned secret as the fake keeps it. */
export interface Held {
  id: string;
  content: Record<string, string>;
  expire?: string;
}

/** Unit-owned secrets by label and id, as `secret-*` would keep them for one unit. */
export function fakeSecrets(initial: Record<string, Held> = {}) {
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
      const s: Held = { id: `secret:${next++}`, content: { ...content }, ...(o?.expire === undefined ? {} : { expire: o.expire }) };
      byId.set(s.id, s);
      if (o?.label) byLabel.set(o.label, s);
      expect(o?.owner).toBe('unit');
      return s.id;
    },
    set: async (id, o) => {
      const s = byId.get(id)!;
      if (o.content !== undefined) s.content = { ...o.content };
      if (o.expire !== undefined) s.expire = o.expire;
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
