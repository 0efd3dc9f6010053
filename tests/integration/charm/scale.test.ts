/**
 * Scaling the real charm on the simulator with real etcd: 3 → 5 → 3, the
 * scale-down removing both the raft leader's unit and the Juju leader's unit,
 * while a continuous writer writes; afterwards every member holds every
 * acknowledged write. Also: clients without valid credentials are refused.
 * Then, on the same model, a unit's machine changes its private address
 * (`sim set-address`, as a new DHCP lease would): Juju runs config-changed on
 * it and the charm moves its member there (member update, the config
 * rendered for it, a restart, the new private_ip) while a client writes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADDRESS_STATUS } from '../../../src/cluster/address-change.js';
import { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdAuthFailedError } from '../../../src/etcd/errors/auth-failed-error.js';
import { EtcdPermissionDeniedError } from '../../../src/etcd/errors/permission-denied-error.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrls, clientUrlOf, jujuLeader, memberNameOf } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { allActive, settle, simOk, watchStatuses } from '../support/steps.js';
import { etcdctl } from '../support/unit-exec.js';
import { ContinuousWriter } from '../support/writer.js';
import { endpointStatus, expectHealthyCluster, memberList } from './expect-cluster.js';

const model = useCharmModel({ units: 3 });

describe('charmed-etcd scaled 3 → 5 → 3 under a continuous writer', () => {
  let writer: ContinuousWriter | undefined;
  afterAll(async () => {
    await writer?.stop();
  });

  it('deploys 3 units: all active, 3 started voting members, every endpoint healthy', async () => {
    await model().wait(300);
    await expectHealthyCluster(model(), 3);
  });

  it('refuses clients without credentials or with a wrong password', async () => {
    const m = model();
    const status = await m.status();
    const anonymous = new EtcdClient({ endpoints: [clientUrlOf(status, 'charmed-etcd/1')] });
    await expect(anonymous.put('intruder', 'x')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    await expect(anonymous.get('intruder')).rejects.toBeInstanceOf(EtcdPermissionDeniedError);
    const wrong = new EtcdClient({ endpoints: [clientUrlOf(status, 'charmed-etcd/2')], credentials: { user: 'root', password: `${rootPassword(m)}x` } });
    await expect(wrong.put('intruder', 'x')).rejects.toBeInstanceOf(EtcdAuthFailedError);
    // etcdctl on a unit, without --user: refused too.
    const r = await etcdctl(m, 'charmed-etcd/0', clientUrls(status), ['get', 'intruder']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/user name is empty|permission denied/);
    // And nothing was written.
    const root = new EtcdClient({ endpoints: clientUrls(status), credentials: { user: 'root', password: rootPassword(m) } });
    expect(await root.get('intruder')).toBeUndefined();
  });

  it('scales up to 5 while the writer writes: 5 started voting members, all healthy', async () => {
    const m = model();
    writer = ContinuousWriter.start({ endpoints: clientUrls(await m.status()), password: rootPassword(m) });
    await writer.waitForMore(50);
    expect((await m.sim('add-unit', '-n', '2')).exitCode).toBe(0);
    await m.wait(300);
    await expectHealthyCluster(m, 5);
    writer.setEndpoints(clientUrls(await m.status()));
    await writer.waitForMore(50);
  });

  it('scales down to 3 removing the raft leader\'s and the Juju leader\'s units; every member holds every acknowledged write', async () => {
    const m = model();
    const w = writer!;
    let status = await m.status();
    const jujuLeaderUnit = jujuLeader(status);
    let raft = (await endpointStatus(m, 'charmed-etcd/1')).find((s) => s.isLeader);
    expect(raft).toBeDefined();
    const unitAt = (endpoint: string): string => Object.entries(status.units).find(([, u]) => `http://${u.address}:2379` === endpoint)![0];
    if (unitAt(raft!.endpoint) === jujuLeaderUnit) {
      // Make them two different units, as an operator can with etcdctl.
      const target = (await memberList(m, 'charmed-etcd/1')).find((x) => x.name === memberNameOf('charmed-etcd/4'))!;
      const moved = await etcdctl(m, 'charmed-etcd/1', [raft!.endpoint], ['move-leader', target.id], rootPassword(m));
      expect(moved.exitCode, moved.stderr).toBe(0);
      raft = (await endpointStatus(m, 'charmed-etcd/1')).find((s) => s.isLeader);
    }
    const raftLeaderUnit = unitAt(raft!.endpoint);
    expect(raftLeaderUnit).not.toBe(jujuLeaderUnit);

    const before = w.acknowledged.length;
    expect((await m.sim('remove-unit', raftLeaderUnit, jujuLeaderUnit)).exitCode).toBe(0);
    await m.wait(300);
    status = await m.status();
    expect(Object.keys(status.units)).not.toContain(raftLeaderUnit);
    expect(Object.keys(status.units)).not.toContain(jujuLeaderUnit);
    await expectHealthyCluster(m, 3);
    // The writer wrote through the removals and still writes.
    expect(w.acknowledged.length).toBeGreaterThan(before);
    w.setEndpoints(clientUrls(status));
    await w.waitForMore(50);

    const report = await w.stop();
    const verdict = await w.verify(clientUrls(status));
    console.log(`scale 3→5→3 writer: ${JSON.stringify(report)}`);
    expect(report.acknowledged).toBeGreaterThan(150);
    expect(verdict.endpoints).toHaveLength(3);
    expect(verdict.lost).toEqual([]);
    for (const e of verdict.endpoints) expect(e.keys).toBeGreaterThanOrEqual(report.acknowledged);
  });
});

describe('then a unit whose machine changes its address, under a continuous writer', () => {
  let writer: ContinuousWriter | undefined;
  afterAll(async () => {
    await writer?.stop();
  });
  // The lowest unit left after the scale-down (which removed two of the first three).
  const unitOf = async (): Promise<string> => Object.keys((await model().status()).units).sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]))[0]!;

  it('refuses an address off loopback or held by another unit, and changes nothing', async () => {
    const m = model();
    const unit = await unitOf();
    const status = await m.status();
    const other = Object.keys(status.units).find((u) => u !== unit)!;
    const off = await m.sim('set-address', unit, '10.1.2.3');
    expect({ code: off.exitCode, err: off.stderr }).toMatchObject({ code: 2, err: expect.stringMatching(/127\.0\.0\.0\/8/) });
    const taken = await m.sim('set-address', unit, status.units[other]!.address);
    expect({ code: taken.exitCode, err: taken.stderr }).toMatchObject({ code: 2, err: expect.stringContaining(`is held by unit "${other}"`) });
    await m.sim('wait', '--timeout', '60');
    expect((await m.status()).units[unit]!.address).toBe(status.units[unit]!.address);
  });

  it('moves the member to the new address: etcd lists its new URLs, all units return to active, no acknowledged write is lost', async () => {
    const m = model();
    const unit = await unitOf();
    const before = await m.status();
    const old = before.units[unit]!.address;
    const fresh = `${old.split('.').slice(0, 3).join('.')}.200`;
    writer = ContinuousWriter.start({ endpoints: clientUrls(before), password: rootPassword(m) });
    await writer.waitForMore(50);

    const watch = watchStatuses(m, unit);
    const started = Date.now();
    expect(await simOk(m, 'set-address', unit, fresh)).toContain(`${old} -> ${fresh}`);
    const after = await settle(m, (s) => allActive(s) && s.units[unit]?.address === fresh, 300_000);
    const movedInMs = Date.now() - started;
    const seen = await watch.stop();
    console.log(`ip change ${old} -> ${fresh}: settled in ${movedInMs} ms; ${unit} showed ${JSON.stringify(seen)}`);
    expect(seen).toContain(`maintenance  ${ADDRESS_STATUS.moving}`);

    const name = memberNameOf(unit);
    const members = await memberList(m, Object.keys(after.units).find((u) => u !== unit)!);
    expect(members.find((x) => x.name === name)).toMatchObject({ status: 'started', isLearner: false, peerUrls: `http://${fresh}:2380`, clientUrls: `http://${fresh}:2379` });
    expect(members).toHaveLength(3);
    await expectHealthyCluster(m, 3);
    expect(m.debugLog(unit).some((l) => l.message.includes(`${name} moved from ${old} to ${fresh}`))).toBe(true);

    writer.setEndpoints(clientUrls(after));
    await writer.waitForMore(50);
    const report = await writer.stop();
    const verdict = await writer.verify(clientUrls(after));
    console.log(`ip change writer: ${JSON.stringify(report)}`);
    expect(report.acknowledged).toBeGreaterThan(100);
    expect(verdict.lost).toEqual([]);
    expect(verdict.endpoints).toHaveLength(3);
    for (const e of verdict.endpoints) expect(e.keys).toBeGreaterThanOrEqual(report.acknowledged);
    // The member restarts once, with raft leadership moved off it first: writes pause for seconds, not longer.
    expect(report.longestGapMs).toBeLessThan(10_000);
  });
});
