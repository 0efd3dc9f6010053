/** Converts a harness State into a one-unit fake model and back. */
import { bindingFor, emptyModel, newUnit, storedStatus } from '../fake-juju/model.js';
import type { CharmFiles, FakeModel, NetworkBinding, OpenedPort, RelationModel, SecretModel } from '../fake-juju/model.js';
import type { HarnessEvent } from './events.js';
import { createState, storageId } from './state.js';
import type { AnyRelation, Network, Port, Secret, State } from './state.js';

export interface Identity {
  readonly appName: string;
  readonly unitName: string;
  readonly charm: CharmFiles;
  readonly modelName: string;
  readonly modelUuid: string;
  readonly jujuVersion: string;
  readonly machineId: string;
}

const toBinding = (network: Network): NetworkBinding => {
  const base = bindingFor(network.address);
  return {
    ...base,
    interfaceName: network.interfaceName ?? base.interfaceName,
    cidr: network.cidr ?? base.cidr,
    ingressAddresses: [...(network.ingressAddresses ?? base.ingressAddresses)],
    egressSubnets: [...(network.egressSubnets ?? base.egressSubnets)],
  };
};

const toPort = (port: Port): OpenedPort => {
  const out: OpenedPort = { protocol: port.protocol, endpoints: [...(port.endpoints ?? ['*'])] };
  if (port.protocol !== 'icmp' && port.port !== undefined) {
    out.fromPort = port.port;
    out.toPort = port.toPort ?? port.port;
  }
  return out;
};

const fromPort = (port: OpenedPort): Port => {
  const out: { -readonly [K in keyof Port]: Port[K] } = { protocol: port.protocol };
  if (port.fromPort !== undefined) out.port = port.fromPort;
  if (port.toPort !== undefined && port.toPort !== port.fromPort) out.toPort = port.toPort;
  if (!(port.endpoints.length === 1 && port.endpoints[0] === '*')) out.endpoints = [...port.endpoints];
  return out;
};

const toRelation = (relation: AnyRelation, id: Identity, event: HarnessEvent): RelationModel => {
  const remoteApp = relation.kind === 'peer' ? id.appName : relation.remoteApp;
  const others = relation.kind === 'peer' ? relation.peersData : relation.remoteUnitsData;
  const unitData: Record<string, Record<string, string>> = { [id.unitName]: { ...relation.localUnitData } };
  for (const [n, bag] of Object.entries(others)) unitData[`${remoteApp}/${n}`] = { ...bag };
  const appData: Record<string, Record<string, string>> = { [id.appName]: { ...relation.localAppData } };
  if (relation.kind === 'relation') appData[remoteApp] = { ...relation.remoteAppData };
  const isThis = event.kind === 'hook' && event.relation?.id === relation.id;
  const departing = isThis && event.kind === 'hook' ? event.departingUnit : undefined;
  const broken = isThis && event.kind === 'hook' && event.name.endsWith('-relation-broken');
  // During -departed the departing unit is already gone from relation-list.
  const joined = Object.keys(unitData).filter((u) => u !== id.unitName && u !== departing);
  return {
    id: relation.id,
    endpoint: relation.endpoint,
    interface: relation.interface,
    peer: relation.kind === 'peer',
    remoteApp,
    remoteEndpoint: relation.endpoint,
    appData,
    unitData,
    joined: { [id.unitName]: departing === id.unitName ? [] : joined },
    departed: departing === undefined ? [] : [departing],
    dying: broken,
  };
};

const toSecret = (secret: Secret, id: Identity): SecretModel => {
  const out: SecretModel = {
    id: secret.id,
    owner:
      secret.owner === 'app'
        ? { kind: 'application', name: id.appName }
        : secret.owner === 'unit'
          ? { kind: 'unit', name: id.unitName }
          : secret.ownerApp === 'model'
            ? { kind: 'model' }
            : { kind: 'application', name: secret.ownerApp ?? 'remote' },
    revisions: secret.revisions.map((r) => ({ revision: r.revision, content: { ...r.content }, createdAt: '1970-01-01T00:00:00.000Z' })),
    grants: secret.grants.map((g) => ({ ...g })),
    consumers: {},
  };
  if (!secret.owner && !out.grants.some((g) => g.subject === id.appName || g.subject === id.unitName)) {
    out.grants.push({ scope: 'application', subject: id.appName });
  }
  if (secret.trackedRevision !== undefined) {
    out.consumers[id.unitName] = secret.consumerLabel === undefined ? { revision: secret.trackedRevision } : { revision: secret.trackedRevision, label: secret.consumerLabel };
  }
  if (secret.label !== undefined) out.label = secret.label;
  if (secret.description !== undefined) out.description = secret.description;
  if (secret.rotate !== undefined) out.rotate = secret.rotate;
  if (secret.expire !== undefined) out.expire = secret.expire;
  return out;
};

/** A fresh model holding exactly what `state` says about this unit's world. */
export const modelFromState = (state: State, id: Identity, event: HarnessEvent): FakeModel => {
  const model = emptyModel({ appName: id.appName, charm: id.charm, name: id.modelName, uuid: id.modelUuid, jujuVersion: id.jujuVersion });
  const unit = newUnit({ name: id.unitName, address: state.address, leader: state.leader, machineId: id.machineId });
  unit.workloadStatus = storedStatus(state.unitStatus.name, state.unitStatus.message);
  unit.statusSetByCharm = state.unitStatus.name !== 'unknown';
  unit.workloadVersion = state.workloadVersion;
  unit.openedPorts = state.openedPorts.map(toPort);
  unit.state = { ...state.unitState };
  unit.storage = state.storages.map((s) => ({ id: storageId(s), kind: s.kind, location: s.location }));
  for (const [name, network] of Object.entries(state.networks)) unit.addresses.bindings[name] = toBinding(network);
  model.units[id.unitName] = unit;
  model.application.status = storedStatus(state.appStatus.name, state.appStatus.message);
  model.application.statusSetByCharm = state.appStatus.name !== 'unknown';
  model.application.leaderSettings = { ...state.leaderSettings };
  if (state.plannedUnits !== undefined) {
    model.application.plannedUnits = Array.from({ length: state.plannedUnits }, (_, n) => `${id.appName}/${n}`);
  }
  model.config = { ...state.config };
  model.relations = state.relations.map((r) => toRelation(r, id, event));
  model.counters.relation = Math.max(0, ...model.relations.map((r) => r.id + 1));
  model.secrets = state.secrets.map((s) => toSecret(s, id));
  if (event.kind === 'action') {
    model.action = { id: event.id, name: event.name, unit: id.unitName, params: structuredClone({ ...event.params }), results: {}, logs: [], failed: false };
  }
  return model;
};

const fromRelation = (before: AnyRelation, model: FakeModel, id: Identity): AnyRelation => {
  const after = model.relations.find((r) => r.id === before.id);
  if (!after) return before;
  return {
    ...before,
    localAppData: { ...after.appData[id.appName] },
    localUnitData: { ...after.unitData[id.unitName] },
  };
};

const fromSecret = (secret: SecretModel, before: Secret | undefined, id: Identity): Secret => {
  const ours = (secret.owner.kind === 'application' && secret.owner.name === id.appName) || (secret.owner.kind === 'unit' && secret.owner.name === id.unitName);
  const consumer = secret.consumers[id.unitName];
  const out: { -readonly [K in keyof Secret]: Secret[K] } = {
    id: secret.id,
    revisions: secret.revisions.map((r) => ({ revision: r.revision, content: { ...r.content } })),
    grants: secret.grants.map((g) => ({ ...g })),
  };
  if (ours) out.owner = secret.owner.kind === 'unit' ? 'unit' : 'app';
  else out.ownerApp = secret.owner.kind === 'model' ? 'model' : secret.owner.kind === 'application' ? secret.owner.name : (before?.ownerApp ?? 'remote');
  if (!ours) out.grants = before?.grants ?? [];
  if (secret.label !== undefined) out.label = secret.label;
  if (secret.description !== undefined) out.description = secret.description;
  if (secret.rotate !== undefined) out.rotate = secret.rotate;
  if (secret.expire !== undefined) out.expire = secret.expire;
  if (consumer) out.trackedRevision = consumer.revision;
  if (consumer?.label !== undefined) out.consumerLabel = consumer.label;
  return out;
};

/** The State after the hook: this unit's view of the model, plus charm files read back. */
export const stateFromModel = (before: State, model: FakeModel, id: Identity, charmFiles: State['charmFiles']): State => {
  const unit = model.units[id.unitName];
  if (!unit) throw new Error(`unit ${id.unitName} vanished from the model`);
  return createState({
    ...before,
    relations: before.relations.map((r) => fromRelation(r, model, id)),
    secrets: model.secrets.map((s) => fromSecret(s, before.secrets.find((b) => b.id === s.id), id)),
    unitStatus: { name: unit.workloadStatus.status, message: unit.workloadStatus.message },
    appStatus: { name: model.application.status.status, message: model.application.status.message },
    workloadVersion: unit.workloadVersion,
    openedPorts: unit.openedPorts.map(fromPort),
    unitState: { ...unit.state },
    leaderSettings: { ...model.application.leaderSettings },
    charmFiles,
  });
};
