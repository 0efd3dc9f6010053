/** Parsing of CLI input the way juju does it: durations, `k=v` action params, typed config values. */
import yaml from 'js-yaml';
import { parseGoDuration } from '../../lib/units/go-duration.js';
import type { CharmConfigOption, ConfigValue } from '../../lib/juju/testing/fake-juju/model.js';

/** Bad input from the user; the CLI prints `ERROR <message>` and exits 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/**
 * A Go duration (`500ms`, `10s`, `5m`, `1h30m`) or a bare number of seconds →
 * whole milliseconds. Throws {@link InputError} for anything else.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+(?:\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : parseGoDuration(trimmed);
  if (ms === undefined) throw new InputError(`invalid duration ${JSON.stringify(text)} (expected e.g. 500ms, 10s, 5m)`);
  return Math.round(ms);
}

/** Splits `k=v` at the first `=`. Throws {@link InputError} when there is no `=` or no key. */
export function splitPair(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new InputError(`expected "key=value", got ${JSON.stringify(arg)}`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/**
 * Action params as `juju run` reads them: each value is a YAML scalar (`3` is a number,
 * `true` a boolean, `'3'` a string) and dotted keys nest (`a.b=1` → `{a: {b: 1}}`).
 * Throws {@link InputError} for a malformed pair.
 */
export function parseActionParams(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    const [key, raw] = splitPair(arg);
    let value: unknown;
    try {
      value = raw === '' ? '' : yaml.load(raw);
    } catch {
      value = raw;
    }
    if (value === null || value === undefined) value = raw;
    const segments = key.split('.');
    let node = out;
    for (const segment of segments.slice(0, -1)) {
      const next = node[segment];
      if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
      else node = node[segment] = {} as Record<string, unknown>;
    }
    node[segments[segments.length - 1] as string] = value;
  }
  return out;
}

/**
 * One config value typed per config.yaml, as `juju config` checks it.
 * Throws {@link InputError} for an unknown option or a value of the wrong type.
 */
export function parseConfigValue(options: Readonly<Record<string, CharmConfigOption>>, key: string, raw: string): ConfigValue {
  const option = options[key];
  if (!option) throw new InputError(`unknown option ${JSON.stringify(key)}`);
  const bad = (): InputError => new InputError(`option ${JSON.stringify(key)} expected ${option.type}, got ${JSON.stringify(raw)}`);
  switch (option.type) {
    case 'string':
      return raw;
    case 'int':
      if (!/^[+-]?\d+$/.test(raw.trim())) throw bad();
      return Number(raw);
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad();
      return n;
    }
    case 'boolean':
      if (/^(true|yes|on)$/i.test(raw)) return true;
      if (/^(false|no|off)$/i.test(raw)) return false;
      throw bad();
    case 'secret':
      if (!/^secret:(\/\/[0-9a-f-]+\/)?[0-9a-v]{20}$/.test(raw)) throw bad();
      return raw;
  }
}

/** `k=v` pairs → typed config values. Throws {@link InputError} on the first bad pair. */
export function parseConfigPairs(options: Readonly<Record<string, CharmConfigOption>>, pairs: readonly string[]): Record<string, ConfigValue> {
  const out: Record<string, ConfigValue> = {};
  for (const pair of pairs) {
    const [key, raw] = splitPair(pair);
    out[key] = parseConfigValue(options, key, raw);
  }
  return out;
}

/** Secret content `k=v ...` (user secrets): keys as Juju requires them. Throws {@link InputError}. */
export function parseSecretContent(pairs: readonly string[]): Record<string, string> {
  if (pairs.length === 0) throw new InputError('missing secret content (key=value ...)');
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const [key, value] = splitPair(pair);
    if (!/^[a-z](?:-?[a-z0-9]){2,}$/.test(key)) throw new InputError(`invalid secret key ${JSON.stringify(key)}`);
    out[key] = value;
  }
  return out;
}
