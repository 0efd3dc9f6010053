/**
 * The pause policies an operator steers a refresh with, on the simulator with
 * real etcd and a client writing throughout: `all` (confirm every unit), the
 * emergency stop (`pause-after-unit-refresh=all` set while a `none` refresh
 * runs) followed by a rollback, and a unit added in the middle of a refresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { expectHealthyCluster } from '../charm/expect-cluster.js';
import { clientUrls } from '../support/cluster.js';
import { allOn, runAction, settle, simOk, withWriter } from '../support/steps.js';

const APP = 'charmed-etcd';

let work: string;
let model: SimModel;
let charm: string;
const rev: Record<string, string> = {};

const sim = (...args: string[]): Promise<string> => simOk(model, ...args);
const run = (unit: string, action: string) => runAction(model, unit, action);

async function publish(name: string, workload: string, charmVersion: string): Promise<void> {
  rev[name] = (await sim('publish', charm, '--workload', workload, '--charm-version', charmVersion)).trim();
}

/** etcd version of each unit, by unit name. */
const versions = (s: StatusJson): Record<string, string | null | undefined> =>
  Object.fromEntries(Object.entries(s.units).map(([unit, u]) => [unit, u['etcd-version']]));

/** The unit the application status tells the operator to run `resume-refresh` on. */
function resumeTarget(s: StatusJson): string {
  const match = /run `resume-refresh` on unit (\d+)\./.exec(s.application.message);
  if (match === null) throw new Error(`the application status names no unit to resume on: ${s.application.message}`);
  return `${APP}/${match[1]}`;
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'refresh-policies-it-'));
  charm = await buildCharmInto(path.join(work, 'charm'));
  model = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '30s' });
  await publish('3.5.16', '3.5.16', '3.5/1.0.0');
  await publish('3.5.30', '3.5.30', '3.5/1.1.0');
  await publish('3.5.16b', '3.5.16', '3.5/1.2.0');
  await publish('3.5.30b', '3.5.30', '3.5/1.3.0');
  await sim('deploy', '--revision', rev['3.5.16']!, '-n', '3', '--config', 'pause-after-unit-refresh=all');
  await settle(model, allOn('3.5.16'));
}, 600_000);

afterAll(async () => {
  await model?.destroy();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('pause-after-unit-refresh on the simulator', () => {
  it('all: the refresh waits for resume-refresh after every unit, and each answer names the unit refreshed', { timeout: 480_000 }, async () => {
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.5.30']!);
      const first = await settle(model, (s) => s.application.message.includes('resume-refresh'));
      expect(first.application).toMatchObject({
        status: 'blocked',
        message: `Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. To rollback, \`juju refresh --revision ${rev['3.5.16']}\``,
      });
      expect(versions(first)).toEqual({ [`${APP}/0`]: '3.5.16', [`${APP}/1`]: '3.5.16', [`${APP}/2`]: '3.5.30' });

      // Asking the wrong unit changes nothing.
      const wrong = await run(`${APP}/0`, 'resume-refresh');
      expect(wrong).toMatchObject({ status: 'failed', message: 'Must run action on unit 1' });

      expect(await run(`${APP}/1`, 'resume-refresh')).toMatchObject({ status: 'completed', results: { result: 'Refreshed unit 1' } });
      const second = await settle(model, (s) => s.units[`${APP}/1`]?.['etcd-version'] === '3.5.30' && s.application.message.includes('on unit 0'));
      expect(second.application.message).toBe(
        `Refreshing. Check units >=1 are healthy & run \`resume-refresh\` on unit 0. To rollback, \`juju refresh --revision ${rev['3.5.16']}\``,
      );
      expect(versions(second)[`${APP}/0`]).toBe('3.5.16');

      expect(await run(`${APP}/0`, 'resume-refresh')).toMatchObject({ status: 'completed', results: { result: 'Refreshed unit 0' } });
      const done = await settle(model, allOn('3.5.30'));
      expect(done.application.message).toBe('');
    });
    await expectHealthyCluster(model, 3);
  });

  it('the emergency stop: setting `all` while a `none` refresh runs halts it after the unit in flight; the rollback restores every unit', { timeout: 480_000 }, async () => {
    await sim('config', 'pause-after-unit-refresh=none');
    await withWriter(model, async () => {
      await sim('refresh', '--revision', rev['3.5.16b']!);
      // The operator hits the stop button at once; the highest unit goes anyway (it needs no confirmation).
      await sim('config', 'pause-after-unit-refresh=all');
      const halted = await settle(model, (s) => s.application.message.includes('resume-refresh'));
      expect(halted.application).toMatchObject({
        status: 'blocked',
        message: `Refreshing. Check units >=2 are healthy & run \`resume-refresh\` on unit 1. To rollback, \`juju refresh --revision ${rev['3.5.30']}\``,
      });
      expect(versions(halted)).toEqual({ [`${APP}/0`]: '3.5.30', [`${APP}/1`]: '3.5.30', [`${APP}/2`]: '3.5.16' });

      // The rollback command the status printed: unit 2 goes back on its own; the others are not touched.
      await sim('refresh', '--revision', rev['3.5.30']!);
      const back = await settle(model, allOn('3.5.30'));
      expect(back.application.message).toBe('');
    });
    await expectHealthyCluster(model, 3);
  });

  it('a unit added in the middle of a refresh installs the new snap, joins as a voting member, and the refresh completes on all four', { timeout: 600_000 }, async () => {
    await sim('config', 'pause-after-unit-refresh=first');
    await withWriter(model, async (writer) => {
      await sim('refresh', '--revision', rev['3.5.16b']!);
      await settle(model, (s) => s.application.message.includes('resume-refresh'));

      await sim('add-unit');
      const grown = await settle(model, (s) => s.units[`${APP}/3`]?.['workload-status'] === 'active', 360_000);
      // A new unit takes the pinned (new) snap straight away (reference: scale-up during a refresh).
      expect(grown.units[`${APP}/3`]?.['etcd-version']).toBe('3.5.16');
      writer.setEndpoints(clientUrls(grown));

      // The application status keeps naming a unit where resume-refresh can succeed; follow it to the end.
      for (let round = 0; round < 4; round++) {
        const s = await model.status();
        if (allOn('3.5.16')(s)) break;
        if (!s.application.message.includes('resume-refresh')) {
          await settle(model, (t) => allOn('3.5.16')(t) || t.application.message.includes('resume-refresh'));
          continue;
        }
        const resumed = await run(resumeTarget(s), 'resume-refresh');
        expect(resumed.status, `${resumeTarget(s)}: ${resumed.message ?? ''}`).toBe('completed');
        await settle(model, (t) => allOn('3.5.16')(t) || t.application.message !== s.application.message);
      }
      const done = await settle(model, allOn('3.5.16'));
      expect(Object.keys(done.units).sort()).toEqual([`${APP}/0`, `${APP}/1`, `${APP}/2`, `${APP}/3`]);
    });
    await expectHealthyCluster(model, 4);
  });
});
