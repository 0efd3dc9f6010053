/** A unit's machine on disk: its root, storage directories and charm directory, made on add and removed after `remove`. */
import { mkdirSync, rmSync } from 'node:fs';
import type { CharmRef, CoreUnit } from '../../../lib/juju/testing/fake-juju/core/index.js';
import { installCharm } from '../charm-store.js';
import type { SimHome } from '../home.js';
import { unitCharmDir, unitDir, unitRoot } from '../home.js';
import { shutdownSupervisor } from '../snapd/index.js';
import type { SimUnit } from './state.js';

/** Makes the unit's root and storage (root-owned directories, as Juju mounts them before install) and installs its charm. */
export function layOutUnit(home: SimHome, unit: CoreUnit): SimUnit {
  const root = unitRoot(home, unit.name);
  const charmDir = unitCharmDir(home, unit.name);
  mkdirSync(root, { recursive: true });
  for (const storage of unit.juju.storage) mkdirSync(storage.location, { recursive: true });
  installCharm(home, charmDir, unit.charm, undefined);
  return { name: unit.name, root, charmDir };
}

export function installUnitCharm(home: SimHome, unit: SimUnit, charm: CharmRef, previous: CharmRef): void {
  installCharm(home, unit.charmDir, charm, previous);
}

/** After `remove`: the unit's services stop and its machine directory goes. */
export function removeUnitMachine(home: SimHome, unit: SimUnit): Promise<void> {
  return shutdownSupervisor(unit.root, 10_000)
    .catch(() => undefined)
    .then(() => rmSync(unitDir(home, unit.name), { recursive: true, force: true }));
}
