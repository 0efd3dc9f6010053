/** Juju's event sequences live in the pure core (shared); re-exported for the simulator's callers. */
export * from '../../../lib/juju/testing/fake-juju/core/events.js';
