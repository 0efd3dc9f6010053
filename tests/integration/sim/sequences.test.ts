/**
 * Juju's event sequences on the tiny shell charm, in seeded serial mode (one hook at
 * a time in the model): deploy, add-unit, removal of the leader, update-status.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useSimModel } from '../../sim/testing.js';
import type { HookRecord } from '../../sim/testing.js';
import { writeTinyCharm } from './tiny-charm.js';

const model = useSimModel({
  units: 2,
  local: true,
  deployArgs: ['--seed', '5'],
  charmDir: writeTinyCharm(path.join(mkdtempSync(path.join(tmpdir(), 'tiny-')), 'charm')),
});

const eventsOf = (records: readonly HookRecord[], unit: string): string[] => records.filter((r) => r.unit === unit).map((r) => r.event);

describe('event sequences', () => {
  it('deploys each unit with Juju\'s sequence, then both sides see each other join', async () => {
    await model().wait();
    const records = model().hookRecords();
    expect(eventsOf(records, 'tiny/0').slice(0, 6)).toEqual(['data-storage-attached', 'install', 'peers-relation-created', 'leader-elected', 'config-changed', 'start']);
    expect(eventsOf(records, 'tiny/1').slice(0, 6)).toEqual(['data-storage-attached', 'install', 'peers-relation-created', 'leader-settings-changed', 'config-changed', 'start']);
    for (const unit of ['tiny/0', 'tiny/1']) {
      const events = eventsOf(records, unit);
      expect(events.indexOf('peers-relation-joined')).toBeLessThan(events.indexOf('peers-relation-changed'));
    }
  });

  it('runs one hook at a time in seeded mode', () => {
    const spans = model()
      .hookRecords()
      .map((r) => [Date.parse(r.startedAt), Date.parse(r.startedAt) + r.durationMs] as const)
      .sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]?.[0]).toBeGreaterThanOrEqual((spans[i - 1]?.[1] ?? 0) - 1);
  });

  it('add-unit: the new unit deploys, then joined + changed on both sides', async () => {
    expect((await model().sim('add-unit')).exitCode).toBe(0);
    await model().wait();
    const records = model().hookRecords();
    expect(eventsOf(records, 'tiny/2').slice(0, 6)).toEqual(['data-storage-attached', 'install', 'peers-relation-created', 'leader-settings-changed', 'config-changed', 'start']);
    expect(eventsOf(records, 'tiny/2').filter((e) => e === 'peers-relation-joined')).toHaveLength(2);
    for (const unit of ['tiny/0', 'tiny/1']) expect(eventsOf(records, unit).filter((e) => e === 'peers-relation-joined')).toHaveLength(2);
    expect((await model().status()).units['tiny/2']?.address).toMatch(/\.12$/);
  });

  it('remove-unit of the leader: departed everywhere, teardown in order, a new leader elected', async () => {
    const before = model().hookRecords().length;
    expect((await model().sim('remove-unit', 'tiny/0')).exitCode).toBe(0);
    await model().wait();
    const records = model().hookRecords().slice(before);
    expect(eventsOf(records, 'tiny/0')).toEqual(['peers-relation-departed', 'peers-relation-departed', 'stop', 'data-storage-detaching', 'remove']);
    expect(eventsOf(records, 'tiny/1')).toContain('peers-relation-departed');
    expect(eventsOf(records, 'tiny/2')).toContain('peers-relation-departed');
    expect(eventsOf(records, 'tiny/1')).toContain('leader-elected');
    expect(eventsOf(records, 'tiny/2')).toContain('leader-settings-changed');
    const status = await model().status();
    expect(Object.keys(status.units)).toEqual(['tiny/1', 'tiny/2']);
    expect(status.units['tiny/1']?.leader).toBe(true);
  });

  it('config changes run config-changed on every unit; an unchanged value runs nothing', async () => {
    const before = model().hookRecords().length;
    expect((await model().sim('config', 'marker=gamma')).exitCode).toBe(0);
    await model().wait();
    const records = model().hookRecords().slice(before);
    expect(records.filter((r) => r.event === 'config-changed').map((r) => r.unit).sort()).toEqual(['tiny/1', 'tiny/2']);
    // The same value again changes nothing: no hook.
    const settled = model().hookRecords().length;
    expect((await model().sim('config', 'marker=gamma')).exitCode).toBe(0);
    await model().wait();
    expect(model().hookRecords().length).toBe(settled);
    expect(await model().sim('config', 'marker')).toMatchObject({ stdout: 'gamma\n' });
  });
});
