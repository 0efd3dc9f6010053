import { EtcdServerError } from './server-error.js';

/** The member id named in a promote/remove/update is not (or no longer) in the cluster. */
export class EtcdMemberNotFoundError extends EtcdServerError {
  override name = 'EtcdMemberNotFoundError';
}

export const isEtcdMemberNotFoundError = (error: unknown): error is EtcdMemberNotFoundError =>
  error instanceof EtcdMemberNotFoundError;
