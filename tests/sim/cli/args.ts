/** Argument parsing shared by the CLI verbs. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { InputError, parseDuration } from '../parse.js';
import type { CharmSource, SettingsInput } from '../protocol.js';
import type { SimHome } from '../home.js';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export type Verb = (home: SimHome, args: string[], io: Io, env: Readonly<Record<string, string | undefined>>) => Promise<number>;

export const parse = <T extends ParseArgsOptionsConfig>(args: string[], options: T) => {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new InputError((error as Error).message);
  }
};

export const needPositionals = (positionals: readonly string[], min: number, max: number, usage: string): void => {
  if (positionals.length < min || positionals.length > max) throw new InputError(`usage: sim ${usage}`);
};

export const intArg = (text: string | undefined, what: string, fallback: number): number => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InputError(`${what} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
};

export const sourceOf = (values: { path?: string | undefined; revision?: string | undefined }): CharmSource | undefined => {
  if (values.path !== undefined && values.revision !== undefined) throw new InputError('give --path or --revision, not both');
  if (values.path !== undefined) return { path: path.resolve(values.path) };
  if (values.revision !== undefined) return { revision: intArg(values.revision, '--revision', 1) };
  return undefined;
};

/** Simulator settings from deploy flags, falling back to SIM_* environment variables. */
export function settingsFrom(values: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>>): SettingsInput {
  const pick = (flag: string, variable: string): string | undefined => {
    const v = values[flag];
    return typeof v === 'string' ? v : env[variable] || undefined;
  };
  const out: SettingsInput = {};
  const interval = pick('update-status-interval', 'SIM_UPDATE_STATUS_INTERVAL');
  if (interval !== undefined) out.updateStatusMs = parseDuration(interval);
  const scale = pick('retry-scale', 'SIM_RETRY_SCALE');
  if (scale !== undefined) {
    if (!(Number(scale) > 0)) throw new InputError(`--retry-scale must be a positive number, got ${JSON.stringify(scale)}`);
    out.retryScale = Number(scale);
  }
  const seed = pick('seed', 'SIM_SEED');
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed)) throw new InputError(`--seed must be an integer, got ${JSON.stringify(seed)}`);
    out.seed = Number(seed);
  }
  const timeout = pick('hook-timeout', 'SIM_HOOK_TIMEOUT');
  if (timeout !== undefined) out.hookTimeoutMs = parseDuration(timeout);
  if (values['start-after-refresh'] === true || env['SIM_START_AFTER_REFRESH'] === '1') out.startAfterRefresh = true;
  const parent = env['SIM_TEST_PARENT_PID'];
  if (parent && /^\d+$/.test(parent)) out.testParentPid = Number(parent);
  return out;
}

