import { describe, expect, it } from 'vitest';
import { goalState, plannedUnits } from '../../../../../lib/juju/hooktools/goal-state.js';
import { FakeRunner } from '../fake-runner.js';

describe('goal-state', () => {
  it('reads units and relations, and planned units leave out dying ones', async () => {
    const fake = new FakeRunner().json(['goal-state', '--format=json'], {
      units: {
        'charmed-etcd/0': { status: 'active', since: '2025-01-01 00:00:00Z' },
        'charmed-etcd/1': { status: 'dying', since: '2025-01-01 00:00:00Z' },
        'charmed-etcd/2': { status: 'waiting', since: '2025-01-01 00:00:00Z' },
      },
      relations: { 'etcd-peers': { 'charmed-etcd/2': { status: 'joining', since: '2025-01-01 00:00:00Z' } } },
    });
    const state = await goalState(fake);
    expect(plannedUnits(state)).toEqual(['charmed-etcd/0', 'charmed-etcd/2']);
    expect(state.relations['etcd-peers']?.['charmed-etcd/2']?.status).toBe('joining');
  });
});
