/**
 * Status changes Juju's unit agent makes around a hook (runhook.go), shared by
 * the harness and the simulator so both show what an operator would see.
 */
import type { FakeModel, StoredStatus, UnitModel, WorkloadStatusName } from './model.js';

export interface HookIdentity {
  readonly kind: 'hook' | 'action';
  /** Hook name (`install`, `db-relation-changed`) or action name. */
  readonly name: string;
  /** The remote unit of a relation hook, for the agent status message. */
  readonly remoteUnit?: string;
}

const unitOf = (model: FakeModel, unitName: string): UnitModel => {
  const unit = model.units[unitName];
  if (!unit) throw new Error(`unit ${unitName} is not in the model`);
  return unit;
};

const setWorkload = (model: FakeModel, unit: UnitModel, status: WorkloadStatusName, message: string, at: string): void => {
  const value: StoredStatus = { status, message, data: {}, since: at };
  unit.workloadStatus = value;
  model.history.push({ kind: 'unit-status', unit: unit.name, status, message, at });
};

/**
 * Before the hook runs: agent `executing`, and the workload statuses Juju sets
 * before install, stop and remove. Throws if the unit is not in the model.
 */
export const beforeHook = (model: FakeModel, unitName: string, hook: HookIdentity, at: string): void => {
  const unit = unitOf(model, unitName);
  if (hook.kind === 'action') {
    unit.agentStatus = { status: 'executing', message: `running action ${hook.name}`, since: at };
    return;
  }
  if (hook.name !== 'update-status') {
    const suffix = hook.remoteUnit ? ` for ${hook.remoteUnit}` : '';
    unit.agentStatus = { status: 'executing', message: `running ${hook.name} hook${suffix}`, since: at };
  }
  if (hook.name === 'install' && !unit.statusSetByCharm) setWorkload(model, unit, 'maintenance', 'installing charm software', at);
  if (hook.name === 'stop') setWorkload(model, unit, 'maintenance', 'stopping charm software', at);
  if (hook.name === 'remove') setWorkload(model, unit, 'maintenance', 'cleaning up prior to charm deletion', at);
};

/**
 * After the hook: a failed hook puts the agent into `error` with
 * `hook failed: "<hook>"` (shown as the unit's workload status; the charm's own
 * status is kept underneath); actions never put the unit into error. A
 * successful start/stop/remove gets Juju's follow-up statuses.
 */
export const afterHook = (model: FakeModel, unitName: string, hook: HookIdentity, exitCode: number, at: string): void => {
  const unit = unitOf(model, unitName);
  if (hook.kind === 'hook' && exitCode !== 0) {
    unit.agentStatus = { status: 'error', message: `hook failed: ${JSON.stringify(hook.name)}`, since: at };
    return;
  }
  unit.agentStatus = { status: 'idle', message: '', since: at };
  if (hook.kind === 'action') return;
  if (hook.name === 'start' && !unit.statusSetByCharm && unit.workloadStatus.status !== 'unknown') {
    setWorkload(model, unit, 'unknown', '', at);
  }
  if (hook.name === 'stop') setWorkload(model, unit, 'maintenance', '', at);
  if (hook.name === 'remove') setWorkload(model, unit, 'terminated', '', at);
};

/** What `juju status` shows as the workload: the agent's hook error wins over the charm's status. */
export const displayedWorkloadStatus = (unit: UnitModel): { status: WorkloadStatusName; message: string } =>
  unit.agentStatus.status === 'error'
    ? { status: 'error', message: unit.agentStatus.message }
    : { status: unit.workloadStatus.status, message: unit.workloadStatus.message };
