import { z } from 'zod';
import { runTool, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

/** A port as Juju writes it: `2379/tcp`, `1000-2000/udp`, `icmp`. */
export type PortSpec = string;

const PORT = /^(?:icmp|\d+(?:-\d+)?(?:\/(?:tcp|udp))?)$/;

function assertPort(port: string): void {
  if (!PORT.test(port)) throw new TypeError(`invalid port "${port}": expected <n>[/tcp|udp], <from>-<to>[/tcp|udp] or icmp`);
}

/** `opened-ports --format=json`: ports opened before this hook (this hook's changes are not shown). */
export const openedPorts = (runner: HookToolRunner): Promise<PortSpec[]> =>
  runToolJson(runner, 'opened-ports', ['--format=json'], z.array(z.string()).nullable()).then((p) => p ?? []);

/**
 * `open-port <port>`. Transactional.
 * @throws {TypeError} for a malformed port, before any tool runs.
 */
export async function openPort(runner: HookToolRunner, port: PortSpec): Promise<void> {
  assertPort(port);
  await runTool(runner, 'open-port', [port]);
}

/**
 * `close-port <port>`. Transactional.
 * @throws {TypeError} for a malformed port, before any tool runs.
 */
export async function closePort(runner: HookToolRunner, port: PortSpec): Promise<void> {
  assertPort(port);
  await runTool(runner, 'close-port', [port]);
}
