/**
 * Disaster recovery on real etcd: a 3-unit cluster loses two members for
 * good (etcd stopped and disabled on their machines, as a dead disk or host
 * would leave them), so the survivor has no leader; the leader shows the
 * majority-loss status, and `rebuild-cluster` (refused while the cluster was
 * healthy) brings it back: the survivor restarts alone keeping its data, the
 * others rejoin as learners, and every key written before the loss is on every
 * member of the rebuilt cluster, whose root password is the old one.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { StatusJson } from '../../sim/status.js';
import { expectHealthyCluster, memberList } from '../charm/expect-cluster.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrls } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { allActive, runAction, settle, simOk } from '../support/steps.js';
import { etcdctl, simExec } from '../support/unit-exec.js';

const APP = 'charmed-etcd';
const LOST = 'Cluster failure - majority of cluster members lost';
const model = useCharmModel({ units: 3, updateStatusInterval: '24h' });

describe('rebuild-cluster after a majority loss', () => {
  it('is refused while the cluster is healthy, then rebuilds from the survivor with every key kept', async () => {
    const m = model();
    const status = await settle(m, allActive, 600_000);
    const endpoints = clientUrls(status);
    const password = rootPassword(m);
    for (let i = 0; i < 30; i++) expect((await etcdctl(m, `${APP}/0`, endpoints, ['put', `/dr/k${i}`, `v${i}`], password)).exitCode).toBe(0);

    const early = await runAction(m, `${APP}/leader`, 'rebuild-cluster');
    expect({ status: early.status, message: early.message }).toEqual({ status: 'failed', message: 'Cluster has not failed. Use `force` to rebuild anyway.' });

    const leader = Object.entries(status.units).find(([, u]) => u.leader)![0];
    const survivorId = (await memberList(m, leader)).find((x) => x.name === leader.replace('/', ''))!.id;
    const startedAt = Date.now();
    for (const unit of Object.keys(status.units).filter((u) => u !== leader)) {
      const stopped = await simExec(m, unit, ['snap', 'stop', '--disable', 'charmed-etcd.etcd']);
      expect(stopped.exitCode, stopped.stderr).toBe(0);
    }
    // The survivor loses its leader once it misses a quorum for an election timeout; ask until it says so.
    const lost = await until(m, async () => {
      await simOk(m, 'update-status', leader);
      // Hooks of a cluster without a leader wait out etcd's timeouts.
      await m.wait(600);
    }, (s) => s.units[leader]?.message === LOST);
    expect(lost.units[leader]!['workload-status']).toBe('blocked');
    const lostAt = Date.now();

    const rebuild = await runAction(m, `${APP}/leader`, 'rebuild-cluster');
    expect({ status: rebuild.status, result: rebuild.results['result'] }).toEqual({ status: 'completed', result: 'cluster rebuild in progress' });
    await settle(m, (s) => allActive(s) && s.application.message === '', 600_000);
    console.log(`majority loss seen after ${((lostAt - startedAt) / 1000).toFixed(1)} s; rebuilt in ${((Date.now() - lostAt) / 1000).toFixed(1)} s`);
    await expectHealthyCluster(m, 3);
    const members = await memberList(m, leader);
    expect(members.find((x) => x.name === leader.replace('/', ''))?.id).toBe(survivorId);

    const after = clientUrls(await m.status());
    for (const endpoint of after) {
      const r = await etcdctl(m, leader, [endpoint], ['get', '/dr/', '--prefix', '--keys-only', '--consistency=s'], password);
      expect(r.exitCode, r.stderr).toBe(0);
      expect({ endpoint, keys: r.stdout.split('\n').filter((l) => l !== '').length }).toEqual({ endpoint, keys: 30 });
    }
    expect((await etcdctl(m, leader, after, ['put', '/dr/after', 'x'], password)).exitCode).toBe(0);
  }, 900_000);
});

/** Runs `step` until the status satisfies `check` (at most 60 times). */
async function until(m: ReturnType<typeof model>, step: () => Promise<void>, check: (s: StatusJson) => boolean): Promise<StatusJson> {
  for (let i = 0; ; i++) {
    await step();
    const status = await m.status();
    if (check(status)) return status;
    if (i >= 60) throw new Error(`the model did not reach the expected state:\n${JSON.stringify(status, null, 1)}`);
    await sleep(1000);
  }
}
