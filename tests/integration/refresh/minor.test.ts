/**
 * A minor upgrade 3.4.23 -> 3.5.16 on the simulator with real etcd, then a
 * forced refresh back to 3.4 that the charm refuses before stopping anything
 * (etcd 3.4 cannot start once the cluster version is 3.5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { eventually } from '../etcd/etcd-process.js';
import type { StatusJson } from '../../sim/status.js';
import { buildCharmInto, createSimModel } from '../../sim/testing.js';
import type { SimModel } from '../../sim/testing.js';
import { allActive, allOn, runAction, settle, simOk } from '../support/steps.js';

const APP = 'charmed-etcd';
const UNITS = [`${APP}/0`, `${APP}/1`, `${APP}/2`];
let work: string;
let charm: string;
let model: SimModel;
const rev: Record<string, string> = {};

const sim = (...args: string[]): Promise<string> => simOk(model, ...args);
const etcdVersions = (s: StatusJson) => UNITS.map((u) => s.units[u]?.['etcd-version']);

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'refresh-minor-it-'));
  charm = await buildCharmInto(path.join(work, 'charm'));
  model = await createSimModel({ units: 0, charmDir: charm, updateStatusInterval: '30s' });
  for (const [name, workload, version] of [
    ['3.4', '3.4.23', '3.4/1.0.0'],
    ['3.5', '3.5.16', '3.5/1.0.0'],
    ['3.4-again', '3.4.23', '3.4/1.1.0'],
  ] as const) {
    rev[name] = (await sim('publish', charm, '--workload', workload, '--charm-version', version)).trim();
  }
  await sim('deploy', '--revision', rev['3.4']!, '-n', '3', '--config', 'pause-after-unit-refresh=none');
  await settle(model, allActive);
}, 600_000);

afterAll(async () => {
  await model?.destroy();
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('a minor refresh on the simulator', () => {
  it('3.4.23 -> 3.5.16 completes and the cluster version becomes 3.5', { timeout: 420_000 }, async () => {
    await sim('refresh', '--revision', rev['3.5']!);
    const done = await settle(model, allOn('3.5.16'));
    const address = done.units[UNITS[0]!]?.address ?? '';
    const client = new EtcdClient({ endpoints: [`http://${address}:2379`] });
    // etcd's leader raises the cluster version on its own schedule once every member runs 3.5 (a few
    // seconds after the last restart): wait for it, as an operator would see it in `endpoint status`.
    const version = await eventually(async () => {
      const v = await client.clusterVersion();
      if (v !== '3.5.0') throw new Error(`cluster version ${v}, want 3.5.0`);
      return v;
    }, 120_000);
    expect(version).toBe('3.5.0');
  });

  it('a forced refresh back to 3.4 is incompatible, and refused before any member stops', { timeout: 420_000 }, async () => {
    await sim('refresh', '--revision', rev['3.4-again']!);
    const incompatible = await settle(model, (s) => s.application.message.startsWith('Refresh incompatible'));
    expect(incompatible.application).toMatchObject({
      status: 'blocked',
      message: `Refresh incompatible. Rollback with \`juju refresh --revision ${rev['3.5']}\``,
    });
    const forced = await runAction(model, `${APP}/2`, 'force-refresh-start', 'check-compatibility=false');
    expect(forced.results['result']).toBe('Refresh started. Failed to refresh unit 2. Unit 2 will retry refresh on the next Juju event');
    const refused = await settle(model, (s) => s.units[UNITS[2]!]?.['workload-status'] === 'blocked');
    expect(refused.units[UNITS[2]!]).toMatchObject({
      message: 'Cannot refresh to etcd 3.4.23: cluster version is 3.5.0, etcd would not start',
      'etcd-version': '3.5.16',
    });
    expect(etcdVersions(refused)).toEqual(['3.5.16', '3.5.16', '3.5.16']);
  });
});
