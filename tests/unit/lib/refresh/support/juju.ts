/**
 * The refresh model's Juju is the simulator's pure core (lib/juju/testing/fake-juju/core/):
 * one application with the `refresh-v-three` peer relation, scheduled manually so the
 * exploration picks which unit runs next, and failed hooks retried at once (retryScale 0).
 * This file is the glue: the charm as the core knows it, and the core's events as the
 * refresh library sees them.
 */
import { emptyCoreModel, type CharmRef, type CoreModel, type CoreRelation, type QueuedEvent } from '../../../../../lib/juju/testing/fake-juju/core/index.js';
import type { CharmFiles } from '../../../../../lib/juju/testing/fake-juju/model.js';
import type { RefreshEvent } from '../../../../../lib/refresh/types.js';
import { APP, jujuCharm, type CharmRev } from './fixtures.js';

export const PEER = 'refresh-v-three';
export const PAUSE_KEY = 'pause-after-unit-refresh';

export const charmFiles: CharmFiles = {
  metadata: { name: APP, peers: { [PEER]: { interface: 'refresh' } }, provides: {}, requires: {}, storage: {}, extraBindings: [] },
  config: { [PAUSE_KEY]: { type: 'string', default: 'first' } },
  actions: {},
};

export const charmRef = (release: CharmRev): CharmRef => ({ kind: release.local ? 'local' : 'store', revision: release.revision, url: jujuCharm(release), dir: APP });

export const emptyModel = (now: number): CoreModel =>
  emptyCoreModel({ uuid: 'refresh', name: 'refresh', subnet: '127.9.9', unitsDir: '/nonexistent/refresh-units', settings: { retryScale: 0, startAfterRefresh: false, updateStatusMs: 300_000, manual: true }, now });

export const peerRelation = (model: CoreModel): CoreRelation => {
  const relation = model.relations.find((r) => r.ends.length === 1 && r.ends[0]?.endpoint === PEER);
  if (!relation) throw new Error('no peer relation');
  return relation;
};

/** The event as the refresh library's adapter reads it from the hook environment. */
export const refreshEventOf = (event: QueuedEvent): RefreshEvent =>
  event.kind === 'action'
    ? { kind: 'action', name: event.name, params: event.params }
    : { kind: 'hook', name: event.name, ...(event.departingUnit === undefined ? {} : { departingUnit: event.departingUnit }) };

/** A queued event in words and in state keys: `name[ remote][ departing]`. */
export const eventText = (event: QueuedEvent): string =>
  event.kind === 'action' ? `action ${event.name} ${JSON.stringify(event.params)}` : [event.name, event.remoteUnit || undefined, event.departingUnit].filter((p) => p !== undefined).join(' ');

/** Databag changes (null deletes) applied to `bag`; whether its content changed (Juju fires -changed only then). */
export const commitBag = (bag: Record<string, string>, changes: Readonly<Record<string, string | null>>): boolean => {
  let changed = false;
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) {
      if (key in bag) changed = true;
      delete bag[key];
    } else if (bag[key] !== value) {
      bag[key] = value;
      changed = true;
    }
  }
  return changed;
};
