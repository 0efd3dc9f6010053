/** `sim destroy`: stops every process the model started, by its pid files, even when the controller crashed. */
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SimHome } from '../home.js';
import { isAlive, readPidFiles, unitRootsOnDisk } from '../home.js';
import { loadState } from '../controller/state.js';
import { releaseSubnet } from '../controller/subnet.js';
import { request } from '../protocol.js';
import { shutdownAll } from '../snapd/index.js';

const waitGone = async (pid: number, ms: number): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
};

const kill = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
};

/**
 * Destroys the model in `home`: asks the controller to stop, then makes sure by pid
 * files (controller, hooks, the snapd supervisors and daemons of every unit root),
 * releases the model's /24 and removes SIM_HOME. Safe to run twice.
 */
export async function destroyModel(home: SimHome): Promise<void> {
  if (!existsSync(home.dir)) return;
  let subnet: string | undefined;
  try {
    subnet = loadState(home)?.subnet;
  } catch {
    // a malformed state still gets destroyed
  }
  // Read first: a controller removes its own pid file as it shuts down.
  const pids = readPidFiles(home);
  try {
    await request(home.socketPath, { type: 'shutdown' }, 120_000);
  } catch {
    // crashed or wedged controller: the pid files below cover it
  }
  for (const [name, pid] of readPidFiles(home)) pids.set(name, pid);
  const controller = pids.get('controller');
  if (controller !== undefined && isAlive(controller)) {
    kill(controller, 'SIGTERM');
    if (!(await waitGone(controller, 15_000))) kill(controller, 'SIGKILL');
  }
  for (const [name, pid] of pids) {
    if (!name.startsWith('hook-')) continue;
    kill(-pid, 'SIGKILL');
    kill(pid, 'SIGKILL');
  }
  await shutdownAll(unitRootsOnDisk(home), 10_000);
  if (controller !== undefined) await waitGone(controller, 5000);
  if (subnet) releaseSubnet(subnet);
  rmSync(home.dir, { recursive: true, force: true });
}
