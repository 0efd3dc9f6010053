import { SnapError } from './errors.js';
import { readStore, type Store } from './store.js';
import type { SupervisorLauncher } from './supervisor-client.js';

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
