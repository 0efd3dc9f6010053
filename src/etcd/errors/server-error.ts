import { EtcdError } from './etcd-error.js';

/**
 * etcd answered with an error that has no more specific class here. `grpcCode`
 * is the gRPC status code the gateway reports (9 FailedPrecondition, 14
 * Unavailable, ...); `serverMessage` is etcd's own text, e.g. "etcdserver: not leader".
 */
export class EtcdServerError extends EtcdError {
  override name = 'EtcdServerError';
  readonly grpcCode: number | undefined;
  readonly httpStatus: number;
  readonly serverMessage: string;

  constructor(
    serverMessage: string,
    options: { endpoint: string; grpcCode: number | undefined; httpStatus: number; operation: string },
  ) {
    super(`${options.operation} on ${options.endpoint} failed: ${serverMessage}`, { endpoint: options.endpoint });
    this.grpcCode = options.grpcCode;
    this.httpStatus = options.httpStatus;
    this.serverMessage = serverMessage;
  }
}

export const isEtcdServerError = (error: unknown): error is EtcdServerError => error instanceof EtcdServerError;
