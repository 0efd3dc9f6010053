/**
 * The hook-tool executable: every tool name on a hook's PATH links to this one
 * bundle. It sends (context id, tool name, argv, stdin when the tool reads it)
 * to the controller named by JUJU_AGENT_SOCKET_ADDRESS, prints what the tool
 * printed and exits with its code. Kept free of dependencies: it starts often.
 */
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const tool = path.basename(process.argv[1] ?? 'hook-tool');
const args = process.argv.slice(2);
const contextId = process.env['JUJU_CONTEXT_ID'];
const address = process.env['JUJU_AGENT_SOCKET_ADDRESS'];

const fail = (message: string): void => {
  process.stderr.write(`ERROR ${message}\n`);
  process.exitCode = 1;
};

/** relation-set and state-set read their settings from stdin with `--file -`. */
const readsStdin = (argv: readonly string[]): boolean => {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') return false;
    if (argv[i] === '--file=-' || (argv[i] === '--file' && argv[i + 1] === '-')) return true;
  }
  return false;
};

if (!contextId || !address) {
  fail(`${tool}: JUJU_CONTEXT_ID or JUJU_AGENT_SOCKET_ADDRESS not set: hook tools only work inside a hook`);
} else {
  let stdin: string | undefined;
  if (readsStdin(args)) {
    try {
      stdin = readFileSync(0, 'utf8');
    } catch {
      stdin = '';
    }
  }
  const socket = createConnection(address.startsWith('@') ? `\0${address.slice(1)}` : address);
  let buffer = '';
  let answered = false;
  socket.on('connect', () => socket.write(`${JSON.stringify({ type: 'tool', contextId, tool, args, ...(stdin === undefined ? {} : { stdin }) })}\n`));
  socket.on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    const nl = buffer.indexOf('\n');
    if (nl === -1 || answered) return;
    answered = true;
    const reply = JSON.parse(buffer.slice(0, nl)) as { stdout?: string; stderr?: string; exitCode?: number };
    if (reply.stdout) process.stdout.write(reply.stdout);
    if (reply.stderr) process.stderr.write(reply.stderr);
    process.exitCode = reply.exitCode ?? 1;
    // The whole call, process start-up included: what a hook pays per tool.
    const ms = Date.now() - performance.timeOrigin;
    socket.end(`${JSON.stringify({ type: 'tool-timing', contextId, tool, ms })}\n`);
  });
  socket.on('error', (error) => {
    if (!answered) fail(`${tool}: cannot reach the unit agent at ${address}: ${error.message}`);
  });
  socket.on('close', () => {
    if (!answered) fail(`${tool}: the unit agent closed the connection`);
  });
}
