/** The pure core of a fake Juju model: data (types), Juju's event sequences, and `step`. */
export * from './types.js';
export * from './events.js';
export { ModelError } from './errors.js';
export { step, stepInPlace } from './step.js';
export type { Command, Input, StepResult } from './step.js';
export { appView, endsFor, relationFor } from './view.js';
export { relationKey, refFor, findCoreRelation } from './relations.js';
export { appUnits, unitRootOf } from './units.js';
export { cloneModel, emptyCoreModel } from './create.js';
export { nextEvent, readyUnits, unitsInOrder } from './queue.js';
