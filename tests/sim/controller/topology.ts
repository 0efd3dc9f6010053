/** Creating the model and its units: charm files, peer relations, addresses, storage, charm directories. */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadCharmFiles } from '../../../lib/juju/testing/fake-juju/charm.js';
import { addressBag, emptyModel, newUnit, nextRelationId } from '../../../lib/juju/testing/fake-juju/model.js';
import type { CharmFiles } from '../../../lib/juju/testing/fake-juju/model.js';
import { installCharm } from '../charm-store.js';
import type { CharmRef } from '../charm-store.js';
import type { SimHome } from '../home.js';
import { unitCharmDir, unitRoot } from '../home.js';
import { InputError } from '../parse.js';
import type { Engine } from './engine.js';
import { deploySequence } from './events.js';
import type { SimSettings, SimState } from './state.js';

export const DEFAULT_SETTINGS: SimSettings = {
  updateStatusMs: 5 * 60_000,
  retryScale: 1,
  hookTimeoutMs: 30 * 60_000,
  startAfterRefresh: false,
  settleAfterFailures: 3,
};

/** The charm files (metadata, config, actions) of a charm in the store. */
export const charmFilesOf = (home: SimHome, charm: CharmRef): CharmFiles => loadCharmFiles(path.join(home.charmStoreDir, charm.dir));

/** A new model with the application and its peer relations, and no units. */
export function createState(home: SimHome, subnet: string, settings: SimSettings, charm: CharmRef): SimState {
  const files = charmFilesOf(home, charm);
  const model = emptyModel({ appName: files.metadata.name, charm: files, name: 'sim', uuid: randomUUID(), charmRevision: charm.revision });
  const app = files.metadata.name;
  for (const [endpoint, spec] of Object.entries(files.metadata.peers)) {
    model.relations.push({
      id: nextRelationId(model),
      endpoint,
      interface: spec.interface,
      peer: true,
      remoteApp: app,
      remoteEndpoint: endpoint,
      appData: { [app]: {} },
      unitData: {},
      joined: {},
      departed: [],
      dying: false,
    });
  }
  return {
    version: 1,
    subnet,
    settings,
    model,
    units: {},
    charm,
    nextUnit: 0,
    nextStorage: 0,
    actionResults: {},
    prngState: settings.seed ?? 0,
  };
}

/**
 * Adds `count` units running the application's charm, each with its address, root,
 * storage and charm directory, and queues their deploy sequence.
 * Throws {@link InputError} when the model's /24 is full.
 */
export function addUnits(engine: Engine, count: number): string[] {
  const { state, home } = engine;
  const { model } = state;
  const app = model.application.name;
  const added: string[] = [];
  for (let i = 0; i < count; i++) {
    const number = state.nextUnit;
    if (10 + number > 254) throw new InputError('the model has no free address left in its /24');
    state.nextUnit += 1;
    const name = `${app}/${number}`;
    const address = `${state.subnet}.${10 + number}`;
    const root = unitRoot(home, name);
    const charmDir = unitCharmDir(home, name);
    mkdirSync(root, { recursive: true });
    const leader = !Object.values(model.units).some((u) => u.leader && u.life === 'alive');
    const unit = newUnit({ name, address, leader, machineId: String(number) });
    const storage = Object.entries(model.application.charm.metadata.storage).map(([storageName, spec]) => {
      const id = `${storageName}/${state.nextStorage++}`;
      const location = path.join(root, spec.location ?? path.join('/srv', storageName));
      mkdirSync(location, { recursive: true });
      return { id, kind: spec.type, location };
    });
    unit.storage = storage;
    model.units[name] = unit;
    for (const relation of model.relations) {
      relation.unitData[name] = addressBag(address);
      relation.joined[name] = [];
    }
    installCharm(home, charmDir, state.charm, undefined);
    state.units[name] = {
      name,
      number,
      address,
      root,
      charmDir,
      storageId: storage[0]?.id ?? '',
      charm: state.charm,
      queue: [],
      actions: [],
      started: false,
      inScope: [],
      dying: false,
    };
    const peers = model.relations.filter((r) => r.peer).map((r) => ({ id: r.id, endpoint: r.endpoint }));
    engine.queue(
      name,
      deploySequence({ app, leader, storage: storage.map((s) => ({ name: s.id.split('/')[0] ?? '', id: s.id })), peers }),
    );
    added.push(name);
  }
  return added;
}
