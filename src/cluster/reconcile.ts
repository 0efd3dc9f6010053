/**
 * Converges this unit towards its desired state, taking at most one safe
 * step of each kind; safe to run twice and to be killed at any line. Runs
 * for every hook except actions and teardown. Returns its status candidates
 * (the router resolves them once, in src/charm/status-resolver.ts).
 *
 * observe (reconcile/observe.ts) reads once what the decisions need, plan
 * (reconcile/plan.ts) decides, pure, and apply (reconcile/apply-*.ts) calls
 * the step modules. The running stage observes again after the member's own
 * steps: its probe must see what they did.
 */
import type { CharmHook } from '../charm/charm-hook.js';
import { publishFirstAddress } from './address-change.js';
import { runRestore } from '../backup/restore-gate.js';
import type { RefreshOutcome } from '../refresh/step.js';
import { observe, observeAfterRestore } from './reconcile/observe.js';
import { configStatusOf, planGate, planMember } from './reconcile/plan.js';
import type { ReconcileStatuses } from './reconcile/plan.js';
import { applyMember } from './reconcile/apply-member.js';
import { applyRunning } from './reconcile/apply-running.js';

export type { ReconcileStatuses } from './reconcile/plan.js';

export const CLIENT_PORT_SPEC = '2379/tcp';

export async function reconcile(scope: CharmHook, refresh: RefreshOutcome): Promise<ReconcileStatuses> {
  const snapshot = await observe(scope, refresh);
  const isLeader = snapshot.kind === 'peered' ? snapshot.peered.isLeader : snapshot.base.isLeader;
  const gate = planGate(snapshot);
  if (gate.openPort) await scope.model.openPort(CLIENT_PORT_SPEC);
  if (gate.kind === 'stop') return { unit: gate.statuses, app: undefined, isLeader };

  let s = gate.peered;
  publishFirstAddress(s.relation, s.own, s.address);
  if (gate.runRestore) {
    // A restore replaces the cluster: while it runs, nothing below may touch etcd.
    const restore = await runRestore(scope, s.relation);
    if (restore.holds) return { unit: [configStatusOf(s), restore.unit], app: restore.app, isLeader, retry: restore.retry };
    s = await observeAfterRestore(scope, s, restore);
  }

  const member = await applyMember(scope, s, planMember(s));
  if (member.halted) return { unit: member.statuses, app: member.appStatus, isLeader };
  return applyRunning(scope, s, member);
}
