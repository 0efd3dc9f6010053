/**
 * The fake snapd's programmatic API, for the simulator and tests.
 *
 * A unit is a filesystem root. Its `snap` and `charmed-etcd.etcdctl`/`.etcdutl` executables (see
 * {@link writeSnapTools}) need two environment variables: `CHARMED_ETCD_ROOT` (the unit's root)
 * and `SIM_SNAP_STORE` (the store file made by {@link createStore}; only install/refresh read it).
 * Services run under a per-unit supervisor started on demand; {@link shutdownAll} stops them all.
 */
import path from 'node:path';
import { buildSnapTools, DEFAULT_BIN_DIR, type BuiltSnapTools } from './build.mjs';
import { EXIT_WITH_ENV, ROOT_ENV, STORE_ENV } from './env.js';
import { signal } from './processes.js';
import { readState, type InstalledSnap } from './state.js';
import { CHARMED_ETCD } from './store.js';
import { servicePid, shutdownUnit, supervisorPid, supervisorStatus } from './supervisor-client.js';
import type { ServiceStatus } from './supervisor-protocol.js';

export {
  addSnapRevision,
  BROKEN_VERSION,
  CHARMED_ETCD,
  createStore,
  listRevisions,
  lookupRevision,
  newestWorkingRevision,
  readStore,
  revisionForVersion,
  type Store,
  type StoreListing,
  type StoreRevision,
} from './store.js';
export { EXIT_WITH_ENV, ROOT_ENV, STORE_ENV } from './env.js';
export { SNAP_DAEMON_GID, SNAP_DAEMON_UID } from './charmed-etcd-snap.js';
export { unitLayout, snapDataDir, snapCommonDir, serviceLogFile } from './layout.js';
export type { BuiltSnapTools } from './build.mjs';
export type { InstalledSnap } from './state.js';
export type { ServiceStatus } from './supervisor-protocol.js';

/** The service the charm's workload runs as. */
export const ETCD_SERVICE = `${CHARMED_ETCD}.etcd`;

/**
 * Bundles the fake snapd and writes `snap`, `charmed-etcd.etcdctl` and `charmed-etcd.etcdutl`
 * (plain `#!/usr/bin/env node` scripts) into `binDir` (default `build/sim/bin`), the bundle they
 * load into `<binDir>/../lib/snapd-sim.mjs`, and a `package.json` marking `binDir` as CommonJS.
 * Give the tools a directory of their own.
 * @throws Error when esbuild fails.
 */
export function writeSnapTools(binDir: string = DEFAULT_BIN_DIR): Promise<BuiltSnapTools> {
  const dir = path.resolve(binDir);
  return buildSnapTools({ binDir: dir, libFile: path.join(dir, '..', 'lib', 'snapd-sim.mjs') });
}

/**
 * The environment a unit's processes need for the snap tools (merge it into the hook's env and
 * put the tools' directory on PATH). With `exitWithPid`, supervisors started from that
 * environment exit once that process is gone.
 */
export function snapToolsEnv(root: string, storeFile: string, exitWithPid?: number): Record<string, string> {
  const env: Record<string, string> = { [ROOT_ENV]: path.resolve(root), [STORE_ENV]: path.resolve(storeFile) };
  if (exitWithPid !== undefined) env[EXIT_WITH_ENV] = String(exitWithPid);
  return env;
}

/** The pid of the unit's running etcd daemon, or undefined when it is not running. */
export function daemonPid(root: string): number | undefined {
  return servicePid(root, ETCD_SERVICE);
}

/** The pid of the unit's supervisor, or undefined when none runs. */
export { supervisorPid };

/**
 * SIGKILLs the unit's etcd daemon (the simulator's `kill-workload`); the supervisor restarts it
 * like systemd's Restart=always. Returns the pid killed, or undefined when etcd was not running.
 */
export function killDaemon(root: string): number | undefined {
  const pid = daemonPid(root);
  if (pid !== undefined) signal(pid, 'SIGKILL');
  return pid;
}

/** What the unit has installed of `name` (default charmed-etcd): revision, version, ...; or undefined. */
export function installedSnap(root: string, name: string = CHARMED_ETCD): InstalledSnap | undefined {
  try {
    return readState(root).snaps[name];
  } catch {
    return undefined;
  }
}

/**
 * The etcd service as the unit's supervisor sees it (`active`, `pid`, `failed` after hitting the
 * start limit, `wanted`); undefined when no supervisor runs or it never handled the service.
 */
export async function serviceStatus(root: string, service: string = ETCD_SERVICE): Promise<ServiceStatus | undefined> {
  return (await supervisorStatus(root))[service];
}

/**
 * Stops the unit's supervisor and its daemons (SIGTERM, then SIGKILL after `graceMs`) by their
 * pid files, and resolves once every one of them is gone. A unit with nothing running is fine.
 */
export function shutdownSupervisor(root: string, graceMs = 30_000): Promise<void> {
  return shutdownUnit(root, graceMs);
}

/** {@link shutdownSupervisor} for every root, in parallel. */
export async function shutdownAll(roots: Iterable<string>, graceMs = 30_000): Promise<void> {
  await Promise.all([...roots].map((root) => shutdownUnit(root, graceMs)));
}
