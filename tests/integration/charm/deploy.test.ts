/**
 * Deploying the real charm on the simulator with real etcd at 1 and 5 units
 * (3 units are deployed by the scale and operations tests): every unit
 * active, every member started and voting, every endpoint healthy, and the
 * charm's `health` action agreeing. One model at a time.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SimModel } from '../../sim/testing.js';
import { useCharmModel } from '../support/charm-model.js';
import { memberNameOf } from '../support/cluster.js';
import { expectHealthyCluster } from './expect-cluster.js';

const healthActionSchema = z.object({
  status: z.literal('completed'),
  results: z.object({ healthy: z.string(), summary: z.string(), members: z.string() }),
});
const membersSchema = z.record(
  z.string(),
  z.object({ unit: z.string(), record: z.object({ healthy: z.boolean(), is_learner: z.boolean() }), live: z.object({ reachable: z.boolean(), is_learner: z.boolean() }) }),
);

/** `sim run <app>/leader health`: the charm's own view agrees that all `units` members are healthy voters. */
async function expectHealthAction(m: SimModel, units: number): Promise<void> {
  const r = await m.sim('run', 'charmed-etcd/leader', 'health', '--format', 'json');
  expect(r.exitCode, r.stderr).toBe(0);
  const outcome = healthActionSchema.parse(JSON.parse(r.stdout));
  expect(outcome.results).toMatchObject({ healthy: 'true', summary: `all ${units} members healthy` });
  const members = membersSchema.parse(JSON.parse(outcome.results.members));
  expect(Object.keys(members).sort()).toEqual(Array.from({ length: units }, (_, i) => memberNameOf(`charmed-etcd/${i}`)).sort());
  for (const member of Object.values(members)) {
    expect(member).toMatchObject({ record: { healthy: true, is_learner: false }, live: { reachable: true, is_learner: false } });
  }
}

describe('a single unit', () => {
  const model = useCharmModel({ units: 1 });
  it('deploys: active, one started voting member, healthy', async () => {
    await model().wait(300);
    await expectHealthyCluster(model(), 1);
    await expectHealthAction(model(), 1);
  });
});

describe('five units', () => {
  const model = useCharmModel({ units: 5 });
  // Members join one at a time as learners; on a busy 2-core machine five take minutes.
  it('deploys: all active, 5 started voting members, every endpoint healthy', { timeout: 900_000 }, async () => {
    await model().wait(840);
    await expectHealthyCluster(model(), 5);
    await expectHealthAction(model(), 5);
  });
});
