/**
 * `sim inject-fault`: a one-shot fault at one `snap` command a unit's hook runs.
 * The fake snapd asks the controller at each of its commands run from a hook
 * or action ("before" it acts, "after" it succeeded); the first match fires
 * and disarms the fault. Pure parsing and matching here; the controller
 * applies it (requests.ts) and the snap tool obeys (snapd/commands.ts).
 */
import { InputError } from '../parse.js';

export const FAULT_TIMINGS = ['before', 'after'] as const;
export type FaultTiming = (typeof FAULT_TIMINGS)[number];

/**
 * - `fail`: the snap command exits 1 with a snapd-like error (before: it did nothing;
 *   after: it took effect, as when snapd finishes a change the client gave up on).
 * - `kill-hook`: the controller SIGKILLs the hook's process group (the charm, the snap
 *   command), as if the machine agent died; Juju counts the hook as failed and retries it.
 * - `fail-hook`: the command succeeds; the hook it ran in fails at its end (as
 *   `fail-next-hook`), discarding its relation data.
 * - `kill-workload`: the command succeeds; then the unit's etcd is SIGKILLed (as
 *   `kill-workload`; the supervisor restarts it).
 */
export const FAULT_ACTIONS = ['fail', 'kill-hook', 'fail-hook', 'kill-workload'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface InjectedFault {
  /** The snap subcommand and arguments it must carry, e.g. `['refresh', '--revision']`. */
  readonly on: readonly string[];
  readonly when: FaultTiming;
  readonly do: FaultAction;
}

/**
 * `'snap refresh --revision'` → `['refresh', '--revision']`.
 * @throws InputError unless the text is `snap <subcommand> [<argument>...]`.
 */
export function parseFaultCommand(text: string): string[] {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  if (words[0] !== 'snap' || words.length < 2 || !/^[a-z][a-z-]*$/.test(words[1] ?? '')) {
    throw new InputError(`--on must be "snap <command> [<argument>...]", got ${JSON.stringify(text)}`);
  }
  return words.slice(1);
}

/**
 * Builds a fault from the verb's flags.
 * @throws InputError for a bad `--on`, `--when` or `--do`.
 */
export function makeFault(on: string, when: string | undefined, action: string): InjectedFault {
  const timing = when ?? 'before';
  if (!(FAULT_TIMINGS as readonly string[]).includes(timing)) throw new InputError(`--when must be one of ${FAULT_TIMINGS.join(', ')}, got ${JSON.stringify(timing)}`);
  if (!(FAULT_ACTIONS as readonly string[]).includes(action)) throw new InputError(`--do must be one of ${FAULT_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`);
  if ((action === 'fail-hook' || action === 'kill-workload') && timing === 'before') throw new InputError(`--do ${action} fires after the command: use --when after`);
  return { on: parseFaultCommand(on), when: timing as FaultTiming, do: action as FaultAction };
}

/** Whether `snap <argv...>` at `when` triggers the fault: same subcommand, every extra word among its arguments. */
export function faultMatches(fault: InjectedFault, argv: readonly string[], when: FaultTiming): boolean {
  const [command, ...wanted] = fault.on;
  const [given, ...args] = argv;
  return fault.when === when && command === given && wanted.every((w) => args.includes(w));
}

/** `kill-hook after "snap refresh --revision"`. */
export const describeFault = (fault: InjectedFault): string => `${fault.do} ${fault.when} ${JSON.stringify(['snap', ...fault.on].join(' '))}`;

/** The error the snap command prints (after `error: `) for a `fail` fault. */
export const faultFailureMessage = (argv: readonly string[]): string =>
  `cannot perform the following tasks:\n- Run "snap ${argv.join(' ')}" (simulated failure injected by sim inject-fault)`;
