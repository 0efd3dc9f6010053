/**
 * The whole-cluster restore as a pure decision over the peer data (reference
 * §3.4). The leader sets `restore_instruction`; each unit does its part of
 * that step and records it in its `restore_step`; the leader moves the
 * instruction on only once every participating unit reached it. Steps:
 * download_backup → stop_workload → verify_backup → restore_backup →
 * restart_workload → completed (verify is skipped with one unit, restore when
 * the verification failed).
 */
import { z } from 'zod';

export const RESTORE_STEPS = ['download_backup', 'stop_workload', 'verify_backup', 'restore_backup', 'restart_workload', 'completed'] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];
const stepSchema = z.enum(RESTORE_STEPS);

/** Peer keys of the restore (Canonical's names, plus `restore_target` for what the units need to agree on). */
export const RESTORE_KEYS = {
  id: 'restore_id',
  instruction: 'restore_instruction',
  verificationFailed: 'restore_verification_failed',
  /** JSON {@link RestoreTarget}: the object, its sha256, and the new cluster's members and token. */
  target: 'restore_target',
  /** Unit key: the last step this unit finished. */
  step: 'restore_step',
} as const;

const memberSchema = z.object({ unit: z.string(), name: z.string(), peerUrl: z.string() });
const targetSchema = z.object({
  key: z.string().min(1),
  /** Empty when the object carries no sha256 (a backup made by another tool). */
  sha256: z.string(),
  token: z.string().min(1),
  members: z.array(memberSchema).min(1),
});
export type RestoreTarget = z.infer<typeof targetSchema>;
export type RestoreMember = z.infer<typeof memberSchema>;

/** The restore as the peer data says it; malformed values read as absent and are named. */
export interface RestoreState {
  readonly id: string | undefined;
  readonly instruction: RestoreStep | undefined;
  readonly target: RestoreTarget | undefined;
  readonly verificationFailed: boolean;
  readonly malformed: readonly string[];
}

const stepOf = (raw: string | undefined): RestoreStep | undefined => {
  const parsed = stepSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
};

/** A unit's `restore_step`, or undefined (absent or not a step). */
export const parseRestoreStep = (raw: string | undefined): RestoreStep | undefined => stepOf(raw);

/** Reads the restore keys of the app bag. Never throws. */
export function parseRestoreState(bag: Readonly<Record<string, string>>): RestoreState {
  const malformed: string[] = [];
  const rawInstruction = bag[RESTORE_KEYS.instruction];
  const instruction = stepOf(rawInstruction);
  if (rawInstruction !== undefined && rawInstruction !== '' && instruction === undefined) malformed.push(RESTORE_KEYS.instruction);
  let target: RestoreTarget | undefined;
  const rawTarget = bag[RESTORE_KEYS.target];
  if (rawTarget !== undefined && rawTarget !== '') {
    try {
      const parsed = targetSchema.safeParse(JSON.parse(rawTarget));
      if (parsed.success) target = parsed.data;
      else malformed.push(RESTORE_KEYS.target);
    } catch {
      malformed.push(RESTORE_KEYS.target);
    }
  }
  return { id: bag[RESTORE_KEYS.id] || undefined, instruction, target, verificationFailed: bag[RESTORE_KEYS.verificationFailed] === 'True', malformed };
}

const indexOf = (step: RestoreStep | undefined): number => (step === undefined ? -1 : RESTORE_STEPS.indexOf(step));

/** Whether a unit at `step` has done its part of `instruction` (a later step counts: a step may be skipped). */
export const hasReached = (step: RestoreStep | undefined, instruction: RestoreStep): boolean => indexOf(step) >= indexOf(instruction);

/** The instruction after `current`; `finished` after `completed`. */
export function nextInstruction(current: RestoreStep, options: { readonly verificationFailed: boolean; readonly participants: number }): RestoreStep | 'finished' {
  switch (current) {
    case 'download_backup':
      return 'stop_workload';
    case 'stop_workload':
      // Verifying alone first is worth it only when other members' data is at stake.
      return options.participants > 1 ? 'verify_backup' : 'restore_backup';
    case 'verify_backup':
      return options.verificationFailed ? 'restart_workload' : 'restore_backup';
    case 'restore_backup':
      return 'restart_workload';
    case 'restart_workload':
      return 'completed';
    case 'completed':
      return 'finished';
  }
}

/** What one unit sees of the restore in one hook. */
export interface RestoreSnapshot {
  readonly unit: string;
  readonly isLeader: boolean;
  readonly state: RestoreState;
  readonly ownStep: RestoreStep | undefined;
  /** `restore_step` of every unit in the peer relation now, this one included. */
  readonly steps: Readonly<Record<string, RestoreStep | undefined>>;
}

export type RestoreDecision =
  /** No restore: the hook goes on as usual. */
  | { readonly kind: 'idle' }
  /** The restore is over (the leader cleared it): drop this unit's leftovers and step. */
  | { readonly kind: 'cleanup' }
  /** Nothing to do now: waiting on other units (or not part of this restore). */
  | { readonly kind: 'wait'; readonly participant: boolean }
  /** Do this unit's part of `step`, then record it. */
  | { readonly kind: 'work'; readonly step: RestoreStep }
  /** Leader: every participant reached the instruction; move it on (or finish the restore). */
  | { readonly kind: 'advance'; readonly to: RestoreStep | 'finished' }
  /** The app data is unusable: hold everything and say so. */
  | { readonly kind: 'malformed'; readonly keys: readonly string[] };

/** The units that take part: the target's members still in the relation. */
export const participantsOf = (target: RestoreTarget, steps: RestoreSnapshot['steps']): string[] =>
  target.members.map((m) => m.unit).filter((u) => Object.hasOwn(steps, u));

/**
 * The target without the members whose units left the relation, while no
 * unit has restored its data yet (before `restore_backup`, every unit builds
 * its member from the target's list, which must be the same everywhere);
 * undefined when nothing changes. A unit removed later stays in the new
 * cluster's first membership until the leader removes it as an orphan.
 */
export function prunedTarget(target: RestoreTarget, participants: readonly string[], next: RestoreStep | 'finished'): RestoreTarget | undefined {
  if (next === 'finished' || indexOf(next) > indexOf('restore_backup')) return undefined;
  const members = target.members.filter((m) => participants.includes(m.unit));
  if (members.length === target.members.length || members.length === 0) return undefined;
  return { ...target, members };
}

/** The next thing this unit does for the restore. Pure. */
export function decideRestore(s: RestoreSnapshot): RestoreDecision {
  const { state } = s;
  if (state.instruction === undefined) {
    if (state.malformed.includes(RESTORE_KEYS.instruction)) return { kind: 'malformed', keys: state.malformed };
    return s.ownStep === undefined ? { kind: 'idle' } : { kind: 'cleanup' };
  }
  if (state.target === undefined) return { kind: 'malformed', keys: state.malformed.length > 0 ? state.malformed : [RESTORE_KEYS.target] };
  const participants = participantsOf(state.target, s.steps);
  if (!participants.includes(s.unit)) return { kind: 'wait', participant: false };
  if (!hasReached(s.ownStep, state.instruction)) return { kind: 'work', step: state.instruction };
  if (s.isLeader && participants.every((u) => hasReached(s.steps[u], state.instruction!))) {
    return { kind: 'advance', to: nextInstruction(state.instruction, { verificationFailed: state.verificationFailed, participants: participants.length }) };
  }
  return { kind: 'wait', participant: true };
}
