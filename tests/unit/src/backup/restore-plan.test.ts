/** The restore's pure step decision: who works, who waits, when the leader moves on, and where it ends. */
import { describe, expect, it } from 'vitest';
import type { RestoreSnapshot, RestoreState, RestoreStep, RestoreTarget } from '../../../../src/backup/restore-plan.js';
import { RESTORE_KEYS, decideRestore, hasReached, nextInstruction, parseRestoreState, prunedTarget } from '../../../../src/backup/restore-plan.js';

const UNITS = ['etcd/0', 'etcd/1', 'etcd/2'];
const target = (units = UNITS): RestoreTarget => ({
  key: 'etcd/2025-01-01T00:00:00Z',
  sha256: 'ab'.repeat(32),
  token: 'etcd-cluster-new',
  members: units.map((u) => ({ unit: u, name: u.replace('/', ''), peerUrl: `http://10.0.0.${u.at(-1)}:2380` })),
});
const state = (instruction: RestoreStep | undefined, extra: Partial<RestoreState> = {}): RestoreState => ({
  id: '2025-01-01T00:00:00Z',
  instruction,
  target: instruction === undefined ? undefined : target(),
  verificationFailed: false,
  malformed: [],
  ...extra,
});
const snap = (unit: string, s: RestoreState, steps: Record<string, RestoreStep | undefined>): RestoreSnapshot => ({ unit, isLeader: unit === 'etcd/0', state: s, ownStep: steps[unit], steps });

/**
 * Plays the protocol over the pure decision: each round every unit acts on
 * what it sees (work marks its step, the leader's advance moves the
 * instruction), until the leader finishes. Returns the instructions in order.
 */
function play(units: string[], options: { verificationFails?: boolean } = {}): RestoreStep[] {
  let s: RestoreState = { ...state('download_backup'), target: target(units) };
  const steps: Record<string, RestoreStep | undefined> = Object.fromEntries(units.map((u) => [u, undefined]));
  const seen: RestoreStep[] = ['download_backup'];
  for (let round = 0; round < 50; round++) {
    for (const unit of [...units].reverse()) {
      const d = decideRestore(snap(unit, s, steps));
      if (d.kind === 'work') {
        steps[unit] = d.step;
        if (d.step === 'verify_backup' && unit === 'etcd/0' && options.verificationFails === true) s = { ...s, verificationFailed: true };
      } else if (d.kind === 'advance') {
        if (d.to === 'finished') return seen;
        s = { ...s, instruction: d.to };
        seen.push(d.to);
      }
    }
  }
  throw new Error('the restore never finished');
}

describe('restore step decision', () => {
  it('three units go through every step in order, the leader moving on only when all reached it', () => {
    expect(play(UNITS)).toEqual(['download_backup', 'stop_workload', 'verify_backup', 'restore_backup', 'restart_workload', 'completed']);
  });

  it('one unit skips the verification; a failed verification skips the restore and restarts everyone on their own data', () => {
    expect(play(['etcd/0'])).toEqual(['download_backup', 'stop_workload', 'restore_backup', 'restart_workload', 'completed']);
    expect(play(UNITS, { verificationFails: true })).toEqual(['download_backup', 'stop_workload', 'verify_backup', 'restart_workload', 'completed']);
    expect(nextInstruction('verify_backup', { verificationFailed: true, participants: 3 })).toBe('restart_workload');
  });

  it('the leader waits for a unit that has not reached the instruction; a unit past it does not redo it', () => {
    const s = state('stop_workload');
    const steps = { 'etcd/0': 'stop_workload', 'etcd/1': 'stop_workload', 'etcd/2': 'download_backup' } as const;
    expect(decideRestore(snap('etcd/0', s, steps))).toEqual({ kind: 'wait', participant: true });
    expect(decideRestore(snap('etcd/2', s, steps))).toEqual({ kind: 'work', step: 'stop_workload' });
    expect(decideRestore(snap('etcd/1', s, steps))).toEqual({ kind: 'wait', participant: true });
    // A step the instruction skipped counts as reached.
    expect(hasReached('restart_workload', 'restore_backup')).toBe(true);
  });

  it('a unit that joined after the restore began waits; a departed member is not waited for', () => {
    const s = state('stop_workload');
    const steps = { 'etcd/0': 'stop_workload', 'etcd/1': 'stop_workload', 'etcd/3': undefined } as const;
    expect(decideRestore(snap('etcd/3', s, steps))).toEqual({ kind: 'wait', participant: false });
    // etcd/2 is gone from the relation: the others are all there.
    expect(decideRestore(snap('etcd/0', s, steps))).toEqual({ kind: 'advance', to: 'verify_backup' });
  });

  it('no instruction: idle, or cleanup for a unit still holding a step; completed ends the restore', () => {
    expect(decideRestore(snap('etcd/1', state(undefined), {}))).toEqual({ kind: 'idle' });
    expect(decideRestore(snap('etcd/1', state(undefined), { 'etcd/1': 'completed' }))).toEqual({ kind: 'cleanup' });
    const done = Object.fromEntries(UNITS.map((u) => [u, 'completed' as const]));
    expect(decideRestore(snap('etcd/0', state('completed'), done))).toEqual({ kind: 'advance', to: 'finished' });
  });

  it('malformed app data holds the restore and names the keys; reading never throws', () => {
    const bad = parseRestoreState({ [RESTORE_KEYS.instruction]: 'explode', [RESTORE_KEYS.target]: '{"key":' });
    expect(bad).toMatchObject({ instruction: undefined, target: undefined, malformed: [RESTORE_KEYS.instruction, RESTORE_KEYS.target] });
    expect(decideRestore(snap('etcd/1', bad, {}))).toEqual({ kind: 'malformed', keys: [RESTORE_KEYS.instruction, RESTORE_KEYS.target] });
    const noTarget = parseRestoreState({ [RESTORE_KEYS.instruction]: 'stop_workload' });
    expect(decideRestore(snap('etcd/1', noTarget, {}))).toEqual({ kind: 'malformed', keys: [RESTORE_KEYS.target] });
    const good = parseRestoreState({ [RESTORE_KEYS.instruction]: 'verify_backup', [RESTORE_KEYS.target]: JSON.stringify(target()), [RESTORE_KEYS.verificationFailed]: 'True', [RESTORE_KEYS.id]: 'x' });
    expect(good).toMatchObject({ id: 'x', instruction: 'verify_backup', verificationFailed: true, malformed: [] });
  });
});

describe('prunedTarget', () => {
  it('drops the members whose units left, up to restore_backup, and never after', () => {
    const left = ['etcd/0', 'etcd/1'];
    for (const next of ['stop_workload', 'verify_backup', 'restore_backup'] as const) {
      expect(prunedTarget(target(), left, next)?.members.map((m) => m.unit)).toEqual(left);
    }
    // Once a unit may have restored its data with the full list, the list must not change.
    for (const next of ['restart_workload', 'completed', 'finished'] as const) expect(prunedTarget(target(), left, next)).toBeUndefined();
    expect(prunedTarget(target(), UNITS, 'verify_backup')).toBeUndefined();
    expect(prunedTarget(target(), [], 'verify_backup')).toBeUndefined();
  });
});

