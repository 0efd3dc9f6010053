/**
 * Deploying the real charm on the simulator with real etcd at 1 and 5 units
 * (3 units are deployed by the scale and operations tests): every unit
 * active, every member started and voting, every endpoint healthy, and the
 * charm's `health` action agreeing. One model at a time.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unitPaths } from '../../../src/etcd/paths.js';
import { unitRoot } from '../../sim/home.js';
import { daemonPid } from '../../sim/snapd/index.js';
import { pinnedEtcd } from '../../support/etcd-binaries.js';
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

const owner = (file: string) => {
  const st = statSync(file);
  return { uid: st.uid, gid: st.gid, mode: st.mode & 0o777 };
};

describe('a single unit', () => {
  const model = useCharmModel({ units: 1 });
  it('deploys: active, one started voting member, healthy', async () => {
    await model().wait(300);
    await expectHealthyCluster(model(), 1);
    await expectHealthAction(model(), 1);
  });

  it('runs the etcd it pins, as the real snap does: as snap_daemon, on storages the charm gave it, logging to the logs storage', async () => {
    const status = await model().status();
    expect(status.units['charmed-etcd/0']).toMatchObject({ 'etcd-version': pinnedEtcd(), 'snap-revision': '5' });
    const root = unitRoot(model().home, 'charmed-etcd/0');
    const paths = unitPaths(root);
    const pid = daemonPid(root);
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\s+584788\s+584788\s+584788\s+584788$/m);
    for (const dir of [paths.dataDir, paths.logDir, paths.archiveDir]) expect(owner(dir)).toEqual({ uid: 584788, gid: 584788, mode: 0o750 });
    expect(owner(paths.configFile)).toEqual({ uid: 584788, gid: 584788, mode: 0o600 });
    expect(readFileSync(paths.logFile, 'utf8')).toContain('"msg":"serving client traffic');
    expect(owner(paths.logFile)).toMatchObject({ uid: 584788, gid: 584788 });

    // The restore point: written by the snap's etcdctl, as snap_daemon, into the archive storage.
    const check = await model().sim('run', 'charmed-etcd/leader', 'pre-refresh-check', '--format', 'json');
    expect(check.exitCode, check.stdout + check.stderr).toBe(0);
    const snapshot = z.object({ results: z.object({ snapshot: z.string() }) }).parse(JSON.parse(check.stdout)).results.snapshot;
    const file = snapshot.startsWith(root) ? snapshot : path.join(root, snapshot);
    expect(path.relative(root, file)).toMatch(/^var\/snap\/charmed-etcd\/common\/archive\/pre-refresh-\d{8}T\d{6}Z\.db$/);
    expect(owner(file)).toMatchObject({ uid: 584788, gid: 584788 });
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
