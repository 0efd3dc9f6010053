/**
 * A whole model: charmed-etcd with two test charms (tests/charms) related to each other,
 * driven through the CLI as an operator would. Data flows both ways with Juju's commit
 * rules and scopes: the requirer's leader asks in its app bag, the provider's leader answers
 * in its own, every unit writes its unit bag, remote data is seen in -relation-changed, a
 * non-leader's app write is refused, and the relation ends with departed then broken.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTestCharm } from '../../charms/build.js';
import { useSimModel } from '../../sim/testing.js';
import type { HookRecord, SimModel } from '../../sim/testing.js';

const model = useSimModel({ units: 1 });
const REQ = 'kv-requirer';
const PROV = 'kv-provider';

const eventsOf = (records: readonly HookRecord[], unit: string): string[] => records.filter((r) => r.unit === unit).map((r) => r.event);

/** The exit code, with the CLI's stderr in the failure message. */
async function ok(pending: Promise<{ exitCode: number; stderr: string }>): Promise<number> {
  const r = await pending;
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r.exitCode;
}

/** `sim run UNIT read`: what the unit sees of its kv relations now. */
async function seen(m: SimModel, unit: string): Promise<Record<string, { 'remote-app': string; app: Record<string, string>; units: Record<string, Record<string, string>>; own: Record<string, string> }>> {
  const r = await m.sim('run', unit, 'read', '--format', 'json');
  expect(r.exitCode, r.stderr).toBe(0);
  return JSON.parse((JSON.parse(r.stdout) as { results: { relations: string } }).results.relations);
}

describe('several applications related to each other', () => {
  it('deploys two test charms of two different charms next to charmed-etcd', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kv-charms-'));
    const provider = await buildTestCharm(PROV, path.join(dir, PROV));
    const requirer = await buildTestCharm(REQ, path.join(dir, REQ));
    expect(await ok(model().sim('deploy', provider, '-n', '2'))).toBe(0);
    const r = await model().sim('deploy', requirer, REQ, '-n', '2', '--config', 'request=cats');
    expect(r.exitCode, r.stderr).toBe(0);
    await model().wait();
    const status = await model().status();
    expect(Object.keys(status.applications)).toEqual(['charmed-etcd', PROV, REQ]);
    // The fields every existing script reads stay the charmed-etcd application's.
    expect(status.application.name).toBe('charmed-etcd');
    expect(Object.keys(status.units)).toEqual(['charmed-etcd/0']);
    expect(Object.keys(status.applications[REQ]?.units ?? {})).toEqual([`${REQ}/0`, `${REQ}/1`]);
    expect(status.applications[REQ]?.units[`${REQ}/0`]).toMatchObject({ 'workload-status': 'waiting', message: 'no kv relation', leader: true });
    expect(status.applications[PROV]?.units[`${PROV}/1`]?.address).toMatch(/\.12$/);
  });

  it('integrate: created then joined/changed for every remote unit on both sides; data flows both ways', async () => {
    const r = await model().sim('integrate', REQ, `${PROV}:kv`);
    expect(r.exitCode, r.stderr).toBe(0);
    await model().wait();
    const records = model().hookRecords();
    const req0 = eventsOf(records, `${REQ}/0`);
    const created = req0.indexOf('kv-relation-created');
    expect(created).toBeGreaterThan(req0.indexOf('start'));
    expect(req0.slice(created).filter((e) => e === 'kv-relation-joined')).toHaveLength(2);
    expect(eventsOf(records, `${PROV}/1`).filter((e) => e === 'kv-relation-joined')).toHaveLength(2);

    const status = await model().status();
    expect(status.relations.filter((x) => x.type === 'regular')).toEqual([expect.objectContaining({ provider: `${PROV}:kv`, requirer: `${REQ}:kv`, interface: 'sim-kv', status: 'joined' })]);
    expect(status.applications[REQ]?.relations['kv']).toEqual([{ 'related-application': PROV, interface: 'sim-kv', scope: 'global' }]);
    const table = (await model().sim('status')).stdout;
    expect(table).toMatch(/^kv-requirer\/0\*\s+active\s+idle\s/m);
    expect(table).toMatch(/^kv-provider:kv\s+kv-requirer:kv\s+sim-kv\s+regular/m);
    // Remote data seen in -relation-changed: the provider's leader answered the requirer leader's request.
    for (const unit of [`${REQ}/0`, `${REQ}/1`]) expect(status.applications[REQ]?.units[unit]).toMatchObject({ 'workload-status': 'active', message: 'answer: answer-to-cats' });

    const [fromProvider] = Object.values(await seen(model(), `${PROV}/1`));
    expect(fromProvider?.['remote-app']).toBe(REQ);
    expect(fromProvider?.app).toEqual({ request: 'cats' });
    expect(Object.keys(fromProvider?.units ?? {})).toEqual([`${REQ}/0`, `${REQ}/1`]);
    expect(fromProvider?.units[`${REQ}/1`]).toMatchObject({ unit: `${REQ}/1`, 'private-address': expect.stringMatching(/^127\./) });
    const [fromRequirer] = Object.values(await seen(model(), `${REQ}/1`));
    expect(fromRequirer?.app).toEqual({ answer: 'answer-to-cats' });
    expect(fromRequirer?.units[`${PROV}/0`]?.['served-by']).toBe(`${PROV}/0`);
  });

  it('only the leader writes its app bag; unit bags and leader writes reach the other side', async () => {
    const refused = await model().sim('run', `${REQ}/1`, 'write', 'key=x', 'value=y', 'app=true');
    expect(refused.exitCode, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('cannot write relation settings');
    expect(await ok(model().sim('run', `${REQ}/1`, 'write', 'key=note', 'value=hi'))).toBe(0);
    expect(await ok(model().sim('run', `${REQ}/leader`, 'write', 'key=extra', 'value=one', 'app=true'))).toBe(0);
    await model().wait();
    const [fromProvider] = Object.values(await seen(model(), `${PROV}/0`));
    expect(fromProvider?.app).toEqual({ request: 'cats', extra: 'one' });
    expect(fromProvider?.units[`${REQ}/1`]?.['note']).toBe('hi');
    // A change of config on one side is answered by the other, seen in -relation-changed.
    expect(await ok(model().sim('config', '--app', REQ, 'request=dogs'))).toBe(0);
    await model().wait();
    const status = await model().status();
    expect(status.applications[REQ]?.units[`${REQ}/0`]?.message).toBe('answer: answer-to-dogs');
  });

  it('remove-relation: each side sees the other depart, then -broken; the relation goes', async () => {
    const before = model().hookRecords().length;
    expect(await ok(model().sim('remove-relation', REQ, PROV))).toBe(0);
    await model().wait();
    const after = model().hookRecords().slice(before);
    const req0 = eventsOf(after, `${REQ}/0`);
    expect(req0.filter((e) => e === 'kv-relation-departed')).toHaveLength(2);
    expect(req0.indexOf('kv-relation-broken')).toBeGreaterThan(req0.lastIndexOf('kv-relation-departed'));
    expect(eventsOf(after, `${PROV}/0`).at(-1)).toBe('kv-relation-broken');
    const status = await model().status();
    expect(status.relations.filter((x) => x.type === 'regular')).toEqual([]);
    expect(status.applications[REQ]?.units[`${REQ}/0`]?.message).toBe('no kv relation');
  });

  it('remove-application: the related units see it depart and break; its units tear down and it leaves the model', async () => {
    expect(await ok(model().sim('integrate', PROV, REQ))).toBe(0);
    await model().wait();
    const before = model().hookRecords().length;
    expect(await ok(model().sim('remove-application', PROV))).toBe(0);
    await model().wait();
    const after = model().hookRecords().slice(before);
    expect(eventsOf(after, `${REQ}/1`)).toEqual(['kv-relation-departed', 'kv-relation-departed', 'kv-relation-broken']);
    expect(eventsOf(after, `${PROV}/0`).slice(-2)).toEqual(['stop', 'remove']);
    const status = await model().status();
    expect(Object.keys(status.applications)).toEqual(['charmed-etcd', REQ]);
    expect(status.application).toMatchObject({ name: 'charmed-etcd', scale: 1 });
  });
});
