/**
 * Where one simulated model keeps everything: `SIM_HOME` (default `.sim/` under the
 * cwd). Every path the controller, the CLI and `destroy` use is built here, so a
 * crashed controller's processes can still be found by their pid files.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface SimHome {
  readonly dir: string;
  /** The persisted model and simulator state (JSON). */
  readonly stateFile: string;
  /** Where the CLI and hook tools reach the controller; an abstract name when the path is too long. */
  readonly socketPath: string;
  /** `JUJU_AGENT_SOCKET_ADDRESS` form of {@link socketPath} (`@name` for abstract sockets). */
  readonly socketAddress: string;
  readonly pidDir: string;
  readonly controllerPidFile: string;
  readonly controllerLog: string;
  /** One JSON object per line: `{at, unit, level, logger, message}`. */
  readonly debugLog: string;
  /** One JSON object per line per finished hook or action, with its tool calls and their times. */
  readonly hookLog: string;
  readonly unitsDir: string;
  readonly charmStoreDir: string;
  readonly snapStoreFile: string;
  readonly toolsDir: string;
  /** The hook tools (one bundle, one symlink per tool name). */
  readonly hookToolsDir: string;
  /** The fake snapd's executables (`snap`, `charmed-etcd.etcdctl`, ...). */
  readonly snapToolsDir: string;
}

const MAX_SOCKET_PATH = 107;

/** The SIM_HOME the CLI uses: `env.SIM_HOME`, else `.sim` under `cwd`. */
export const resolveSimHome = (env: Readonly<Record<string, string | undefined>>, cwd: string): string =>
  path.resolve(cwd, env['SIM_HOME'] || '.sim');

/** The layout of the model kept in `dir`. */
export function simHome(dir: string): SimHome {
  const abs = path.resolve(dir);
  const socketFile = path.join(abs, 'controller.sock');
  const abstract = Buffer.byteLength(socketFile) > MAX_SOCKET_PATH;
  const abstractName = `charmed-etcd-sim-${createHash('sha256').update(abs).digest('hex').slice(0, 32)}`;
  const toolsDir = path.join(abs, 'tools');
  return {
    dir: abs,
    stateFile: path.join(abs, 'state.json'),
    socketPath: abstract ? `\0${abstractName}` : socketFile,
    socketAddress: abstract ? `@${abstractName}` : socketFile,
    pidDir: path.join(abs, 'pids'),
    controllerPidFile: path.join(abs, 'pids', 'controller.pid'),
    controllerLog: path.join(abs, 'controller.log'),
    debugLog: path.join(abs, 'debug-log.jsonl'),
    hookLog: path.join(abs, 'hooks.jsonl'),
    unitsDir: path.join(abs, 'units'),
    charmStoreDir: path.join(abs, 'charm-store'),
    snapStoreFile: path.join(abs, 'snap-store', 'store.json'),
    toolsDir,
    hookToolsDir: path.join(toolsDir, 'hook-tools'),
    snapToolsDir: path.join(toolsDir, 'snap', 'bin'),
  };
}

/** `app/3` → the unit's directory (`units/app-3`), holding `charm/` and `root/`. */
export const unitDir = (home: SimHome, unit: string): string => path.join(home.unitsDir, unit.replace('/', '-'));
export const unitCharmDir = (home: SimHome, unit: string): string => path.join(unitDir(home, unit), 'charm');
export const unitRoot = (home: SimHome, unit: string): string => path.join(unitDir(home, unit), 'root');

/** Every unit root present on disk (also those of units the state no longer lists). */
export function unitRootsOnDisk(home: SimHome): string[] {
  if (!existsSync(home.unitsDir)) return [];
  return readdirSync(home.unitsDir).map((name) => path.join(home.unitsDir, name, 'root')).filter((p) => existsSync(p));
}

/** Writes text through a rename, so readers never see half a file. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

/** Records `pid` under `name` in the model's pid directory. */
export function writePidFile(home: SimHome, name: string, pid: number): void {
  writeFileAtomic(path.join(home.pidDir, `${name}.pid`), String(pid));
}

export function removePidFile(home: SimHome, name: string): void {
  rmSync(path.join(home.pidDir, `${name}.pid`), { force: true });
}

/** Every pid file of the model: name (without `.pid`) → pid. */
export function readPidFiles(home: SimHome): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(home.pidDir)) return out;
  for (const file of readdirSync(home.pidDir)) {
    if (!file.endsWith('.pid')) continue;
    const pid = Number(readFileSync(path.join(home.pidDir, file), 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0) out.set(file.slice(0, -4), pid);
  }
  return out;
}

/** True while a process with this pid exists and has not exited (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
