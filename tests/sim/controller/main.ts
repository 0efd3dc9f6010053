/**
 * The controller process: one per model, started detached by `sim deploy` (or by
 * any verb that finds the model's state but no controller). It owns the model,
 * runs hooks, answers the hook tools and the CLI on a unix socket in SIM_HOME.
 *
 * Usage: node --import tsx tests/sim/controller/main.ts --home DIR [--settings JSON]
 */
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ensureSnapStore } from '../charm-store.js';
import { isAlive, readPidFiles, removePidFile, simHome, unitRootsOnDisk, writePidFile } from '../home.js';
import { InputError } from '../parse.js';
import { RequestSchema, SettingsInputSchema } from '../protocol.js';
import type { Request } from '../protocol.js';
import { shutdownAll } from '../snapd/index.js';
import { hookToolsWritten, writeModelTools } from '../tools-build.js';
import { ModelError } from '../../../lib/juju/testing/fake-juju/core/index.js';
import { Runtime } from './runtime.js';
import { deployApp, handleRequest } from './requests.js';
import { loadState } from './state.js';
import type { SimSettings } from './state.js';
import { claimSubnet, reclaimSubnet, releaseSubnet } from './subnet.js';
import { DEFAULT_SETTINGS, createState } from './topology.js';

const { values } = parseArgs({ options: { home: { type: 'string' }, settings: { type: 'string' } } });
if (!values.home) throw new Error('--home is required');
const home = simHome(values.home);
const settingsInput = SettingsInputSchema.parse(JSON.parse(values.settings ?? '{}'));

writePidFile(home, 'controller', process.pid);
// Hooks of a previous controller cannot reach us: kill them; their hooks run again.
for (const [name, pid] of readPidFiles(home)) {
  if (!name.startsWith('hook-')) continue;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone already
  }
  removePidFile(home, name);
}

const saved = loadState(home);
const subnet = saved?.subnet ?? claimSubnet();
if (saved) reclaimSubnet(saved.subnet);
if (!hookToolsWritten(home) || !existsSync(`${home.snapToolsDir}/snap`)) await writeModelTools(home);

let runtime: Runtime | undefined = saved ? new Runtime(home, saved) : undefined;
let shuttingDown = false;
runtime?.resume();

/** Stops everything this model runs; with `removeHome`, the model's directory goes too. */
async function shutdown(removeHome: boolean): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  clearInterval(guard);
  await runtime?.stop();
  if (runtime && existsSync(home.dir)) runtime.saveNow();
  await shutdownAll(unitRootsOnDisk(home), 10_000);
  releaseSubnet(subnet);
  server.close();
  if (!home.socketPath.startsWith('\0')) rmSync(home.socketPath, { force: true });
  removePidFile(home, 'controller');
  if (removeHome) rmSync(home.dir, { recursive: true, force: true });
}

/** The first deploy makes the model; later ones add applications to it. */
async function deploy(req: Extract<Request, { type: 'deploy' }>): Promise<Record<string, unknown>> {
  ensureSnapStore(home);
  if (!runtime) {
    const defined = Object.fromEntries(Object.entries(settingsInput).filter(([, v]) => v !== undefined));
    const settings = { ...DEFAULT_SETTINGS, ...defined } as SimSettings;
    runtime = new Runtime(home, createState(home, subnet, settings));
    runtime.saveNow();
  }
  return deployApp(runtime, req);
}

async function answer(line: string, socket: Socket): Promise<void> {
  let req: Request;
  try {
    req = RequestSchema.parse(JSON.parse(line));
  } catch (error) {
    const message = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    socket.write(`${JSON.stringify({ ok: false, error: `bad request: ${message}` })}\n`);
    return;
  }
  if (req.type === 'tool') {
    const result = runtime
      ? runtime.contexts.call(req.contextId, req.tool, req.args, req.stdin)
      : { stdout: '', stderr: 'ERROR no model\n', exitCode: 1 };
    socket.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (req.type === 'tool-timing') {
    runtime?.contexts.recordTiming(req.contextId, req.tool, req.ms);
    return;
  }
  try {
    let body: Record<string, unknown>;
    if (req.type === 'ping') body = { pid: process.pid, deployed: runtime !== undefined && Object.keys(runtime.model.applications).length > 0 };
    else if (req.type === 'deploy') body = await deploy(req);
    else if (req.type === 'shutdown') {
      await shutdown(false);
      body = {};
    } else if (!runtime) throw new InputError('no application deployed in this model (sim deploy first)');
    else body = await handleRequest(runtime, req);
    socket.write(`${JSON.stringify({ ok: true, ...body })}\n`);
    if (req.type === 'shutdown') setTimeout(() => process.exit(0), 50);
  } catch (error) {
    const message = error instanceof ModelError || error instanceof InputError ? error.message : (error as Error).message;
    socket.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  }
}

const server = createServer((socket) => {
  let buffer = '';
  // Decoded as a stream: a multi-byte character split across two reads stays one character.
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      void answer(line, socket);
    }
  });
  socket.on('error', () => undefined);
});

if (!home.socketPath.startsWith('\0')) rmSync(home.socketPath, { force: true });
server.listen(home.socketPath);

// Test guard: when SIM_HOME disappears or the test process that started the model is gone,
// stop everything so nothing outlives the test run.
const guard = setInterval(() => {
  const parent = runtime?.state.settings.testParentPid ?? settingsInput.testParentPid;
  const homeGone = !existsSync(home.dir);
  if (homeGone || (parent !== undefined && !isAlive(parent))) {
    void shutdown(parent !== undefined && !homeGone).then(() => process.exit(0));
  }
}, 1000);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => void shutdown(false).then(() => process.exit(0)));
}
