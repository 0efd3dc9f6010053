import { createConnection } from 'node:net';
import { z } from 'zod';

/** A request to the supervisor: one JSON line per connection, answered by one JSON line. */
export const RequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('ping') }),
  z.object({ op: z.literal('status') }),
  z.object({ op: z.literal('start'), services: z.array(z.string()) }),
  z.object({ op: z.literal('stop'), services: z.array(z.string()) }),
  z.object({ op: z.literal('restart'), services: z.array(z.string()) }),
  z.object({ op: z.literal('shutdown') }),
]);
export type SupervisorRequest = z.infer<typeof RequestSchema>;

const ServiceStatusSchema = z.object({
  /** A process is running (systemd's ActiveState=active). */
  active: z.boolean(),
  pid: z.number().nullable(),
  /** Hit the start limit after repeated quick failures; only an explicit start retries it. */
  failed: z.boolean(),
  /** Should be running (started and not stopped since). */
  wanted: z.boolean(),
});
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;

export const ResponseSchema = z.union([
  z.object({
    ok: z.literal(true),
    pid: z.number(),
    services: z.record(z.string(), ServiceStatusSchema),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type SupervisorResponse = z.infer<typeof ResponseSchema>;

/**
 * Sends one request to the supervisor listening on `socketPath` and returns its answer.
 * @throws Error when nothing listens there, the connection breaks, or the answer is malformed.
 */
export function sendRequest(socketPath: string, request: SupervisorRequest, timeoutMs = 180_000): Promise<SupervisorResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path: socketPath });
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`snapd supervisor did not answer ${request.op} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const line = buffer.split('\n')[0] ?? '';
      if (line === '') {
        reject(new Error(`snapd supervisor closed the connection without answering ${request.op}`));
        return;
      }
      try {
        resolve(ResponseSchema.parse(JSON.parse(line)));
      } catch (err) {
        reject(new Error(`snapd supervisor sent a malformed answer: ${line}`, { cause: err }));
      }
    });
  });
}
