import { EtcdError } from './etcd-error.js';

/**
 * etcd answered with something this client cannot read: not JSON, or JSON of
 * an unexpected shape (for example an endpoint that is not etcd, or a gateway
 * that is switched off and answers 404 "page not found").
 */
export class EtcdProtocolError extends EtcdError {
  override name = 'EtcdProtocolError';
  readonly httpStatus: number | undefined;

  constructor(message: string, options: { endpoint: string; httpStatus?: number; cause?: unknown }) {
    super(message, { endpoint: options.endpoint, cause: options.cause });
    this.httpStatus = options.httpStatus;
  }
}

export const isEtcdProtocolError = (error: unknown): error is EtcdProtocolError => error instanceof EtcdProtocolError;
