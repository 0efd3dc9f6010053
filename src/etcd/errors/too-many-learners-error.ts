import { EtcdServerError } from './server-error.js';

/** A learner add was refused because the cluster already has its maximum of learners (one by default). */
export class EtcdTooManyLearnersError extends EtcdServerError {
  override name = 'EtcdTooManyLearnersError';
}

export const isEtcdTooManyLearnersError = (error: unknown): error is EtcdTooManyLearnersError =>
  error instanceof EtcdTooManyLearnersError;
