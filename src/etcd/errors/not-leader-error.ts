import { EtcdServerError } from './server-error.js';

/** A leader-only request (move leader) reached a member that is not the raft leader. */
export class EtcdNotLeaderError extends EtcdServerError {
  override name = 'EtcdNotLeaderError';
}

export const isEtcdNotLeaderError = (error: unknown): error is EtcdNotLeaderError => error instanceof EtcdNotLeaderError;
