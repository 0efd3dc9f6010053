/** A model with no applications. */
import type { CoreModel, SchedulerSettings } from './types.js';

export const emptyCoreModel = (options: { uuid: string; name: string; subnet: string; unitsDir: string; settings: SchedulerSettings; jujuVersion?: string; now?: number }): CoreModel => ({
  version: 2,
  uuid: options.uuid,
  name: options.name,
  jujuVersion: options.jujuVersion ?? '3.6.8',
  subnet: options.subnet,
  unitsDir: options.unitsDir,
  applications: {},
  units: {},
  relations: [],
  secrets: [],
  logs: [],
  history: [],
  counters: { relation: 0, secret: 0, action: 0, machine: 0, storage: 0 },
  settings: options.settings,
  prng: options.settings.seed ?? 0,
  now: options.now ?? 0,
});
