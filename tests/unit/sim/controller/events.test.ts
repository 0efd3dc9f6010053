import { describe, expect, it } from 'vitest';
import {
  deploySequence,
  enqueue,
  enqueueFront,
  joinedHooks,
  nextRandom,
  refreshSequence,
  retryDelayMs,
  teardownSequence,
} from '../../../sim/controller/events.js';
import type { QueuedHook } from '../../../sim/controller/state.js';

const peers = { id: 0, endpoint: 'etcd-peers' };
const names = (hooks: readonly QueuedHook[]): string[] => hooks.map((h) => h.name);

describe('Juju event sequences', () => {
  it('deploys a leader: storage before install, peer created before leadership, start last', () => {
    const hooks = deploySequence({ app: 'etcd', leader: true, storage: [{ name: 'data', id: 'data/0' }], peers: [peers, { id: 1, endpoint: 'refresh-v-three' }] });
    expect(names(hooks)).toEqual([
      'data-storage-attached',
      'install',
      'etcd-peers-relation-created',
      'refresh-v-three-relation-created',
      'leader-elected',
      'config-changed',
      'start',
    ]);
    expect(hooks[0]).toMatchObject({ storageId: 'data/0' });
    expect(hooks[2]).toMatchObject({ relationId: 0, remoteApp: 'etcd', remoteUnit: '' });
  });

  it('gives a non-leader leader-settings-changed instead of leader-elected', () => {
    expect(names(deploySequence({ app: 'etcd', leader: false, storage: [], peers: [] }))).toEqual(['install', 'leader-settings-changed', 'config-changed', 'start']);
  });

  it('follows joined with changed for the same remote unit', () => {
    expect(joinedHooks(peers, 'etcd', 'etcd/1')).toEqual([
      { kind: 'hook', name: 'etcd-peers-relation-joined', relationId: 0, endpoint: 'etcd-peers', remoteApp: 'etcd', remoteUnit: 'etcd/1' },
      { kind: 'hook', name: 'etcd-peers-relation-changed', relationId: 0, endpoint: 'etcd-peers', remoteApp: 'etcd', remoteUnit: 'etcd/1' },
    ]);
  });

  it('tears a leaving unit down: departed per peer with itself departing, then stop, detaching, remove', () => {
    const hooks = teardownSequence({ app: 'etcd', self: 'etcd/2', peers: [{ relation: peers, units: ['etcd/0', 'etcd/1'] }], storage: [{ name: 'data', id: 'data/2' }] });
    expect(names(hooks)).toEqual(['etcd-peers-relation-departed', 'etcd-peers-relation-departed', 'stop', 'data-storage-detaching', 'remove']);
    expect(hooks.slice(0, 2).map((h) => [h.remoteUnit, h.departingUnit])).toEqual([['etcd/0', 'etcd/2'], ['etcd/1', 'etcd/2']]);
  });

  it('refreshes with upgrade-charm then config-changed, and start only when asked', () => {
    expect(names(refreshSequence(false))).toEqual(['upgrade-charm', 'config-changed']);
    expect(names(refreshSequence(true))).toEqual(['upgrade-charm', 'config-changed', 'start']);
  });
});

describe('queueing', () => {
  const changed = (remote: string): QueuedHook => ({ kind: 'hook', name: 'etcd-peers-relation-changed', relationId: 0, remoteUnit: remote });

  it('coalesces a waiting idempotent hook but never the running head', () => {
    let q = enqueue([], [{ kind: 'hook', name: 'config-changed' }], 0);
    q = enqueue(q, [{ kind: 'hook', name: 'config-changed' }], 0);
    expect(names(q)).toEqual(['config-changed']);
    q = enqueue(q, [{ kind: 'hook', name: 'config-changed' }], 1);
    expect(names(q)).toEqual(['config-changed', 'config-changed']);
  });

  it('keeps changed hooks for different remote units apart and never coalesces joined', () => {
    const q = enqueue([], [changed('etcd/1'), changed('etcd/2'), changed('etcd/1')], 0);
    expect(q.map((h) => h.remoteUnit)).toEqual(['etcd/1', 'etcd/2']);
    const joined: QueuedHook = { kind: 'hook', name: 'etcd-peers-relation-joined', relationId: 0, remoteUnit: 'etcd/1' };
    expect(enqueue([joined], [joined], 0)).toHaveLength(2);
  });

  it('puts refresh hooks after a failed head and drops the config-changed they replace', () => {
    const failed: QueuedHook = { kind: 'hook', name: 'install' };
    const q = enqueueFront([failed, { kind: 'hook', name: 'config-changed' }, changed('etcd/1')], refreshSequence(false), 1);
    expect(names(q)).toEqual(['install', 'upgrade-charm', 'config-changed', 'etcd-peers-relation-changed']);
  });
});

describe('retries and seeded order', () => {
  it('backs off as Juju does: 5, 10, 20, 40 s … capped at 5 min, scaled', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 12].map((n) => retryDelayMs(n, 1))).toEqual([5000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    expect(retryDelayMs(1, 0.01)).toBe(50);
  });

  it('draws the same sequence for the same seed', () => {
    const draw = (seed: number): number[] => {
      const out: number[] = [];
      let state = seed;
      for (let i = 0; i < 5; i++) {
        const [value, next] = nextRandom(state);
        out.push(value);
        state = next;
      }
      return out;
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    for (const v of draw(3)) expect(v >= 0 && v < 1).toBe(true);
  });
});
