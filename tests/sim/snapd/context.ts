import { SnapError } from './errors.js';
import { readStore, type Store } from './store.js';
import type { SupervisorLauncher } from './supervisor-client.js';

/**
 * `sim inject-fault`: asked before each command and after each that succeeded; resolves with
 * the message of an injected failure to report, or undefined to go on. (A `kill-hook` fault
 * never resolves: the process is killed.)
 */
export type FaultPoint = (argv: readonly string[], when: 'before' | 'after') => Promise<string | undefined>;

/** Everything a `snap` command touches outside itself, passed in so tests share nothing. */
export interface SnapdContext {
  /** The unit's filesystem root (`CHARMED_ETCD_ROOT`). */
  readonly root: string;
  /** The store file (`SIM_SNAP_STORE`); only install and refresh need it. */
  readonly storeFile: string | undefined;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Print ✓ rather than ** (snap does on a UTF-8 terminal). */
  readonly unicode: boolean;
  /** How to start the unit's supervisor when a command needs one. */
  readonly launcher: SupervisorLauncher;
  /** Set when the command runs inside a hook of the simulator: where injected faults fire. */
  readonly faultPoint?: FaultPoint | undefined;
}

/**
 * Reads the store the context points at.
 * @throws SnapError when `SIM_SNAP_STORE` is not set or the store cannot be read.
 */
export function storeOf(ctx: SnapdContext): Store {
  if (ctx.storeFile === undefined || ctx.storeFile === '') {
    throw new SnapError('unable to contact snap store (SIM_SNAP_STORE is not set)');
  }
  try {
    return readStore(ctx.storeFile);
  } catch (err) {
    throw new SnapError(`unable to contact snap store: ${(err as Error).message}`);
  }
}
