/**
 * `sim status`: the JSON shape of DESIGN.md (the first application's `application` and
 * `units`, as before) plus every application and relation, as `juju status` shows them,
 * and the tabular view; computed from the controller's state.
 */
import { appUnits, relationKey } from '../../lib/juju/testing/fake-juju/core/index.js';
import type { AppState, CoreModel, CoreRelation } from '../../lib/juju/testing/fake-juju/core/index.js';
import { displayedWorkloadStatus } from '../../lib/juju/testing/fake-juju/juju-effects.js';
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

export interface ApplicationSummaryJson {
  name: string;
  status: string;
  message: string;
  'charm-revision': number;
  charm: string;
  scale: number;
  version: string;
}

/** One application as `juju status --format json` lists it: its units and, per endpoint, what it relates to. */
export interface ApplicationStatusJson extends ApplicationSummaryJson {
  'charm-name': string;
  life: string;
  units: Record<string, UnitStatusJson>;
  relations: Record<string, Array<{ 'related-application': string; interface: string; scope: string }>>;
}

/** One relation as `juju status --relations` shows it. */
export interface RelationStatusJson {
  id: number;
  key: string;
  provider: string;
  requirer: string;
  interface: string;
  type: 'regular' | 'peer';
  status: 'joined' | 'dying';
}

export interface StatusJson {
  model: { name: string; uuid: string; version: string };
  /** The first application deployed (charmed-etcd in every existing use). */
  application: ApplicationSummaryJson;
  units: Record<string, UnitStatusJson>;
  applications: Record<string, ApplicationStatusJson>;
  relations: RelationStatusJson[];
}

export interface SnapInfo {
  readonly revision: string;
  readonly version: string;
}

// Juju derives the app status from its units by severity when the leader set none.
const SEVERITY: readonly WorkloadStatusName[] = ['error', 'blocked', 'maintenance', 'waiting', 'active', 'terminated', 'unknown'];

function unitsOf(state: SimState, app: string, snap: (root: string) => SnapInfo | undefined, running: ReadonlySet<string>): Record<string, UnitStatusJson> {
  const units: Record<string, UnitStatusJson> = {};
  for (const unit of appUnits(state.model, app)) {
    const sim = state.units[unit.name];
    const juju = unit.juju;
    const shown = displayedWorkloadStatus(juju);
    const installed = sim ? snap(sim.root) : undefined;
    units[unit.name] = {
      'workload-status': shown.status,
      message: shown.message,
      'agent-status': juju.agentStatus.status === 'executing' && !running.has(unit.name) ? 'idle' : juju.agentStatus.status,
      'agent-message': juju.agentStatus.message,
      leader: juju.leader,
      address: unit.address,
      machine: juju.machineId,
      life: juju.life,
      'charm-revision': unit.charm.revision,
      charm: unit.charm.url,
      'snap-revision': installed?.revision ?? null,
      'etcd-version': installed?.version ?? null,
      'workload-version': juju.workloadVersion,
      queued: unit.queue.length + unit.actions.length,
    };
  }
  return units;
}

function relationsOf(model: CoreModel, app: string): ApplicationStatusJson['relations'] {
  const out: ApplicationStatusJson['relations'] = {};
  for (const relation of model.relations) {
    const local = relation.ends.find((e) => e.app === app);
    if (!local) continue;
    const remote = relation.ends.find((e) => e.app !== app) ?? local;
    (out[local.endpoint] ??= []).push({ 'related-application': remote.app, interface: relation.interface, scope: 'global' });
  }
  return out;
}

function applicationStatus(state: SimState, app: AppState, snap: (root: string) => SnapInfo | undefined, running: ReadonlySet<string>): ApplicationStatusJson {
  const units = unitsOf(state, app.name, snap, running);
  let status: string = app.application.status.status;
  let message = app.application.status.message;
  if (!app.application.statusSetByCharm) {
    const shown = Object.values(units).map((u) => u['workload-status']);
    status = SEVERITY.find((s) => shown.includes(s)) ?? 'unknown';
    message = Object.values(units).find((u) => u['workload-status'] === status)?.message ?? '';
  }
  const live = appUnits(state.model, app.name);
  return {
    name: app.name,
    status,
    message,
    'charm-revision': app.charm.revision,
    charm: app.charm.url,
    scale: live.filter((u) => u.juju.life === 'alive').length,
    version: live.find((u) => u.juju.leader)?.juju.workloadVersion ?? '',
    'charm-name': app.application.charm.metadata.name,
    life: app.life,
    units,
    relations: relationsOf(state.model, app.name),
  };
}

const relationStatus = (relation: CoreRelation): RelationStatusJson => {
  const [first, second] = relation.ends as [CoreRelation['ends'][number], CoreRelation['ends'][number] | undefined];
  const side = (e: { app: string; endpoint: string }): string => `${e.app}:${e.endpoint}`;
  return {
    id: relation.id,
    key: relationKey(relation),
    provider: side(first),
    requirer: side(second ?? first),
    interface: relation.interface,
    type: second ? 'regular' : 'peer',
    status: relation.dying ? 'dying' : 'joined',
  };
};

/** Builds the status document; `snap(root)` reads a unit's installed charmed-etcd. */
export function buildStatus(state: SimState, snap: (root: string) => SnapInfo | undefined, running: ReadonlySet<string>): StatusJson {
  const { model } = state;
  const applications: Record<string, ApplicationStatusJson> = {};
  for (const app of Object.values(model.applications)) applications[app.name] = applicationStatus(state, app, snap, running);
  const first = Object.values(applications)[0];
  const empty: ApplicationSummaryJson = { name: '', status: 'unknown', message: '', 'charm-revision': 0, charm: '', scale: 0, version: '' };
  const application: ApplicationSummaryJson = first
    ? { name: first.name, status: first.status, message: first.message, 'charm-revision': first['charm-revision'], charm: first.charm, scale: first.scale, version: first.version }
    : empty;
  return {
    model: { name: model.name, uuid: model.uuid, version: model.jujuVersion },
    application,
    units: first?.units ?? {},
    applications,
    relations: model.relations.map(relationStatus),
  };
}

const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd()).join('\n');
};

/** The tabular form, like `juju status --relations` (with each unit's snap revision and etcd version). */
export function formatStatus(status: StatusJson): string {
  const apps = Object.values(status.applications ?? {});
  const header = table([
    ['Model', 'Controller', 'Version'],
    [status.model.name, 'sim', status.model.version],
  ]);
  const appTable = table([
    ['App', 'Version', 'Status', 'Scale', 'Charm', 'Rev', 'Message'],
    ...apps.map((app) => [app.name, app.version, app.status, String(app.scale), app.charm, String(app['charm-revision']), app.message]),
  ]);
  const units = table([
    ['Unit', 'Workload', 'Agent', 'Machine', 'Address', 'Rev', 'Snap', 'etcd', 'Message'],
    ...apps.flatMap((app) => Object.entries(app.units)).map(([name, u]) => [
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
  // Shown once the model has a relation between applications (peers alone: as before).
  const relations = !(status.relations ?? []).some((r) => r.type === 'regular') ? '' : `\n\n${table([
    ['Integration provider', 'Requirer', 'Interface', 'Type', 'Message'],
    ...status.relations.map((r) => [r.provider, r.requirer, r.interface, r.type, r.status === 'dying' ? 'removing' : '']),
  ])}`;
  return `${header}\n\n${appTable}\n\n${units}${relations}\n`;
}
