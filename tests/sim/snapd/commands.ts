import { parseArgs, type ParseArgsConfig } from 'node:util';
import { get, set, unset } from './config.js';
import type { SnapdContext } from './context.js';
import { EX_USAGE, SnapError, SnapNotice } from './errors.js';
import { fill } from './format.js';
import { hold, list, unhold } from './list.js';
import { install, refresh, remove } from './packages.js';
import { restart, services, start, stop } from './services.js';
import { withStateLock } from './state.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const bool = { type: 'boolean' } as const;
const str = { type: 'string' } as const;
const channelFlags: Options = { channel: str, stable: bool, candidate: bool, beta: bool, edge: bool };
const modeFlags: Options = { classic: bool, devmode: bool, jailmode: bool };
/** Flags snap accepts on every change command; they change nothing here. */
const waitFlags: Options = { 'no-wait': bool };

interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

/** Parses a subcommand's arguments, turning parse errors into snap's (go-flags) messages. */
function parse(args: readonly string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const flag = /'(-{1,2}[^' ]+)/.exec(e.message)?.[1]?.replace(/^-+/, '') ?? '';
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new SnapError(`unknown flag \`${flag}'`, EX_USAGE);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      throw new SnapError(`expected argument for flag \`--${flag}'`, EX_USAGE);
    }
    throw new SnapError(e.message, EX_USAGE);
  }
}

const required = (positionals: readonly string[], what: string): void => {
  if (positionals.length === 0) throw new SnapError(`the required argument \`${what}\` was not provided`, EX_USAGE);
};

/** The channel a command asks for: `--channel`, or one of the risk shortcuts. */
function channelOf(values: Parsed['values']): string | undefined {
  const risks = ['stable', 'candidate', 'beta', 'edge'].filter((r) => values[r] === true);
  const channel = typeof values['channel'] === 'string' ? values['channel'] : undefined;
  if (risks.length + (channel !== undefined ? 1 : 0) > 1) throw new SnapError('Please specify a single channel');
  return channel ?? risks[0];
}

const stringValue = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

const HELP = `The snap command lets you install, configure, refresh and remove snaps.
Snaps are packages that work across many different Linux distributions,
enabling secure delivery and operation of the latest apps and utilities.

Usage: snap <command> [<options>...]

Commands this simulated snapd knows: install, refresh, remove, list, services,
start, stop, restart, get, set, unset, version, help.
`;

type Command = (ctx: SnapdContext, args: readonly string[]) => Promise<void> | void;

/** Runs `fn` under the unit's state lock, as snapd serialises changes. */
const locked =
  (fn: Command): Command =>
  (ctx, args) =>
    withStateLock(ctx.root, async () => fn(ctx, args));

const COMMANDS: Record<string, Command> = {
  install: locked(async (ctx, args) => {
    const { values, positionals } = parse(args, {
      ...channelFlags,
      ...modeFlags,
      ...waitFlags,
      revision: str,
      dangerous: bool,
      unaliased: bool,
      prefer: bool,
      cohort: str,
    });
    required(positionals, '<snap>');
    const channel = channelOf(values);
    for (const name of positionals) {
      if (name === '') throw new SnapError('cannot install snap with empty name');
      await install(ctx, name, { revision: stringValue(values['revision']), channel });
    }
  }),
  refresh: locked(async (ctx, rawArgs) => {
    // --hold takes an optional value (go-flags optional-value "forever").
    const args = rawArgs.map((a) => (a === '--hold' ? '--hold=forever' : a));
    const { values, positionals } = parse(args, {
      ...channelFlags,
      ...modeFlags,
      ...waitFlags,
      revision: str,
      hold: str,
      unhold: bool,
      amend: bool,
      cohort: str,
      'leave-cohort': bool,
      'ignore-validation': bool,
      list: bool,
      time: bool,
    });
    const channel = channelOf(values);
    const revision = stringValue(values['revision']);
    const others = revision !== undefined || values['amend'] === true || values['cohort'] !== undefined;
    const holdValue = stringValue(values['hold']);
    if (holdValue !== undefined) {
      if (values['unhold'] === true || others) throw new SnapError('cannot use --hold with other flags');
      hold(ctx, positionals, holdValue);
      return;
    }
    if (values['unhold'] === true) {
      if (others) throw new SnapError('cannot use --unhold with other flags');
      unhold(ctx, positionals);
      return;
    }
    if (positionals.length === 0) {
      // Held snaps and everything at its channel's revision: nothing to refresh here.
      ctx.stderr('All snaps up to date.\n');
      return;
    }
    if (positionals.length > 1 && (revision !== undefined || channel !== undefined)) {
      throw new SnapError('a single snap name is needed to specify mode or channel flags');
    }
    for (const name of positionals) await refresh(ctx, name, { revision, channel });
  }),
  remove: locked(async (ctx, args) => {
    const { values, positionals } = parse(args, { ...waitFlags, revision: str, purge: bool, terminate: bool });
    required(positionals, '<snap>');
    const revision = stringValue(values['revision']);
    if (revision !== undefined && positionals.length > 1) throw new SnapError('cannot use --revision with multiple snap names');
    for (const name of positionals) await remove(ctx, name, revision);
  }),
  list: (ctx, args) => {
    const { positionals } = parse(args, { all: bool, color: str, unicode: str });
    list(ctx, positionals);
  },
  services: (ctx, args) => {
    const { positionals } = parse(args, { global: bool, user: bool });
    services(ctx, positionals);
  },
  start: locked(async (ctx, args) => {
    const { values, positionals } = parse(args, { ...waitFlags, enable: bool, system: bool, user: bool, users: str });
    required(positionals, '<service>');
    await start(ctx, positionals, values['enable'] === true);
  }),
  stop: locked(async (ctx, args) => {
    const { values, positionals } = parse(args, { ...waitFlags, disable: bool, system: bool, user: bool, users: str });
    required(positionals, '<service>');
    await stop(ctx, positionals, values['disable'] === true);
  }),
  restart: locked(async (ctx, args) => {
    const { positionals } = parse(args, { ...waitFlags, reload: bool, system: bool, user: bool, users: str });
    required(positionals, '<service>');
    await restart(ctx, positionals);
  }),
  get: (ctx, args) => {
    const { values, positionals } = parse(args, { d: bool, t: bool, l: bool });
    const [name, ...keys] = positionals;
    if (name === undefined) throw new SnapError('the required argument `<snap>` was not provided', EX_USAGE);
    get(ctx, name, keys, values['d'] === true);
  },
  set: locked((ctx, args) => {
    const { values, positionals } = parse(args, { ...waitFlags, t: bool, s: bool });
    const [name, ...pairs] = positionals;
    if (name === undefined) throw new SnapError('the required argument `<snap>` was not provided', EX_USAGE);
    set(ctx, name, pairs, values['s'] === true ? 'string' : values['t'] === true ? 'typed' : 'auto');
  }),
  unset: locked((ctx, args) => {
    const { positionals } = parse(args, { ...waitFlags });
    const [name, ...keys] = positionals;
    if (name === undefined) throw new SnapError('the required argument `<snap>` was not provided', EX_USAGE);
    unset(ctx, name, keys);
  }),
  version: (ctx) => {
    ctx.stdout(tabulate2([['snap', '2.66.1+sim'], ['snapd', '2.66.1+sim'], ['series', '16']]));
  },
  help: (ctx) => {
    ctx.stdout(HELP);
  },
};

/** `snap version`'s two-column layout. */
const tabulate2 = (rows: readonly (readonly [string, string])[]): string => {
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}\n`).join('');
};

/**
 * Runs `snap <argv...>` against the unit in `ctx` and returns the exit code: 0 on success (and
 * for snapd's non-error notices, printed on stderr), 1 with an `error: ...` line for failures,
 * 64 for unknown commands and bad flags. With `ctx.faultPoint`, an injected failure is reported
 * before the command acts or after it succeeded, as snapd reports a failed change.
 */
export async function runSnap(ctx: SnapdContext, argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h') {
      ctx.stdout(HELP);
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new SnapError(`unknown command "${command}", see 'snap help'.`, EX_USAGE);
    const before = await ctx.faultPoint?.(argv, 'before');
    if (before !== undefined) throw new SnapError(before);
    await run(ctx, args);
    const after = await ctx.faultPoint?.(argv, 'after');
    if (after !== undefined) throw new SnapError(after);
    return 0;
  } catch (err) {
    if (err instanceof SnapNotice) {
      ctx.stderr(`${fill(err.message)}\n`);
      return 0;
    }
    if (err instanceof SnapError) {
      ctx.stderr(`error: ${fill(err.message)}\n`);
      return err.exitCode;
    }
    ctx.stderr(`error: ${(err as Error).message}\n`);
    return 1;
  }
}
