import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT_WITH_ENV } from './env.js';
import { servicePidFile, unitLayout } from './layout.js';
import { livePidFromFile, removeFile, terminate } from './processes.js';
import { sendRequest, type ServiceStatus, type SupervisorRequest } from './supervisor-protocol.js';

/** How to start a supervisor process: `node [execArgv] <entry> supervisor <root>`. */
export interface SupervisorLauncher {
  /** The script whose `main` understands the `supervisor` role (cli.ts, or its bundle). */
  readonly entry: string;
  /** Node flags needed to run `entry` (e.g. `--import tsx` when it is TypeScript). */
  readonly execArgv: readonly string[];
  /** If set, the supervisor exits (stopping its daemons) once this process is gone. */
  readonly exitWithPid?: number | undefined;
}

/** The pid of the unit's live supervisor, or undefined. */
export const supervisorPid = (root: string): number | undefined => {
  const layout = unitLayout(root);
  return livePidFromFile(layout.supervisorPidFile, layout.root);
};

/** The pid of a running service (`<snap>.<app>`, default `charmed-etcd.etcd`), or undefined. */
export const servicePid = (root: string, service = 'charmed-etcd.etcd'): number | undefined =>
  livePidFromFile(servicePidFile(root, service), unitLayout(root).root);

/**
 * Sends a request to the unit's supervisor, starting one first (detached, in its own session,
 * never with the caller's stdio) when none answers.
 * @throws Error when no supervisor comes up within 15 s, or it answers with an error.
 */
export async function superviseRequest(
  root: string,
  request: SupervisorRequest,
  launcher: SupervisorLauncher,
): Promise<Record<string, ServiceStatus>> {
  const layout = unitLayout(root);
  const ask = async (): Promise<Record<string, ServiceStatus>> => {
    const response = await sendRequest(layout.socketPath, request);
    if (!response.ok) throw new Error(response.error);
    return response.services;
  };
  if (supervisorPid(root) !== undefined) {
    try {
      return await ask();
    } catch {
      // Starting up or shutting down: fall through and wait for one that answers.
    }
  }
  launchSupervisor(root, launcher);
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await ask();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`snapd supervisor for ${layout.root} did not come up: ${(err as Error).message}`);
      if (supervisorPid(root) === undefined) launchSupervisor(root, launcher);
      await sleep(30);
    }
  }
}

/** The services' status as the supervisor knows it; empty when no supervisor runs. */
export async function supervisorStatus(root: string): Promise<Record<string, ServiceStatus>> {
  if (supervisorPid(root) === undefined) return {};
  try {
    const response = await sendRequest(unitLayout(root).socketPath, { op: 'status' }, 10_000);
    return response.ok ? response.services : {};
  } catch {
    return {};
  }
}

function launchSupervisor(root: string, launcher: SupervisorLauncher): void {
  const layout = unitLayout(root);
  mkdirSync(layout.runDir, { recursive: true });
  const out = openSync(layout.supervisorLog, 'a');
  // Nothing of the hook's environment: no JUJU_* (it never calls hook tools), no hook-tools PATH.
  const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
  if (launcher.exitWithPid !== undefined) env[EXIT_WITH_ENV] = String(launcher.exitWithPid);
  try {
    const child = spawn(process.execPath, [...launcher.execArgv, launcher.entry, 'supervisor', layout.root], {
      detached: true,
      stdio: ['ignore', out, out],
      env,
      // `--import tsx` resolves from the cwd; a bundle needs nothing, so it runs from the root.
      cwd: launcher.execArgv.length > 0 ? process.cwd() : layout.root,
    });
    child.unref();
  } finally {
    closeSync(out);
  }
}

/**
 * Stops the unit's supervisor and every daemon it runs, by their pid files, and waits until
 * they are gone. Works whether or not the supervisor still answers.
 */
export async function shutdownUnit(root: string, graceMs = 30_000): Promise<void> {
  const layout = unitLayout(root);
  const supervisor = supervisorPid(root);
  if (supervisor !== undefined) {
    // SIGTERM makes it stop its services gracefully, then exit.
    await terminate(supervisor, graceMs + 5_000);
  }
  // Daemons whose supervisor died earlier (or was killed just now).
  if (existsSync(layout.runDir)) {
    for (const file of readdirSync(layout.runDir)) {
      if (!file.endsWith('.pid')) continue;
      const pidFile = path.join(layout.runDir, file);
      const pid = livePidFromFile(pidFile, layout.root);
      if (pid !== undefined) await terminate(pid, graceMs);
      removeFile(pidFile);
    }
  }
  if (!layout.socketPath.startsWith('\0')) removeFile(layout.socketPath);
}
