/** `sim status`: the JSON shape of DESIGN.md and the tabular view, computed from the controller's state. */
import { displayedWorkloadStatus } from '../../lib/juju/testing/fake-juju/juju-effects.js';
import { compareUnitNames } from '../../lib/juju/testing/fake-juju/model.js';
import type { WorkloadStatusName } from '../../lib/juju/testing/fake-juju/model.js';
import type { SimState } from './controller/state.js';

export interface UnitStatusJson {
  'workload-status': string;
  message: string;
  'agent-status': string;
  'agent-message': string;
  leader: boolean;
  address: string;
  machine: string;
  life: string;
  'charm-revision': number;
  charm: string;
  'snap-revision': string | null;
  'etcd-version': string | null;
  'workload-version': string;
  /** Hooks and actions waiting (for progress output). */
  queued: number;
}

export interface StatusJson {
  model: { name: string; uuid: string; version: string };
  application: { name: string; status: string; message: string; 'charm-revision': number; charm: string; scale: number; version: string };
  units: Record<string, UnitStatusJson>;
}

export interface SnapInfo {
  readonly revision: string;
  readonly version: string;
}

// Juju derives the app status from its units by severity when the leader set none.
const SEVERITY: readonly WorkloadStatusName[] = ['error', 'blocked', 'maintenance', 'waiting', 'active', 'terminated', 'unknown'];

/** Builds the status document; `snap(root)` reads a unit's installed charmed-etcd. */
export function buildStatus(state: SimState, snap: (root: string) => SnapInfo | undefined, running: ReadonlySet<string>): StatusJson {
  const { model } = state;
  const units: Record<string, UnitStatusJson> = {};
  for (const name of Object.keys(model.units).sort(compareUnitNames)) {
    const unit = model.units[name];
    const sim = state.units[name];
    if (!unit || !sim) continue;
    const shown = displayedWorkloadStatus(unit);
    const installed = snap(sim.root);
    units[name] = {
      'workload-status': shown.status,
      message: shown.message,
      'agent-status': unit.agentStatus.status === 'executing' && !running.has(name) ? 'idle' : unit.agentStatus.status,
      'agent-message': unit.agentStatus.message,
      leader: unit.leader,
      address: sim.address,
      machine: unit.machineId,
      life: unit.life,
      'charm-revision': sim.charm.revision,
      charm: sim.charm.url,
      'snap-revision': installed?.revision ?? null,
      'etcd-version': installed?.version ?? null,
      'workload-version': unit.workloadVersion,
      queued: sim.queue.length + sim.actions.length,
    };
  }
  let status: string = model.application.status.status;
  let message = model.application.status.message;
  if (!model.application.statusSetByCharm) {
    const shown = Object.values(units).map((u) => u['workload-status']);
    status = SEVERITY.find((s) => shown.includes(s)) ?? 'unknown';
    message = Object.values(units).find((u) => u['workload-status'] === status)?.message ?? '';
  }
  const version = Object.values(model.units).find((u) => u.leader)?.workloadVersion ?? '';
  return {
    model: { name: model.name, uuid: model.uuid, version: model.jujuVersion },
    application: {
      name: model.application.name,
      status,
      message,
      'charm-revision': state.charm.revision,
      charm: state.charm.url,
      scale: Object.values(model.units).filter((u) => u.life === 'alive').length,
      version,
    },
    units,
  };
}

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd()).join('\n');
};

/** The tabular form, like `juju status` (with the unit's snap revision and etcd version). */
export function formatStatus(status: StatusJson): string {
  const app = status.application;
  const header = table([
    ['Model', 'Controller', 'Version'],
    [status.model.name, 'sim', status.model.version],
  ]);
  const apps = table([
    ['App', 'Version', 'Status', 'Scale', 'Charm', 'Rev', 'Message'],
    [app.name, app.version, app.status, String(app.scale), app.charm, String(app['charm-revision']), app.message],
  ]);
  const units = table([
    ['Unit', 'Workload', 'Agent', 'Machine', 'Address', 'Rev', 'Snap', 'etcd', 'Message'],
    ...Object.entries(status.units).map(([name, u]) => [
      `${name}${u.leader ? '*' : ''}`,
      u['workload-status'],
      u['agent-status'],
      u.machine,
      u.address,
      String(u['charm-revision']),
      u['snap-revision'] ?? '-',
      u['etcd-version'] ?? '-',
      u.message,
    ]),
  ]);
  return `${header}\n\n${apps}\n\n${units}\n`;
}
