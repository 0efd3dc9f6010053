import yaml from 'js-yaml';
import { UsageError, unrecognizedArgs } from '../argv.js';
import type { FlagSpec, ParsedFlag } from '../argv.js';
import type { OutputFormat } from '../output.js';
import { ToolFailure, relationKey, snapshotRelation } from '../scope.js';
import type { HookScope } from '../scope.js';
import type { RelationModel } from '../model.js';

/** One invocation after argv parsing. */
export interface ToolCall {
  readonly scope: HookScope;
  readonly flags: ReadonlyMap<string, ParsedFlag>;
  readonly args: readonly string[];
  readonly stdin: string | undefined;
  /** Appends a line to the tool's stderr (deprecation notices). */
  readonly warn: (line: string) => void;
}

export interface ToolDef {
  readonly name: string;
  readonly synopsis: string;
  readonly purpose: string;
  readonly flags: readonly FlagSpec[];
  /** Tools with output take `--format` and `-o/--output`. */
  readonly output?: { readonly default: OutputFormat; readonly formats: readonly OutputFormat[] };
  /** Accepts a `--format` it ignores, with a deprecation notice on stderr. */
  readonly deprecatedFormat?: boolean;
  /**
   * Validates, then acts. Throws {@link UsageError} (exit 2) before any effect,
   * {@link ToolFailure} (exit 1) for runtime errors. Returns the value to print, if any.
   */
  run(call: ToolCall): unknown;
}

export const boolFlag = (...names: string[]): FlagSpec => ({ names, kind: 'bool' });
export const stringFlag = (...names: string[]): FlagSpec => ({ names, kind: 'string' });

export const flagString = (call: ToolCall, name: string): string | undefined => {
  const value = call.flags.get(name)?.value;
  return typeof value === 'string' ? value : undefined;
};

export const flagBool = (call: ToolCall, name: string): boolean => call.flags.get(name)?.value === true;

export const usage = (message: string): UsageError => new UsageError(message);
export const failure = (message: string): ToolFailure => new ToolFailure(message);

/**
 * The relation named by `-r`/`--relation`, else the hook's own relation.
 * Throws UsageError as Juju does: `no relation id specified`, or
 * `invalid value "db:99" for option -r: relation not found` / `invalid relation id`.
 */
export const resolveRelation = (call: ToolCall, flagName = 'relation'): RelationModel => {
  const flag = call.flags.get(flagName);
  if (flag === undefined || typeof flag.value !== 'string') {
    const current = call.scope.relationId;
    const relation = current === undefined ? undefined : snapshotRelation(call.scope, current);
    if (!relation) throw usage('no relation id specified');
    return relation;
  }
  return parseRelationFlag(call, flag);
};

export const parseRelationFlag = (call: ToolCall, flag: ParsedFlag): RelationModel => {
  const raw = String(flag.value);
  const tail = raw.slice(raw.lastIndexOf(':') + 1);
  if (!/^\d+$/.test(tail)) throw usage(`invalid value ${JSON.stringify(raw)} for option ${flag.spelled}: invalid relation id`);
  const relation = snapshotRelation(call.scope, Number(tail));
  if (!relation) throw usage(`invalid value ${JSON.stringify(raw)} for option ${flag.spelled}: relation not found`);
  return relation;
};

export { relationKey };

/** Splits `k=v` at the first `=`. Throws UsageError with `message(arg)` when there is none. */
export const splitKeyValue = (arg: string, message: (arg: string) => string): [string, string] => {
  const eq = arg.indexOf('=');
  if (eq === -1) throw usage(message(arg));
  return [arg.slice(0, eq), arg.slice(eq + 1)];
};

/**
 * Reads `--file` settings (a path, or `-` for stdin) as a YAML or JSON map of
 * scalars, as relation-set and state-set accept them. Throws ToolFailure when unreadable.
 */
export const readSettingsFile = (call: ToolCall, source: string): Record<string, string> => {
  let text: string;
  try {
    text = source === '-' ? (call.stdin ?? '') : call.scope.files.readFile(call.scope.resolvePath(source));
  } catch (error) {
    throw failure(`cannot read settings file: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = yaml.load(text);
  } catch (error) {
    throw failure(`cannot parse settings: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw failure('cannot parse settings: expected a map');
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null || value === undefined) out[key] = '';
    else if (typeof value === 'object') throw failure(`cannot parse settings: value of ${JSON.stringify(key)} is not a string`);
    else out[key] = String(value);
  }
  return out;
};

/** At most `max` positionals, else `unrecognized args: [...]`. */
export const atMost = (call: ToolCall, max: number): void => {
  if (call.args.length > max) throw unrecognizedArgs(call.args.slice(max));
};
