/**
 * A unit's machine changes its private address (`sim set-address`, as a
 * machine getting a new DHCP lease would) while a client writes: Juju runs
 * config-changed on the unit, and the charm moves its member to the new
 * address (member update, the config rendered for it, a restart there,
 * then the new private_ip). Real dispatch, real etcd 3.6 on three units.
 * Afterwards etcd's own member list shows the new peer and client URLs,
 * every unit is active, and every acknowledged write is on every member.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ADDRESS_STATUS } from '../../../src/cluster/address-change.js';
import { useCharmModel } from '../support/charm-model.js';
import { clientUrls } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import { allActive, settle, simOk } from '../support/steps.js';
import { ContinuousWriter } from '../support/writer.js';
import { expectHealthyCluster, memberList } from '../charm/expect-cluster.js';
import type { SimModel } from '../../sim/testing.js';

const model = useCharmModel({ units: 3 });
const UNIT = 'charmed-etcd/1';

/** Records every message `unit` shows until stopped (`sim status` twice a second or so). */
function watchStatuses(m: SimModel, unit: string): { stop(): Promise<string[]> } {
  const seen: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const u = (await m.status()).units[unit];
      const line = `${u?.['workload-status']}  ${u?.message}`;
      if (seen.at(-1) !== line) seen.push(line);
      await sleep(200);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

describe('a unit whose machine changes its address, under a continuous writer', () => {
  let writer: ContinuousWriter | undefined;
  afterAll(async () => {
    await writer?.stop();
  });

  it('deploys 3 units: all active and healthy', async () => {
    await model().wait(300);
    await expectHealthyCluster(model(), 3);
  });

  it('refuses an address off loopback or held by another unit, and changes nothing', async () => {
    const m = model();
    const status = await m.status();
    const off = await m.sim('set-address', UNIT, '10.1.2.3');
    expect({ code: off.exitCode, err: off.stderr }).toMatchObject({ code: 2, err: expect.stringMatching(/127\.0\.0\.0\/8/) });
    const taken = await m.sim('set-address', UNIT, status.units['charmed-etcd/0']!.address);
    expect({ code: taken.exitCode, err: taken.stderr }).toMatchObject({ code: 2, err: expect.stringContaining('is held by unit "charmed-etcd/0"') });
    await m.sim('wait', '--timeout', '60');
    expect((await m.status()).units[UNIT]!.address).toBe(status.units[UNIT]!.address);
  });

  it('moves the member to the new address: etcd lists its new URLs, all units return to active, no acknowledged write is lost', async () => {
    const m = model();
    const before = await m.status();
    const old = before.units[UNIT]!.address;
    const fresh = `${old.split('.').slice(0, 3).join('.')}.200`;
    writer = ContinuousWriter.start({ endpoints: clientUrls(before), password: rootPassword(m) });
    await writer.waitForMore(50);

    const watch = watchStatuses(m, UNIT);
    const started = Date.now();
    expect(await simOk(m, 'set-address', UNIT, fresh)).toContain(`${old} -> ${fresh}`);
    const after = await settle(m, (s) => allActive(s) && s.units[UNIT]?.address === fresh, 300_000);
    const movedInMs = Date.now() - started;
    const seen = await watch.stop();
    console.log(`ip change ${old} -> ${fresh}: settled in ${movedInMs} ms; ${UNIT} showed ${JSON.stringify(seen)}`);
    expect(seen).toContain(`maintenance  ${ADDRESS_STATUS.moving}`);

    const members = await memberList(m, 'charmed-etcd/0');
    expect(members.find((x) => x.name === 'charmed-etcd1')).toMatchObject({ status: 'started', isLearner: false, peerUrls: `http://${fresh}:2380`, clientUrls: `http://${fresh}:2379` });
    expect(members).toHaveLength(3);
    await expectHealthyCluster(m, 3);
    expect(m.debugLog(UNIT).some((l) => l.message.includes(`charmed-etcd1 moved from ${old} to ${fresh}`))).toBe(true);

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
