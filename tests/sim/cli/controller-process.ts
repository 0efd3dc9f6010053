/** Starting and reaching a model's controller from the CLI. */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from '../charm-store.js';
import type { SimHome } from '../home.js';
import { isAlive } from '../home.js';
import { ControllerUnreachableError, request } from '../protocol.js';
import type { Request, SettingsInput } from '../protocol.js';

const CONTROLLER_MAIN = fileURLToPath(new URL('../controller/main.ts', import.meta.url));

/** The controller's pid from its pid file, when that process is alive. */
export function controllerPid(home: SimHome): number | undefined {
  if (!existsSync(home.controllerPidFile)) return undefined;
  const pid = Number(readFileSync(home.controllerPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** True when the controller answers a ping. */
export async function controllerAnswers(home: SimHome): Promise<boolean> {
  try {
    await request(home.socketPath, { type: 'ping' }, 5000);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the model's controller detached (it outlives the CLI) and waits until it answers.
 * Throws when it does not come up within 60 s (its log is in SIM_HOME/controller.log).
 */
export async function startController(home: SimHome, settings: SettingsInput): Promise<number> {
  mkdirSync(home.dir, { recursive: true });
  const log = openSync(home.controllerLog, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', CONTROLLER_MAIN, '--home', home.dir, '--settings', JSON.stringify(settings)], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', log, log],
    env: process.env,
  });
  child.unref();
  const pid = child.pid;
  if (pid === undefined) throw new Error('cannot start the controller');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (await controllerAnswers(home)) return pid;
    if (!isAlive(pid)) break;
    await sleep(100);
  }
  const tail = existsSync(home.controllerLog) ? readFileSync(home.controllerLog, 'utf8').split('\n').slice(-15).join('\n') : '';
  throw new Error(`the controller did not start (log ${path.relative(process.cwd(), home.controllerLog)}):\n${tail}`);
}

/**
 * Sends a request to the model's controller, restarting the controller first when the
 * model exists on disk but its controller is gone (a crash). Throws when there is no model.
 */
export async function send(home: SimHome, body: Request, timeoutMs = 0): Promise<Record<string, unknown>> {
  try {
    return await request(home.socketPath, body, timeoutMs);
  } catch (error) {
    if (!(error instanceof ControllerUnreachableError)) throw error;
    if (!existsSync(home.stateFile)) throw new Error(`no model in ${home.dir} (sim deploy first)`);
    if (controllerPid(home) === undefined) await startController(home, {});
    return request(home.socketPath, body, timeoutMs);
  }
}
