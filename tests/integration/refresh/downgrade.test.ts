/**
 * Minor downgrades through etcd's own downgrade protocol on the simulator,
 * with real etcd, the real dispatch and bundle, and a client writing
 * throughout: a 3-unit application on 3.5.30 upgraded to 3.6.16, then
 * refreshed to a charm revision pinned to 3.5.30, rolled back half-way (the
 * rollback cancels the downgrade), then completed: the 3.5 -> 3.6 upgrade
 * undone in place. etcd itself reports the cluster version at each step.
 * 3.7.3 -> 3.6.16 is at the end of refresh/versions-3.6-3.7.test.ts.
 * The etcd facts behind it: tests/integration/etcd/downgrade.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { clusterVersion as clusterVersionOf, clusterVersionBecomes as becomes, downgradeTargets as targetsOf } from '../support/cluster-version.js';
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
const downgradeTargets = () => targetsOf(model);

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'refresh-down-it-'));
  const charm = await buildCharmInto(path.join(work, 'charm'));
  model = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '30s' });
  for (const [name, workload, version] of [
    ['3.5', '3.5.30', '3.5/1.1.0'],
    ['3.6', '3.6.16', '3.6/1.2.0'],
    ['3.5-down', '3.5.30', '3.5/1.2.0'],
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

describe('minor downgrades through etcd downgrade', () => {
  it('3.5.30 → 3.6.16 completed: the cluster version becomes 3.6, writes kept', { timeout: 1_200_000 }, async () => {
    await sim('config', 'pause-after-unit-refresh=none');
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.6']!);
      const done = await settle(model, allOn('3.6.16'));
      expect(allActive(done)).toBe(true);
    });
    expect(await clusterVersionBecomes('3.6.0')).toBe('3.6.0');
    await sim('config', 'pause-after-unit-refresh=first');
  });

  it('3.6.16 → 3.5.30 rolled back half-way: the rollback cancels the downgrade and the cluster version returns to 3.6', { timeout: 1_200_000 }, async () => {
    const check = await runAction(model, `${APP}/leader`, 'pre-refresh-check');
    expect(check.status).toBe('completed');
    await withWriter(model, async () => {
      // pause-after-unit-refresh=first (the default): unit 2 downgrades, then the refresh waits.
      await sim('refresh', '--revision', rev['3.5-down']!);
      const paused = await settle(model, (s) => s.application.message.startsWith('Refreshing. Check units >=2 are healthy'));
      expect(paused.application.message).toBe(
        `Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. To rollback, \`juju refresh --revision ${rev['3.6']}\``,
      );
      expect(etcdVersions(paused)).toEqual(['3.6.16', '3.6.16', '3.5.30']);
      expect(paused.units[UNITS[2]!]).toMatchObject({ 'workload-status': 'active', message: `etcd 3.5.30 running; Snap revision 3; Charm revision ${rev['3.5-down']}` });
      expect(paused.units[UNITS[0]!]).toMatchObject({ 'workload-status': 'active', message: `etcd 3.6.16 running; Snap revision 6 (outdated); Charm revision ${rev['3.5-down']}` });
      expect(await clusterVersion()).toBe('3.5.0');
      // The 3.6 members report the downgrade etcd runs; the 3.5 member has no such field.
      expect(await downgradeTargets()).toEqual(['3.5.0', '3.5.0', undefined]);

      await sim('refresh', '--revision', rev['3.6']!);
      const back = await settle(model, allOn('3.6.16'));
      expect(allActive(back)).toBe(true);
    });
    expect(await clusterVersionBecomes('3.6.0')).toBe('3.6.0');
    expect(await downgradeTargets()).toEqual([undefined, undefined, undefined]);
  });

  it('3.6.16 → 3.5.30 completed: every member runs 3.5.30, the cluster version is 3.5, writes kept', { timeout: 1_200_000 }, async () => {
    await sim('config', 'pause-after-unit-refresh=none');
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.5-down']!);
      const done = await settle(model, allOn('3.5.30'));
      expect(allActive(done)).toBe(true);
      expect(done.application).toMatchObject({ status: 'active', message: '' });
    });
    expect(await clusterVersion()).toBe('3.5.0');
  });
});
