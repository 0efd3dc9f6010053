/**
 * GNU-style argv parsing as juju/gnuflag does it for every hook tool:
 * `--flag value`, `--flag=value`, boolean flags without a value (or `=true`),
 * `-r 3` and `-r3` (but `-r=3` keeps the `=` in the value), clusters of short
 * booleans (`-ab`), flags among positionals, `--` ends flags, a lone `-` is a
 * positional, `-h`/`--help` asks for usage.
 */

export interface FlagSpec {
  /** Names without dashes; one-letter names take one dash, longer ones two. The last (long) one is canonical. */
  readonly names: readonly string[];
  readonly kind: 'bool' | 'string';
}

export interface ParsedFlag {
  readonly value: string | boolean;
  /** How the user spelled it (`-r` or `--relation`), for error messages. */
  readonly spelled: string;
}

export interface ParsedArgv {
  /** Keyed by canonical name; the last occurrence wins. */
  readonly flags: ReadonlyMap<string, ParsedFlag>;
  readonly positionals: readonly string[];
  readonly help: boolean;
}

/** A usage error: the tool prints `ERROR <message>` and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const dashed = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

// strconv.ParseBool's accepted spellings.
const parseBool = (text: string, spelled: string): boolean => {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new UsageError(`invalid boolean value ${JSON.stringify(text)} for option ${spelled}`);
};

/**
 * Parses `args` against `specs`. Throws {@link UsageError} for an unknown
 * option, a missing option value or a bad boolean value.
 */
export const parseArgv = (specs: readonly FlagSpec[], args: readonly string[]): ParsedArgv => {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) for (const name of spec.names) byName.set(name, spec);
  const flags = new Map<string, ParsedFlag>();
  const positionals: string[] = [];
  let help = false;
  let i = 0;
  const set = (spec: FlagSpec, value: string | boolean, spelled: string) => {
    flags.set(spec.names[spec.names.length - 1] as string, { value, spelled });
  };
  const takeNext = (spelled: string): string => {
    const next = args[i + 1];
    if (next === undefined) throw new UsageError(`option needs an argument: ${spelled}`);
    i += 1;
    return next;
  };
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spelled = `--${name}`;
      if (name === 'help') {
        help = true;
        continue;
      }
      const spec = name.length > 1 ? byName.get(name) : undefined;
      if (!spec) throw new UsageError(`option provided but not defined: ${spelled}`);
      if (spec.kind === 'bool') set(spec, eq === -1 ? true : parseBool(arg.slice(eq + 1), spelled), spelled);
      else set(spec, eq === -1 ? takeNext(spelled) : arg.slice(eq + 1), spelled);
      continue;
    }
    // A cluster of one-letter flags: booleans may be stacked; a value flag takes the rest verbatim.
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const spelled = `-${letter}`;
      if (letter === 'h') {
        help = true;
        continue;
      }
      const spec = byName.get(letter);
      if (!spec) throw new UsageError(`option provided but not defined: ${spelled}`);
      if (spec.kind === 'bool') {
        set(spec, true, spelled);
        continue;
      }
      const rest = arg.slice(j + 1);
      set(spec, rest === '' ? takeNext(spelled) : rest, spelled);
      break;
    }
  }
  return { flags, positionals, help };
};

/** Renders a usage text listing the options, as `--help` prints it. */
export const usageText = (tool: string, synopsis: string, purpose: string, specs: readonly FlagSpec[]): string => {
  const lines = [`Usage: ${tool} ${synopsis}`.trimEnd(), '', 'Summary:', purpose, ''];
  if (specs.length > 0) {
    lines.push('Options:');
    for (const spec of specs) {
      const value = spec.kind === 'string' ? ' (= "")' : ' (= false)';
      lines.push(`${spec.names.map(dashed).join(', ')}${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
};

/** `unrecognized args: ["a" "b"]`, as juju/cmd's CheckEmpty words it. */
export const unrecognizedArgs = (extra: readonly string[]): UsageError =>
  new UsageError(`unrecognized args: [${extra.map((a) => JSON.stringify(a)).join(' ')}]`);
