/**
 * The refreshes of the etcd the charm ships (3.6.13) on the simulator with
 * real etcd and a client writing throughout: the minor upgrade 3.5.30 → 3.6.13
 * (the charm track moving with it), a rollback half-way through it, the
 * minor upgrade 3.6 → 3.7 straight after it (etcd 3.5's entries still in
 * every member's WAL; patches within 3.6 are on the harness and in
 * refresh/refresh.test.ts at 3.5), a forced refresh down two minors (to
 * 3.4) once the cluster version is 3.6, refused before anything stops, and
 * 3.7 -> 3.6 through etcd's downgrade (3.6 -> 3.5: refresh/downgrade.test.ts).
 * etcd itself reports the cluster version at each step.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unitPaths } from '../../../src/etcd/paths.js';
import { walEntriesUnreplayableIn37 } from '../../../src/etcd/wal-read.js';
import { unitRoot } from '../../sim/home.js';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { clusterVersion as clusterVersionOf, clusterVersionBecomes as becomes, downgradeTargets } from '../support/cluster-version.js';
import { eventually } from '../etcd/etcd-process.js';
import { allActive, allOn, runAction, settle, simOk, withWriter } from '../support/steps.js';

const APP = 'charmed-etcd';
const UNITS = [`${APP}/0`, `${APP}/1`, `${APP}/2`];
let work: string;
let model: SimModel;
const rev: Record<string, string> = {};

const sim = (...args: string[]): Promise<string> => simOk(model, ...args);
const etcdVersions = (s: StatusJson) => UNITS.map((u) => s.units[u]?.['etcd-version']);

const clusterVersion = () => clusterVersionOf(model);
const clusterVersionBecomes = (want: string) => becomes(model, want);

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'refresh-36-it-'));
  const charm = await buildCharmInto(path.join(work, 'charm'));
  model = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '30s' });
  for (const [name, workload, version] of [
    ['3.5', '3.5.30', '3.5/1.1.0'],
    ['3.6', '3.6.13', '3.6/1.0.0'],
    ['3.4-forced', '3.4.23', '3.4/1.0.0'],
    ['3.7', '3.7.3', '3.7/1.0.0'],
    ['3.6-down', '3.6.16', '3.6/1.2.0'],
  ] as const) {
    rev[name] = (await sim('publish', charm, '--workload', workload, '--charm-version', version)).trim();
  }
  await sim('deploy', '--revision', rev['3.5']!, '-n', '3');
  await settle(model, allOn('3.5.30'));
}, 600_000);

afterAll(async () => {
  await model?.destroy();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('refreshes to and within etcd 3.6, and on to 3.7', () => {
  it('3.5.30 → 3.6.13 rolled back half-way (the cluster version stays 3.5), then completed: the cluster version becomes 3.6', { timeout: 1_200_000 }, async () => {
    await withWriter(model, async () => {
      // pause-after-unit-refresh=first (the default): unit 2 refreshes, then the refresh waits.
      await sim('refresh', '--revision', rev['3.6']!);
      const paused = await settle(model, (s) => s.application.message.startsWith('Refreshing. Check units >=2 are healthy'));
      expect(etcdVersions(paused)).toEqual(['3.5.30', '3.5.30', '3.6.13']);
      expect(await clusterVersion()).toBe('3.5.0');

      await sim('refresh', '--revision', rev['3.5']!);
      await settle(model, allOn('3.5.30'));
      expect(await clusterVersion()).toBe('3.5.0');

      await sim('config', 'pause-after-unit-refresh=none');
      await sim('refresh', '--revision', rev['3.6']!);
      await settle(model, allOn('3.6.13'));
    });
    expect(await clusterVersionBecomes('3.6.0')).toBe('3.6.0');
  });

  it('a forced refresh down two minors to 3.4.23 once the cluster version is 3.6 is refused before any member stops', { timeout: 600_000 }, async () => {
    expect(await clusterVersionBecomes('3.6.0')).toBe('3.6.0');
    await sim('refresh', '--revision', rev['3.4-forced']!);
    await settle(model, (s) => s.application.message.startsWith('Refresh incompatible'));
    const forced = await runAction(model, `${APP}/2`, 'force-refresh-start', 'check-compatibility=false');
    expect(forced.results['result']).toBe('Refresh started. Failed to refresh unit 2. Unit 2 will retry refresh on the next Juju event');
    const refused = await settle(model, (s) => s.units[UNITS[2]!]?.['workload-status'] === 'blocked');
    expect(refused.units[UNITS[2]!]).toMatchObject({
      message: 'Cannot refresh to etcd 3.4.23: this unit runs etcd 3.6.13; etcd changes one minor at a time',
      'etcd-version': '3.6.13',
    });
    expect(etcdVersions(refused)).toEqual(['3.6.13', '3.6.13', '3.6.13']);
    // Back to the revision the cluster runs: nothing to do, everything active again.
    await sim('refresh', '--revision', rev['3.6']!);
    await settle(model, allOn('3.6.13'));
  });

  it("3.6.13 → 3.7.3 straight after the upgrade from 3.5: each member's WAL still holds 3.5's entries; 3.6 snapshots past them first, then 3.7.3 starts: cluster version 3.7", { timeout: 1_200_000 }, async () => {
    // The 3.5 -> 3.6 refresh left, after each member's latest snapshot, the entries 3.5 wrote, which 3.7 panics on
    // (measured in etcd/wal-replay-37.test.ts); nothing restarted etcd since.
    const memberDir = (unit: string) => unitPaths(unitRoot(model.home, unit)).memberDir;
    for (const unit of UNITS) expect((await walEntriesUnreplayableIn37(memberDir(unit)))?.length).toBeGreaterThan(0);
    const since = new Date().toISOString();
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.7']!);
      const done = await settle(model, allOn('3.7.3'));
      expect(allActive(done)).toBe(true);
    });
    expect(await clusterVersionBecomes('3.7.0')).toBe('3.7.0');
    const snapshotted = model.debugLog().filter((l) => l.at >= since && /etcd 3\.7 can start on this data/.test(l.message));
    expect(snapshotted.map((l) => l.unit).sort()).toEqual(UNITS);
    for (const unit of UNITS) {
      expect(await walEntriesUnreplayableIn37(memberDir(unit))).toEqual([]);
      expect(readFileSync(unitPaths(unitRoot(model.home, unit)).configFile, 'utf8')).toMatch(/^snapshot-count: 10000$/m);
    }
  });

  it('3.7.3 → 3.6.16 through etcd downgrade: cluster version 3.6, etcd ends the downgrade, writes kept', { timeout: 1_200_000 }, async () => {
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.6-down']!);
      const done = await settle(model, allOn('3.6.16'));
      expect(allActive(done)).toBe(true);
    });
    expect(await clusterVersionBecomes('3.6.0')).toBe('3.6.0');
    // etcd ended the downgrade on its own once every member ran 3.6.
    await eventually(async () => {
      const targets = await downgradeTargets(model);
      if (targets.some((t) => t !== undefined)) throw new Error(`downgrade still enabled: ${targets.join(',')}`);
    }, 120_000);
  });
});
