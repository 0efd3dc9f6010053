/**
 * Faults during a refresh, part 2: a unit leaves in the middle of a refresh
 * (pause-after-unit-refresh=none). First the Juju leader's unit, then the raft
 * leader's unit is removed just after the first unit refreshed its snap; the
 * refresh must still complete on the units that remain, with etcd reporting a
 * healthy cluster of them and no acknowledged write lost. One model of 4 units
 * (4 → 3 → 2) serves both cases.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import type { StatusJson } from '../../sim/status.js';
import { clientUrlOf, jujuLeader, until } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { createRefreshModel, expectConverged, problems, SNAP_REVISION, timeline, withWriter } from './refresh-model.js';
import type { EtcdVersion, RefreshModel } from './refresh-model.js';

let m: RefreshModel;

beforeAll(async () => {
  m = await createRefreshModel({ units: 4 });
}, 480_000);

afterAll(async () => {
  await m?.destroy();
});

/** The highest unit: the first to refresh. */
const highest = (s: StatusJson): string => Object.keys(s.units).at(-1)!;

/** The unit whose etcd member is the raft leader (asked over etcd's gateway: fast, mid-refresh). */
async function raftLeaderUnit(s: StatusJson): Promise<string> {
  const client = new EtcdClient({ endpoints: Object.keys(s.units).map((u) => clientUrlOf(s, u)), credentials: { user: 'root', password: rootPassword(m.sim) } });
  for (const u of Object.keys(s.units)) {
    const member = await client.status(clientUrlOf(s, u)).catch(() => undefined);
    if (member !== undefined && member.leaderId === member.memberId) return u;
  }
  throw new Error('no member says it leads');
}

/** Refreshes to `version`; once the first unit runs the new snap, removes the unit `pick` names. */
async function removeMidRefresh(version: EtcdVersion, pick: (s: StatusJson) => Promise<string>): Promise<{ removed: string; remaining: number }> {
  const before = await m.sim.status();
  const first = highest(before);
  const target = await m.publish(version);
  await m.cli('refresh', '--revision', target);
  await until(`${first} to run the new snap`, () => (m.snapRevision(first) === SNAP_REVISION[version] ? true : undefined), 240_000, 100);
  const mid = await m.sim.status();
  const removed = await pick(mid);
  await m.cli('remove-unit', removed);
  // Mid-refresh indeed: some unit still runs the old snap when the removal starts.
  expect(Object.keys(mid.units).filter((u) => u !== removed).map((u) => m.snapRevision(u))).not.toEqual(Object.keys(mid.units).filter((u) => u !== removed).map(() => SNAP_REVISION[version]));
  return { removed, remaining: Object.keys(before.units).length - 1 };
}

describe('a unit removed in the middle of a refresh', () => {
  let since: string;
  beforeEach(() => {
    since = new Date().toISOString();
  });
  afterEach((context) => {
    console.log(timeline(m, since));
    if (context.task.result?.state === 'fail') console.log(problems(m, since));
  });

  it("the Juju leader's unit: leadership moves, the refresh completes on the other units (3.5.16 -> 3.5.30)", { timeout: 420_000 }, async () => {
    await withWriter(m, async () => {
      const { removed, remaining } = await removeMidRefresh('3.5.30', async (s) => jujuLeader(s));
      const done = await expectConverged(m, '3.5.30', remaining);
      expect(Object.keys(done.units)).not.toContain(removed);
      expect(jujuLeader(done)).not.toBe(removed);
    });
  });

  it("the raft leader's unit: the refresh completes on the other units (3.5.30 -> 3.5.16)", { timeout: 420_000 }, async () => {
    await withWriter(m, async () => {
      const { removed, remaining } = await removeMidRefresh('3.5.16', raftLeaderUnit);
      const done = await expectConverged(m, '3.5.16', remaining);
      expect(Object.keys(done.units)).not.toContain(removed);
    });
  });
});
