import { EtcdServerError } from './server-error.js';

/**
 * The request was refused for lack of rights: no token while auth is on
 * ("user name is empty"), a token etcd no longer accepts ("invalid auth
 * token"), or a user without the needed role ("permission denied").
 */
export class EtcdPermissionDeniedError extends EtcdServerError {
  override name = 'EtcdPermissionDeniedError';

  /** True when no (valid) identity was presented, as opposed to an identity lacking rights. */
  get unauthenticated(): boolean {
    return !/permission denied/.test(this.serverMessage);
  }
}

export const isEtcdPermissionDeniedError = (error: unknown): error is EtcdPermissionDeniedError =>
  error instanceof EtcdPermissionDeniedError;
