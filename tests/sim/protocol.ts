/**
 * The controller's socket protocol: one JSON object per line. Hook tools send
 * `tool` (and then `tool-timing`); the CLI sends the other requests and gets
 * `{ok: true, ...}` or `{ok: false, error}` back.
 */
import { createConnection } from 'node:net';
import { z } from 'zod';

const SourceSchema = z.union([
  // `charm`: which store charm's revision (default: the charm named as the repository's metadata.yaml, charmed-etcd).
  z.object({ revision: z.number().int().positive(), charm: z.string().optional() }),
  z.object({ path: z.string().min(1) }),
]);
export type CharmSource = z.infer<typeof SourceSchema>;

export const SettingsInputSchema = z.object({
  updateStatusMs: z.number().int().positive().optional(),
  retryScale: z.number().positive().optional(),
  seed: z.number().int().optional(),
  hookTimeoutMs: z.number().int().positive().optional(),
  startAfterRefresh: z.boolean().optional(),
  settleAfterFailures: z.number().int().positive().optional(),
  testParentPid: z.number().int().positive().optional(),
});
export type SettingsInput = z.infer<typeof SettingsInputSchema>;

export const RequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('tool'), contextId: z.string(), tool: z.string(), args: z.array(z.string()), stdin: z.string().optional() }),
  z.object({ type: z.literal('tool-timing'), contextId: z.string(), tool: z.string(), ms: z.number() }),
  z.object({ type: z.literal('ping') }),
  z.object({
    type: z.literal('deploy'),
    source: SourceSchema,
    /** The application name; default the charm's name. */
    app: z.string().optional(),
    units: z.number().int().nonnegative(),
    config: z.array(z.string()),
  }),
  z.object({ type: z.literal('add-unit'), units: z.number().int().positive(), app: z.string().optional() }),
  z.object({ type: z.literal('remove-application'), app: z.string() }),
  z.object({ type: z.literal('integrate'), a: z.string(), b: z.string() }),
  /** Two `APP[:ENDPOINT]`s, or one relation id. */
  z.object({ type: z.literal('remove-relation'), a: z.string(), b: z.string().optional() }),
  z.object({ type: z.literal('remove-unit'), units: z.array(z.string()).min(1) }),
  z.object({ type: z.literal('config'), set: z.array(z.string()), reset: z.array(z.string()), app: z.string().optional() }),
  z.object({ type: z.literal('run'), target: z.string(), action: z.string(), params: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('refresh'), source: SourceSchema, app: z.string().optional() }),
  z.object({ type: z.literal('status') }),
  z.object({ type: z.literal('idle') }),
  z.object({ type: z.literal('resolved'), unit: z.string(), noRetry: z.boolean() }),
  z.object({ type: z.literal('fail-next-hook'), unit: z.string(), hook: z.string().optional() }),
  // `sim inject-fault` (arm, or clear with no fault) and the snap tool's question at each command.
  z.object({
    type: z.literal('inject-fault'),
    unit: z.string(),
    fault: z.object({ on: z.array(z.string()).min(1), when: z.enum(['before', 'after']), do: z.enum(['fail', 'kill-hook', 'fail-hook', 'kill-workload']) }).optional(),
  }),
  z.object({ type: z.literal('fault-point'), contextId: z.string(), argv: z.array(z.string()), when: z.enum(['before', 'after']) }),
  z.object({ type: z.literal('update-status'), units: z.array(z.string()) }),
  z.object({ type: z.literal('unit-info'), unit: z.string() }),
  /** The unit's machine gets a new private address (lib/juju/testing/fake-juju/core/addresses.ts). */
  z.object({ type: z.literal('set-address'), unit: z.string(), address: z.string() }),
  z.object({ type: z.literal('add-secret'), name: z.string(), content: z.record(z.string(), z.string()) }),
  z.object({ type: z.literal('grant-secret'), name: z.string(), app: z.string() }),
  z.object({ type: z.literal('update-secret'), name: z.string(), content: z.record(z.string(), z.string()) }),
  z.object({ type: z.literal('shutdown') }),
  // Test seams for the hook-tool contract tests: a hook context with no process behind it.
  z.object({ type: z.literal('open-context'), unit: z.string(), hook: z.string(), relationId: z.number().int().optional(), remoteUnit: z.string().optional() }),
  z.object({ type: z.literal('close-context'), contextId: z.string(), exitCode: z.number().int() }),
]);
export type Request = z.infer<typeof RequestSchema>;

/** Thrown by {@link request} when the controller answered `{ok: false}`. */
export class ControllerError extends Error {
  override name = 'ControllerError';
}

/** Thrown by {@link request} when nothing listens on the socket. */
export class ControllerUnreachableError extends Error {
  override name = 'ControllerUnreachableError';
}

/**
 * Sends one request and resolves with the controller's answer (without `ok`).
 * Throws {@link ControllerUnreachableError} when the controller does not listen and
 * {@link ControllerError} when it refused the request.
 */
export function request(socketPath: string, body: Request, timeoutMs = 0): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffer = '';
    let done = false;
    const finish = (error: Error | undefined, value?: Record<string, unknown>): void => {
      if (done) return;
      done = true;
      socket.destroy();
      if (error) reject(error);
      else resolve(value ?? {});
    };
    if (timeoutMs > 0) socket.setTimeout(timeoutMs, () => finish(new ControllerUnreachableError('the controller did not answer in time')));
    socket.on('connect', () => socket.write(`${JSON.stringify(body)}\n`));
    socket.setEncoding('utf8'); // a character split across reads stays whole
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl === -1) return;
      let reply: Record<string, unknown>;
      try {
        reply = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      } catch (error) {
        finish(new Error(`malformed answer from the controller: ${(error as Error).message}`));
        return;
      }
      const { ok, error, ...rest } = reply;
      if (ok === true) finish(undefined, rest);
      else finish(new ControllerError(typeof error === 'string' ? error : 'the controller refused the request'));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (['ENOENT', 'ECONNREFUSED'].includes(error.code ?? '')) finish(new ControllerUnreachableError('the controller is not running'));
      else finish(error);
    });
    socket.on('close', () => finish(new ControllerUnreachableError('the controller closed the connection')));
  });
}
