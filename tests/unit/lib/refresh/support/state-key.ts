/**
 * A canonical key of everything in the refresh model that decides what happens
 * next (not the trace, the violations or the clock), so the exhaustive
 * exploration expands each distinct state once.
 *
 * Times: charm-code mtimes and the `time_of_refresh` values copied from them are
 * replaced by their rank. The core only compares them with each other (and the
 * clock only for a skew warning), and every later time is above all of them, so
 * two states that differ only by a shift of the clock behave the same.
 */
import { createHash } from 'node:crypto';
import { eventText, peerRelation } from './juju.js';
import type { RefreshWorld } from './world.js';

const TIME = /"time_of_refresh":\s*(-?\d+(?:\.\d+)?)/g;

const collectTimes = (text: string, into: Set<number>): void => {
  if (!text.includes('time_of_refresh')) return;
  for (const match of text.matchAll(TIME)) into.add(Number(match[1]));
};

const sortedEntries = (entries: Iterable<[string, string]>): [string, string][] => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

// Field and record separators no JSON text contains, so the parts need no escaping.
const FIELD = '\u0001';
const RECORD = '\u0002';

export const stateKey = (world: RefreshWorld): string => {
  const units = [...world.units.values()].sort((a, b) => a.n - b.n);
  const times = new Set<number>();
  for (const unit of units) {
    times.add(unit.mtime);
    for (const text of unit.files.values()) collectTimes(text, times);
    for (const text of Object.values(unit.bag)) collectTimes(text, times);
  }
  const rank = new Map([...times].sort((a, b) => a - b).map((time, index) => [time, index]));
  const timeless = (text: string): string =>
    text.includes('time_of_refresh') ? text.replace(TIME, (_, time: string) => `"time_of_refresh":#${rank.get(Number(time))}`) : text;
  const entries = (pairs: Iterable<[string, string]>): string => sortedEntries(pairs).map(([key, text]) => `${key}=${timeless(text)}`).join(FIELD);
  const relation = peerRelation(world.core);
  const parts = units.map((u) => {
    const core = world.coreUnit(u.name);
    return [
      u.name,
      u.code.revision,
      rank.get(u.mtime),
      entries(u.files.entries()),
      u.snap,
      u.workloadUp,
      u.everUp,
      u.ranMinor,
      u.refreshed,
      entries(Object.entries(u.bag)),
      u.refusal,
      // Juju's side, from the core: queue, actions, a failed head, started, relation-list, scope, life.
      u.queue.map(eventText).join(','),
      core?.actions.map(eventText).join(','),
      core?.failure === undefined ? '' : 'failed',
      core?.started,
      (relation.joined[u.name] ?? []).join(','),
      u.joined,
      u.dying,
    ].join(FIELD);
  });
  parts.push(
    entries(Object.entries(world.appBag)),
    [world.leader, world.pause, world.deployed.revision, world.appStatus?.name, world.appStatus?.message].join(FIELD),
    [world.etcd.key(), world.faults.key(), world.unitsAdded].join(FIELD),
  );
  return createHash('sha1').update(parts.join(RECORD)).digest('hex');
};
