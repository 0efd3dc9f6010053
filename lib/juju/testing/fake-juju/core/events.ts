/**
 * Juju's event sequences (contract §3.6) as pure functions producing queue
 * entries; the controller decides when to queue them.
 */
import type { QueuedHook } from './types.js';

/** A relation as one side sees it: its id and that side's endpoint (and, across applications, the other side). */
export interface RelationRef {
  readonly id: number;
  readonly endpoint: string;
  /** The other application; for peers (absent) the unit's own. */
  readonly remoteApp?: string;
}

export interface StorageRef {
  readonly name: string;
  /** `data/0`. */
  readonly id: string;
}

const relationHook = (relation: RelationRef, suffix: string, remoteApp: string, remoteUnit: string, departingUnit?: string): QueuedHook => ({
  kind: 'hook',
  name: `${relation.endpoint}-relation-${suffix}`,
  relationId: relation.id,
  endpoint: relation.endpoint,
  remoteApp,
  remoteUnit,
  ...(departingUnit === undefined ? {} : { departingUnit }),
});

/**
 * A new unit's setup on machines: storage-attached (before install), install,
 * `-relation-created` per peer endpoint, leader-elected (leader) or
 * leader-settings-changed, config-changed, start.
 */
export function deploySequence(options: {
  readonly app: string;
  readonly leader: boolean;
  readonly storage: readonly StorageRef[];
  readonly peers: readonly RelationRef[];
  /** The application's existing non-peer relations: a new unit gets `-created` for them during setup (§3.6). */
  readonly related?: readonly RelationRef[];
}): QueuedHook[] {
  return [
    ...options.storage.map((s): QueuedHook => ({ kind: 'hook', name: `${s.name}-storage-attached`, storageId: s.id })),
    { kind: 'hook', name: 'install' },
    ...options.peers.map((r) => relationHook(r, 'created', options.app, '')),
    ...(options.related ?? []).map((r) => relationHook(r, 'created', r.remoteApp ?? options.app, '')),
    { kind: 'hook', name: options.leader ? 'leader-elected' : 'leader-settings-changed' },
    { kind: 'hook', name: 'config-changed' },
    { kind: 'hook', name: 'start' },
  ];
}

/** What one unit sees when `remote` joins a relation: joined, then changed for that unit. */
export function joinedHooks(relation: RelationRef, remoteApp: string, remote: string): QueuedHook[] {
  return [relationHook(relation, 'joined', remoteApp, remote), relationHook(relation, 'changed', remoteApp, remote)];
}

/** `-relation-changed` for a write to `remote`'s unit bag, or (remote `''`) to the remote app bag. */
export function changedHook(relation: RelationRef, remoteApp: string, remote: string): QueuedHook {
  return relationHook(relation, 'changed', remoteApp, remote);
}

/** `-relation-departed`: `remote` left (or, when `departing` is this unit, this unit is leaving). */
export function departedHook(relation: RelationRef, remoteApp: string, remote: string, departing: string): QueuedHook {
  return relationHook(relation, 'departed', remoteApp, remote, departing);
}

/** `-relation-broken`: the relation is gone for this unit (relation-list empty, remote unit empty). */
export function brokenHook(relation: RelationRef, remoteApp: string): QueuedHook {
  return relationHook(relation, 'broken', remoteApp, '');
}

/**
 * The leaving unit's teardown: `-departed` for each remaining related unit (with itself as
 * the departing unit), `-broken` for each non-peer relation, then stop, storage-detaching,
 * remove (contract §3.6 "Unit removal"; peer `-broken` never fires).
 */
export function teardownSequence(options: {
  readonly app: string;
  readonly self: string;
  readonly peers: ReadonlyArray<{ readonly relation: RelationRef; readonly units: readonly string[] }>;
  readonly broken?: readonly RelationRef[];
  readonly storage: readonly StorageRef[];
}): QueuedHook[] {
  return [
    ...options.peers.flatMap(({ relation, units }) => units.map((u) => departedHook(relation, relation.remoteApp ?? options.app, u, options.self))),
    ...(options.broken ?? []).map((r) => brokenHook(r, r.remoteApp ?? options.app)),
    { kind: 'hook', name: 'stop' },
    ...options.storage.map((s): QueuedHook => ({ kind: 'hook', name: `${s.name}-storage-detaching`, storageId: s.id })),
    { kind: 'hook', name: 'remove' },
  ];
}

/** `juju refresh` on a machine unit: upgrade-charm, config-changed, and start when asked. */
export function refreshSequence(startAfterRefresh: boolean): QueuedHook[] {
  return [
    { kind: 'hook', name: 'upgrade-charm' },
    { kind: 'hook', name: 'config-changed' },
    ...(startAfterRefresh ? [{ kind: 'hook', name: 'start' } as const] : []),
  ];
}

/**
 * Hooks Juju coalesces: a second one queued while one waits adds nothing.
 * upgrade-charm too: the uniter compares the charm URL it runs with the one
 * in its remote-state snapshot (juju/juju worker/uniter remotestate
 * Snapshot.CharmURL), so two refreshes before the unit acts are one upgrade,
 * to the latest charm; one that comes while upgrade-charm runs is a second.
 */
const COALESCED = /^(?:config-changed|update-status|leader-settings-changed|secret-changed|upgrade-charm|.+-relation-changed)$/;

const sameHook = (a: QueuedHook, b: QueuedHook): boolean =>
  a.name === b.name && a.relationId === b.relationId && a.remoteUnit === b.remoteUnit && a.secretId === b.secretId;

/**
 * Appends `hooks` to `queue` (returns a new array). Entries before `taken`
 * (the hook running or failed at the head) are never coalesced with.
 */
export function enqueue(queue: readonly QueuedHook[], hooks: readonly QueuedHook[], taken: number): QueuedHook[] {
  const out = [...queue];
  for (const hook of hooks) {
    if (COALESCED.test(hook.name) && out.slice(taken).some((q) => sameHook(q, hook))) continue;
    out.push(hook);
  }
  return out;
}

/**
 * Puts `hooks` right after the `taken` head entries, dropping waiting duplicates of
 * coalesced hooks (refresh's config-changed replaces a queued one).
 */
export function enqueueFront(queue: readonly QueuedHook[], hooks: readonly QueuedHook[], taken: number): QueuedHook[] {
  const head = queue.slice(0, taken);
  const rest = queue.slice(taken).filter((q) => !hooks.some((h) => COALESCED.test(h.name) && sameHook(q, h)));
  return [...head, ...hooks, ...rest];
}

/** Juju's retry back-off for the n-th failure (1-based): 5, 10, 20, 40 s … capped at 5 min, times `scale`. */
export function retryDelayMs(attempts: number, scale: number): number {
  const seconds = Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
  return Math.round(seconds * 1000 * scale);
}

/** One step of mulberry32: returns `[value in [0,1), next state]`. Deterministic for a seed. */
export function nextRandom(state: number): [number, number] {
  const next = (state + 0x6d2b79f5) | 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [((t ^ (t >>> 14)) >>> 0) / 4294967296, next];
}

/** The name shown for a queued event (`install`, `action pre-refresh-check`). */
export const eventLabel = (event: QueuedHook | { kind: 'action'; name: string; id: string }): string =>
  event.kind === 'action' ? `action ${event.name} (${event.id})` : event.name;
