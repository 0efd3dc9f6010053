/**
 * Refreshing the real charm on the simulator with real etcd, as the README's
 * "Refresh (upgrade)" section tells an operator to: pre-refresh-check, refresh,
 * resume, halt, rollback. One model is reused across cases, each starting from
 * where the previous one left the cluster.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { allActive, allOn, runAction, settle, simOk, withWriter } from '../support/steps.js';

const APP = 'charmed-etcd';
const UNITS = [`${APP}/0`, `${APP}/1`, `${APP}/2`];

let work: string;
let charm: string;
let model: SimModel;
/** Store revision of the charm published for each case, by name. */
const rev: Record<string, string> = {};

const sim = (...args: string[]): Promise<string> => simOk(model, ...args);

async function publish(name: string, workload: string, charmVersion: string): Promise<void> {
  rev[name] = (await sim('publish', charm, '--workload', workload, '--charm-version', charmVersion)).trim();
}

const snapRevisions = (s: StatusJson) => UNITS.map((u) => s.units[u]?.['snap-revision']);
const etcdVersions = (s: StatusJson) => UNITS.map((u) => s.units[u]?.['etcd-version']);

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'refresh-it-'));
  charm = await buildCharmInto(path.join(work, 'charm'));
  model = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '30s' });
  await publish('3.5.16', '3.5.16', '3.5/1.0.0');
  await sim('deploy', '--revision', rev['3.5.16']!, '-n', '3');
  await settle(model, allActive);
}, 600_000);

afterAll(async () => {
  await model?.destroy();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('refresh on the simulator', () => {
  it('first: 3.5.16 -> 3.5.30 pauses after unit 2, resumes on unit 1, completes with no write lost', async () => {
    await publish('3.5.30', '3.5.30', '3.5/1.1.0');
    const pre = await runAction(model, `${APP}/leader`, 'pre-refresh-check');
    expect(pre.status).toBe('completed');
    expect(pre.results['result']).toContain(`After the refresh has started, use this command to rollback:\n\`juju refresh ${APP} --revision ${rev['3.5.16']}\``);
    expect(existsSync(pre.results['snapshot'] ?? '/nonexistent')).toBe(true);

    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.5.30']!);
      const paused = await settle(model, (s) => s.application.message.includes('resume-refresh'));
      expect(paused.application).toMatchObject({
        status: 'blocked',
        message: `Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. To rollback, \`juju refresh --revision ${rev['3.5.16']}\``,
      });
      expect(etcdVersions(paused)).toEqual(['3.5.16', '3.5.16', '3.5.30']);

      const resumed = await runAction(model, `${APP}/1`, 'resume-refresh');
      expect(resumed).toMatchObject({ status: 'completed', results: { result: 'Refresh resumed. Unit 1 has refreshed' } });
      const done = await settle(model, allOn('3.5.30'));
      expect(done.application.message).toBe('');
    });
  });

  it('none: 3.5.30 -> 3.5.16 (a patch downgrade with newer charm code) completes with no action', async () => {
    await sim('config', 'pause-after-unit-refresh=none');
    await publish('3.5.16b', '3.5.16', '3.5/1.2.0');
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.5.16b']!);
      const done = await settle(model, allOn('3.5.16'));
      expect(snapRevisions(done)).toEqual(['2', '2', '2']);
    });
  });

  it('a release whose daemon fails pauses on the first unit with a clear status; the rollback restores the cluster', { timeout: 480_000 }, async () => {
    await sim('config', 'pause-after-unit-refresh=first');
    await publish('3.5.31', '3.5.31', '3.5/1.3.0');
    await sim('refresh', '--revision', rev['3.5.31']!);
    const stuck = await settle(model, (s) => s.units[UNITS[2]!]?.['workload-status'] !== 'active' && s.units[UNITS[2]!]?.['snap-revision'] === '4', 240_000);
    expect(stuck.units[UNITS[2]!]).toMatchObject({ 'workload-status': 'blocked', message: 'etcd service not running' });
    const resume = await runAction(model, `${APP}/1`, 'resume-refresh');
    expect(resume).toMatchObject({ status: 'failed', message: 'Unit 2 is unhealthy. Refresh will not resume.' });

    await sim('refresh', '--revision', rev['3.5.16b']!);
    const back = await settle(model, allOn('3.5.16'));
    expect(Object.values(back.units).every((u) => u['workload-status'] === 'active')).toBe(true);
  });

  it('rollback from a partly refreshed cluster: unit 2 goes back on its own', { timeout: 420_000 }, async () => {
    await publish('3.5.30b', '3.5.30', '3.5/1.4.0');
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.5.30b']!);
      const partly = await settle(model, (s) => s.application.message.includes('resume-refresh'));
      expect(etcdVersions(partly)).toEqual(['3.5.16', '3.5.16', '3.5.30']);
      await sim('refresh', '--revision', rev['3.5.16b']!);
      const back = await settle(model, allOn('3.5.16'));
      expect(back.application.message).toBe('');
    });
  });
});
