/**
 * Rolling restart after a tuning change, coordinated through the peer
 * relation without a leader: each unit publishes the tuning fingerprint its
 * etcd runs with (`config_hash`), and a unit restarts only when every started
 * unit with a lower unit number already runs the new fingerprint and reports
 * itself healthy. So exactly one unit is eligible at a time (the lowest that
 * is behind), each waits for the ones before it to come back healthy, and the
 * order survives the leader's unit going away mid-roll, which a
 * leader-granted token would not without extra recovery logic.
 */

export interface PeerProgress {
  readonly unitNumber: number;
  readonly memberName: string;
  readonly started: boolean;
  readonly configHash: string | undefined;
  /** The peer's last health record says healthy. */
  readonly healthy: boolean;
}

export type RestartTurn =
  | { readonly kind: 'not-needed' }
  | { readonly kind: 'go' }
  | { readonly kind: 'wait'; readonly waitingFor: string };

/** Whether this unit restarts now to apply `desiredHash`. Pure. */
export function restartTurn(input: {
  readonly unitNumber: number;
  readonly desiredHash: string;
  readonly appliedHash: string | undefined;
  readonly peers: readonly PeerProgress[];
}): RestartTurn {
  if (input.appliedHash === input.desiredHash) return { kind: 'not-needed' };
  const ahead = input.peers
    .filter((p) => p.started && p.unitNumber < input.unitNumber)
    .sort((a, b) => a.unitNumber - b.unitNumber);
  const blocker = ahead.find((p) => p.configHash !== input.desiredHash || !p.healthy);
  return blocker === undefined ? { kind: 'go' } : { kind: 'wait', waitingFor: blocker.memberName };
}
