/**
 * The snap tool's side of `sim inject-fault`: inside a hook (or action) it asks
 * the controller, at each command, whether an injected fault fires there. The
 * controller SIGKILLs the hook's process group itself for `kill-hook`; this
 * process goes with it (or kills itself, should it have escaped the group).
 */
import { request } from '../protocol.js';
import type { FaultPoint } from './context.js';

/**
 * The fault point for a snap command run with `env`; undefined outside a hook
 * (no `JUJU_CONTEXT_ID`/`JUJU_AGENT_SOCKET_ADDRESS`), where no fault fires.
 * An unreachable controller means no fault: snap keeps working without one.
 */
export function faultPointFrom(env: Readonly<Record<string, string | undefined>>): FaultPoint | undefined {
  const address = env['JUJU_AGENT_SOCKET_ADDRESS'];
  const contextId = env['JUJU_CONTEXT_ID'];
  if (!address || !contextId) return undefined;
  const socketPath = address.startsWith('@') ? `\0${address.slice(1)}` : address;
  return async (argv, when) => {
    let reply: Record<string, unknown>;
    try {
      reply = await request(socketPath, { type: 'fault-point', contextId, argv: [...argv], when }, 10_000);
    } catch {
      return undefined;
    }
    if (reply['do'] === 'kill-hook') {
      process.kill(process.pid, 'SIGKILL');
      await new Promise<never>(() => undefined);
    }
    return reply['do'] === 'fail' && typeof reply['message'] === 'string' ? reply['message'] : undefined;
  };
}
