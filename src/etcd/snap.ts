import { readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The snap operations the charm needs. Production runs `snap` (execaSnap below);
 * unit tests pass a fake. Every method rejects when snapd refuses.
 */
export interface SnapAdapter {
  /** `snap install <name> --revision <revision>`. */
  install(name: string, revision: string): Promise<void>;
  /** `snap refresh <name> --hold`: never auto-refresh. */
  hold(name: string): Promise<void>;
  /** `snap refresh <name> --revision <revision>`. */
  refresh(name: string, revision: string): Promise<void>;
  /** `snap start [--enable] <service>`. */
  start(service: string, options?: { readonly enable?: boolean }): Promise<void>;
  /** `snap stop [--disable] <service>`. */
  stop(service: string, options?: { readonly disable?: boolean }): Promise<void>;
  /** `snap restart <service>`. */
  restart(service: string): Promise<void>;
  /** Whether `snap services <service>` reports it active. */
  isActive(service: string): Promise<boolean>;
}

/** `snap` failed; `stderr` is snapd's own `error: ...` text. */
export class SnapError extends Error {
  override name = 'SnapError';
  readonly args: readonly string[];
  readonly stderr: string;

  constructor(args: readonly string[], detail: string, stderr: string) {
    super(`snap ${args.join(' ')} failed: ${detail}`);
    this.args = args;
    this.stderr = stderr;
  }
}

/**
 * The installed revision of a snap from its `current` symlink (no process),
 * or null when the snap is not installed.
 * @throws the filesystem error for anything but a missing link.
 */
export async function installedRevision(snapCurrent: string): Promise<string | null> {
  try {
    return path.basename(await readlink(snapCurrent));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return null;
    throw error;
  }
}

/** snapd's notices that are not failures ("already installed", "no updates available"). */
const BENIGN = /already installed|has no updates available/;

/** PATH for children: the hook's PATH with `/snap/bin` appended (Juju may leave it out). */
export function childPath(envPath: string | undefined): string {
  const parts = (envPath ?? '').split(':').filter(Boolean);
  if (!parts.includes('/snap/bin')) parts.push('/snap/bin');
  return parts.join(':');
}

/**
 * The production snap adapter: runs `snap` (found on PATH) with a per-call
 * timeout. `env` is the environment for the child (PATH with /snap/bin).
 */
export function execaSnap(env: Readonly<Record<string, string | undefined>>, timeoutMs = 600_000): SnapAdapter {
  const run = async (args: readonly string[]): Promise<string> => {
    // Loaded on the first snap command: a quiet hook runs none, and would pay for execa's load.
    const { execa } = await import('execa');
    const result = await execa('snap', args, { env, extendEnv: false, reject: false, timeout: timeoutMs, stdin: 'ignore' });
    const stderr = String(result.stderr);
    if (result.failed && !BENIGN.test(stderr)) {
      const detail = result.timedOut ? `timed out after ${timeoutMs} ms` : stderr.trim() || (result.shortMessage ?? "snap failed");
      throw new SnapError(args, detail, stderr);
    }
    return String(result.stdout);
  };
  return {
    install: async (name, revision) => void (await run(['install', name, '--revision', revision])),
    hold: async (name) => void (await run(['refresh', '--hold', name])),
    refresh: async (name, revision) => void (await run(['refresh', name, '--revision', revision])),
    start: async (service, options = {}) => void (await run(['start', ...(options.enable === true ? ['--enable'] : []), service])),
    stop: async (service, options = {}) => void (await run(['stop', ...(options.disable === true ? ['--disable'] : []), service])),
    restart: async (service) => void (await run(['restart', service])),
    isActive: async (service) => {
      const out = await run(['services', service]);
      // Service  Startup  Current  Notes
      const row = out.split('\n').find((line) => line.split(/\s+/)[0] === service);
      return row?.split(/\s+/)[2] === 'active';
    },
  };
}
