import { EtcdServerError } from './server-error.js';

/** Authentication was refused: wrong user name or password. Retrying with the same credentials cannot help. */
export class EtcdAuthFailedError extends EtcdServerError {
  override name = 'EtcdAuthFailedError';
}

export const isEtcdAuthFailedError = (error: unknown): error is EtcdAuthFailedError =>
  error instanceof EtcdAuthFailedError;
