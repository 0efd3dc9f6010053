import type { z } from 'zod';
import { EtcdAuthFailedError } from './errors/auth-failed-error.js';
import { EtcdLearnerNotInSyncError } from './errors/learner-not-in-sync-error.js';
import { EtcdMemberNotFoundError } from './errors/member-not-found-error.js';
import { EtcdNotLeaderError } from './errors/not-leader-error.js';
import { EtcdPermissionDeniedError } from './errors/permission-denied-error.js';
import { EtcdProtocolError } from './errors/protocol-error.js';
import { EtcdServerError } from './errors/server-error.js';
import { EtcdTooManyLearnersError } from './errors/too-many-learners-error.js';
import { EtcdUnhealthyClusterError } from './errors/unhealthy-cluster-error.js';
import { EtcdUnreachableError } from './errors/unreachable-error.js';
import { gatewayErrorSchema } from './gateway-schemas.js';

/** What the gateway reads of an answer: a fetch Response is one. */
export type GatewayResponse = Pick<Response, 'status' | 'text'>;

/** The `fetch` signature the client needs; injectable so tests can answer without a server. */
export type FetchLike = (input: string, init: RequestInit) => Promise<GatewayResponse>;

/** One HTTP exchange with etcd's JSON gateway. */
export interface GatewayCall<T> {
  /** Client URL such as `http://10.0.0.1:2379` (a trailing slash is tolerated). */
  readonly endpoint: string;
  readonly method: 'GET' | 'POST';
  /** Absolute path: `/v3/...`, `/health` or `/version`. */
  readonly path: string;
  readonly body?: unknown;
  /** Auth token, sent as the `Authorization` header (etcd expects the bare token, no scheme). */
  readonly token?: string | undefined;
  readonly timeoutMs: number;
  /** Names the operation in error messages ("member promote"). */
  readonly operation: string;
  readonly schema: z.ZodType<T>;
  readonly fetch: FetchLike;
}

/** Removes trailing slashes so paths join cleanly. */
export const normalizeEndpoint = (endpoint: string): string => endpoint.replace(/\/+$/, '');

/**
 * Sends one request and parses the answer with `call.schema`.
 * Request bodies (which may hold passwords) never appear in errors.
 * @throws EtcdUnreachableError when the endpoint does not answer within `timeoutMs`.
 * @throws EtcdServerError (or a subclass, see {@link classifyServerError}) when etcd answers with an error.
 * @throws EtcdProtocolError when the answer is not the expected JSON.
 */
export async function gatewayRequest<T>(call: GatewayCall<T>): Promise<T> {
  const endpoint = normalizeEndpoint(call.endpoint);
  const headers: Record<string, string> = {};
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.token !== undefined) headers['authorization'] = call.token;

  let status: number;
  let text: string;
  try {
    const response = await call.fetch(`${endpoint}${call.path}`, {
      method: call.method,
      headers,
      ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    throw unreachable(endpoint, error, call.timeoutMs);
  }

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new EtcdProtocolError(
      `${call.operation} on ${endpoint}: HTTP ${status}, not JSON: ${JSON.stringify(text.slice(0, 120))}`,
      { endpoint, httpStatus: status, cause },
    );
  }

  if (status < 200 || status >= 300) {
    const parsed = gatewayErrorSchema.safeParse(json);
    const message = parsed.success ? (parsed.data.message ?? parsed.data.error) : undefined;
    if (message === undefined) {
      throw new EtcdProtocolError(`${call.operation} on ${endpoint}: HTTP ${status} without an error message`, {
        endpoint,
        httpStatus: status,
      });
    }
    throw classifyServerError(message, {
      endpoint,
      grpcCode: parsed.success ? parsed.data.code : undefined,
      httpStatus: status,
      operation: call.operation,
    });
  }

  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    throw new EtcdProtocolError(`${call.operation} on ${endpoint}: unexpected answer: ${parsed.error.message}`, {
      endpoint,
      httpStatus: status,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Maps etcd's error text to a typed error. etcd's messages are stable across
 * 3.4–3.6 while HTTP statuses are not (FailedPrecondition is 412 on 3.4, 400
 * on 3.5), so the text and gRPC code decide.
 */
export function classifyServerError(
  message: string,
  context: { endpoint: string; grpcCode: number | undefined; httpStatus: number; operation: string },
): EtcdServerError {
  if (/authentication failed/.test(message)) return new EtcdAuthFailedError(message, context);
  if (/user name is empty|invalid auth token|permission denied|revision in header is old|auth: invalid/.test(message)) {
    return new EtcdPermissionDeniedError(message, context);
  }
  if (/in sync with leader/.test(message)) return new EtcdLearnerNotInSyncError(message, context);
  if (/member not found/.test(message)) return new EtcdMemberNotFoundError(message, context);
  if (/too many learner members/.test(message)) return new EtcdTooManyLearnersError(message, context);
  if (/etcdserver: not leader/.test(message)) return new EtcdNotLeaderError(message, context);
  if (/unhealthy cluster|not enough started members/.test(message)) return new EtcdUnhealthyClusterError(message, context);
  return new EtcdServerError(message, context);
}

/**
 * True for server errors another member may not have: this member is a
 * learner, has no leader, is still starting, or timed out inside raft.
 */
export function isMemberLocalFailure(error: EtcdServerError): boolean {
  if (error instanceof EtcdUnhealthyClusterError) return false;
  return (
    error.grpcCode === 14 || // Unavailable
    /not supported for learner|no leader|leader changed|request timed out|server stopped|not capable|too many requests/.test(
      error.serverMessage,
    )
  );
}

function unreachable(endpoint: string, error: unknown, timeoutMs: number): EtcdUnreachableError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new EtcdUnreachableError(endpoint, `no answer within ${timeoutMs} ms`, { timedOut: true, cause: error });
  }
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const detail =
    typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
  return new EtcdUnreachableError(endpoint, detail, { timedOut: false, cause: error });
}
