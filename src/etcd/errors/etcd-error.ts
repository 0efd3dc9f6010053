/**
 * Base class of every error the etcd client raises, so callers can catch
 * "anything etcd said" with one `instanceof` and still branch on the subclass.
 * `endpoint` is the client URL the failing request went to (never carries credentials).
 */
export class EtcdError extends Error {
  override name = 'EtcdError';
  readonly endpoint: string | undefined;

  constructor(message: string, options: { endpoint?: string | undefined; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.endpoint = options.endpoint;
  }
}

/** True for any error raised by the etcd client. */
export const isEtcdError = (error: unknown): error is EtcdError => error instanceof EtcdError;
