/** The fake machine and services a harness World unit's charm runs against: the shared etcd cluster, clock, snapshots, object storage. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CharmEffects } from '../../../../src/charm/effects.js';
import type { UnitSim } from './world-types.js';
import type { World } from './world.js';

export const unitEffects = (world: World, u: UnitSim): CharmEffects => {
  const effects: CharmEffects = {
    root: u.root,
    snap: u.snap,
    etcd: (connect) => world.cluster.client(connect),
    now: () => world.clock,
    sleep: async (ms) => void (world.clock += ms),
    architecture: async () => u.architecture,
    hostCapacity: async () => ({ memoryBytes: 8 * 1024 ** 3, dataDiskBytes: 100 * 1024 ** 3 }),
    hostname: () => 'harness-host',
    generatePassword: () => world.password,
    snapshotSave: async (file) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(world.cluster.list()));
      world.snapshots.push(file);
    },
    snapshotStatus: async (file) => {
      const keys = JSON.parse(readFileSync(file, 'utf8')) as unknown[];
      return { hash: 1, revision: 42, totalKey: keys.length, totalSize: 20480, version: '3.5.0' };
    },
    snapshotRestore: async (file, options) => {
      mkdirSync(path.join(options.dataDir, 'member'), { recursive: true });
      writeFileSync(path.join(options.dataDir, 'member', 'restored-from'), readFileSync(file));
      world.restores.push({ unit: u.n, file, options });
    },
    objectStore: world.objectStorage.open,
  };
  return effects;
};
