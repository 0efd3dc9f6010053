import { EtcdServerError } from './server-error.js';

/**
 * Promotion refused because the learner has not caught up with the leader
 * (or has not started). Try again in a later hook.
 */
export class EtcdLearnerNotInSyncError extends EtcdServerError {
  override name = 'EtcdLearnerNotInSyncError';
}

export const isEtcdLearnerNotInSyncError = (error: unknown): error is EtcdLearnerNotInSyncError =>
  error instanceof EtcdLearnerNotInSyncError;
