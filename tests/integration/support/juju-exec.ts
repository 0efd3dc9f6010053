/**
 * `juju exec --unit U -- <hook tools>`: runs hook tools in a context of the
 * unit, through the controller's context seam, and commits like a hook that
 * exits 0 (relation data written here reaches the peers as relation-changed).
 * Run it only while the model is settled: Juju holds the unit's hook lock
 * for an exec, the simulator does not.
 */
import { execa } from 'execa';
import { request } from '../../sim/protocol.js';
import type { CliResult, SimModel } from '../../sim/testing.js';

export interface ExecContext {
  /** Runs a hook tool with the context's environment only, as a charm would. */
  tool(name: string, args: readonly string[], input?: string): Promise<CliResult>;
}

/**
 * Opens a context on `unit`, runs `body` in it, and closes it with exit code 0
 * (committing what it wrote), or 1 when `body` throws (discarding it).
 */
export async function jujuExec<T>(sim: SimModel, unit: string, body: (ctx: ExecContext) => Promise<T>): Promise<T> {
  const reply = await request(sim.home.socketPath, { type: 'open-context', unit, hook: 'juju-exec' });
  const contextId = reply['contextId'] as string;
  const env = reply['env'] as Record<string, string>;
  const ctx: ExecContext = {
    async tool(name, args, input) {
      const r = await execa(name, [...args], { env, extendEnv: false, reject: false, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? 1 };
    },
  };
  let exitCode = 1;
  try {
    const result = await body(ctx);
    exitCode = 0;
    return result;
  } finally {
    await request(sim.home.socketPath, { type: 'close-context', contextId, exitCode });
  }
}
