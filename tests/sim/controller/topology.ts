/** A new model's state, and the charm files of a charm in the store. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { emptyCoreModel } from '../../../lib/juju/testing/fake-juju/core/index.js';
import { loadCharmFiles } from '../../../lib/juju/testing/fake-juju/charm.js';
import type { CharmFiles } from '../../../lib/juju/testing/fake-juju/model.js';
import type { CharmRef } from '../charm-store.js';
import type { SimHome } from '../home.js';
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

/** A model with no applications. */
export function createState(home: SimHome, subnet: string, settings: SimSettings): SimState {
  const model = emptyCoreModel({
    uuid: randomUUID(),
    name: 'sim',
    subnet,
    unitsDir: home.unitsDir,
    settings: {
      retryScale: settings.retryScale,
      startAfterRefresh: settings.startAfterRefresh,
      updateStatusMs: settings.updateStatusMs,
      ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    },
    now: Date.now(),
  });
  return { version: 2, subnet, settings, model, units: {}, actionResults: {} };
}
