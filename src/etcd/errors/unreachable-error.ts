import { EtcdError } from './etcd-error.js';

/**
 * The endpoint did not answer: connection refused or reset, no route, or the
 * per-operation timeout expired (`timedOut`). Requests that any member can
 * answer fail over to the next endpoint on this error.
 */
export class EtcdUnreachableError extends EtcdError {
  override name = 'EtcdUnreachableError';
  readonly timedOut: boolean;

  constructor(endpoint: string, detail: string, options: { timedOut: boolean; cause?: unknown }) {
    super(`etcd at ${endpoint} is unreachable: ${detail}`, { endpoint, cause: options.cause });
    this.timedOut = options.timedOut;
  }
}

export const isEtcdUnreachableError = (error: unknown): error is EtcdUnreachableError =>
  error instanceof EtcdUnreachableError;
