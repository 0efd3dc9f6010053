import type { SnapdContext } from './context.js';
import { SnapError } from './errors.js';
import { tabulate } from './format.js';
import { readState, writeState, type InstalledSnap } from './state.js';

type Json = unknown;

function installedOrThrow(ctx: SnapdContext, name: string): { state: ReturnType<typeof readState>; snap: InstalledSnap } {
  const state = readState(ctx.root);
  const snap = state.snaps[name];
  if (!snap) throw new SnapError(`snap "${name}" is not installed`);
  return { state, snap };
}

/** Looks up a dotted key (`a.b.c`) in a config tree. */
function lookup(config: Record<string, Json>, key: string): Json | undefined {
  let node: Json = config;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, Json>)[part];
    if (node === undefined) return undefined;
  }
  return node;
}

/** Sets (or with `undefined`, unsets) a dotted key, creating intermediate objects. */
function assign(config: Record<string, Json>, key: string, value: Json | undefined): void {
  const parts = key.split('.');
  const last = parts.pop() ?? key;
  let node = config;
  for (const part of parts) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, Json>;
  }
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** How `snap get` shows a value in a table: objects folded to `{...}`. */
const cell = (value: Json): string =>
  typeof value === 'string' ? value : value !== null && typeof value === 'object' && !Array.isArray(value) ? '{...}' : JSON.stringify(value);

/**
 * `snap set [-t|-s] <snap> key=value... key!`: values are JSON when they parse as JSON (strings
 * otherwise; `-s` forces strings, `-t` demands JSON); `key!` unsets.
 * @throws SnapError for a snap that is not installed or a malformed argument.
 */
export function set(ctx: SnapdContext, name: string, pairs: readonly string[], mode: 'auto' | 'string' | 'typed'): void {
  const { state, snap } = installedOrThrow(ctx, name);
  if (pairs.length === 0) throw new SnapError('the required argument `<conf value>` was not provided', 64);
  for (const pair of pairs) {
    if (pair.endsWith('!') && !pair.includes('=')) {
      assign(snap.config, pair.slice(0, -1), undefined);
      continue;
    }
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new SnapError(`invalid configuration: "${pair}" (want key=value)`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    let value: Json = raw;
    if (mode !== 'string') {
      try {
        value = JSON.parse(raw);
      } catch {
        if (mode === 'typed') throw new SnapError(`failed to parse JSON: ${raw}`);
      }
    }
    assign(snap.config, key, value);
  }
  writeState(ctx.root, state);
}

/** `snap unset <snap> key...`. */
export function unset(ctx: SnapdContext, name: string, keys: readonly string[]): void {
  const { state, snap } = installedOrThrow(ctx, name);
  for (const key of keys) assign(snap.config, key, undefined);
  writeState(ctx.root, state);
}

/**
 * `snap get [-d] <snap> [key...]`: one key prints its value (strings raw, the rest as JSON);
 * several keys, or none, print a Key / Value table; `-d` prints a JSON document.
 * @throws SnapError when the snap has no configuration or no such option.
 */
export function get(ctx: SnapdContext, name: string, keys: readonly string[], document: boolean): void {
  const { snap } = installedOrThrow(ctx, name);
  const wanted = keys.length > 0 ? [...keys] : Object.keys(snap.config).sort();
  if (wanted.length === 0) throw new SnapError(`snap "${name}" has no configuration`);
  const values = wanted.map((key) => {
    const value = lookup(snap.config, key);
    if (value === undefined) throw new SnapError(`snap "${name}" has no "${key}" configuration option`);
    return [key, value] as const;
  });
  if (document) {
    ctx.stdout(`${JSON.stringify(Object.fromEntries(values), null, '\t')}\n`);
    return;
  }
  const [only] = values;
  if (keys.length === 1 && only) {
    const value = only[1];
    ctx.stdout(`${typeof value === 'string' ? value : JSON.stringify(value, null, '\t')}\n`);
    return;
  }
  ctx.stdout(tabulate([['Key', 'Value'], ...values.map(([k, v]) => [k, cell(v)])]));
}
