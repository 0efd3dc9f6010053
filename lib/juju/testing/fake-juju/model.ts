/**
 * The data of a fake Juju model: plain, JSON-serialisable values (no classes,
 * no Maps, no Dates) so that the in-process harness and the multi-unit
 * simulator share one representation and the simulator can persist it as JSON.
 *
 * One model holds one local application and its units. Remote applications
 * exist only as names, app databags and unit databags inside relations.
 * Hook sessions (`session.ts`) read and change a `FakeModel` in place.
 *
 * The pieces live in model/; this module is the one path the many readers import.
 */
export * from './model/actions-and-logs.js';
export * from './model/application.js';
export * from './model/charm-files.js';
export * from './model/fake-model.js';
export * from './model/relation.js';
export * from './model/secret.js';
export * from './model/status.js';
export * from './model/unit-names.js';
