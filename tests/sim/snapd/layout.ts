import { createHash } from 'node:crypto';
import path from 'node:path';

/**
 * Where snapd keeps things on one unit, every path built from the unit's root
 * (`CHARMED_ETCD_ROOT`), laid out as snapd does on a real machine.
 */
export interface UnitLayout {
  readonly root: string;
  /** `$ROOT/var/lib/snapd/state.json`: the unit's installed snaps. */
  readonly stateFile: string;
  /** Lock taken by every `snap` command that changes the state. */
  readonly stateLock: string;
  /** `$ROOT/run/snapd-sim/`: the supervisor's pid files, socket, log. */
  readonly runDir: string;
  readonly supervisorPidFile: string;
  readonly supervisorLog: string;
  /** The supervisor's socket path: a file in runDir, or an abstract name when that path is too long. */
  readonly socketPath: string;
}

/** Longest unix socket path Linux accepts (sun_path is 108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

/** Builds the layout of the unit whose filesystem root is `root`. */
export function unitLayout(root: string): UnitLayout {
  const abs = path.resolve(root);
  const runDir = path.join(abs, 'run', 'snapd-sim');
  const socketFile = path.join(runDir, 'snapd.sock');
  // Deep roots overflow sun_path; an abstract socket named after the root is equally per-unit.
  const socketPath =
    Buffer.byteLength(socketFile) <= MAX_SOCKET_PATH
      ? socketFile
      : `\0charmed-etcd-snapd-sim-${createHash('sha256').update(abs).digest('hex').slice(0, 32)}`;
  return {
    root: abs,
    stateFile: path.join(abs, 'var', 'lib', 'snapd', 'state.json'),
    stateLock: path.join(abs, 'var', 'lib', 'snapd', 'state.lock'),
    runDir,
    supervisorPidFile: path.join(runDir, 'supervisor.pid'),
    supervisorLog: path.join(runDir, 'supervisor.log'),
    socketPath,
  };
}

/** `$ROOT/snap/<name>`: holds one directory per revision and `current`. */
export const snapMountBase = (root: string, name: string): string => path.join(root, 'snap', name);
/** `$ROOT/snap/<name>/<rev>` (`$SNAP`). */
export const snapDir = (root: string, name: string, revision: string): string =>
  path.join(snapMountBase(root, name), revision);
/** `$ROOT/var/snap/<name>`: data of every revision plus `common`. */
export const snapDataBase = (root: string, name: string): string => path.join(root, 'var', 'snap', name);
/** `$ROOT/var/snap/<name>/<rev>` (`$SNAP_DATA`). */
export const snapDataDir = (root: string, name: string, revision: string): string =>
  path.join(snapDataBase(root, name), revision);
/** `$ROOT/var/snap/<name>/common` (`$SNAP_COMMON`). */
export const snapCommonDir = (root: string, name: string): string => path.join(snapDataBase(root, name), 'common');
/**
 * The unit's journal of one service (`journalctl -u snap.<name>.<app>`): what the
 * daemon writes on stdout and stderr. Where etcd's own log goes is its config's business.
 */
export const serviceLogFile = (root: string, name: string, app: string): string =>
  path.join(root, 'var', 'log', 'journal', `snap.${name}.${app}.service.log`);
/** Pid file of a running service (`<snap>.<app>`), written by the supervisor. */
export const servicePidFile = (root: string, service: string): string =>
  path.join(unitLayout(root).runDir, `${service}.pid`);
