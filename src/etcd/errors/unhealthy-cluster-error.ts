import { EtcdServerError } from './server-error.js';

/**
 * etcd refused a membership change that could cost quorum: too few started
 * members ("re-configuration failed due to not enough started members"), or
 * voters not connected for long enough ("unhealthy cluster"; etcd wants
 * peers connected for 5 s, so this follows right after a member joins or
 * restarts). Retry in a later hook.
 */
export class EtcdUnhealthyClusterError extends EtcdServerError {
  override name = 'EtcdUnhealthyClusterError';
}

export const isEtcdUnhealthyClusterError = (error: unknown): error is EtcdUnhealthyClusterError =>
  error instanceof EtcdUnhealthyClusterError;
