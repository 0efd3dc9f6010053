/**
 * The manual scheduler (`settings.manual`): the core starts nothing itself; the runtime names
 * the unit to run next with `run-next`, so an exploring test can drive every interleaving
 * while Juju's event order (queues, coalescing, joins, retries) stays the core's.
 */
import { describe, expect, it } from 'vitest';
import { cloneModel, emptyCoreModel, readyUnits, step, stepInPlace } from '../../../../lib/juju/testing/fake-juju/core/index.js';
import type { CoreModel, Input } from '../../../../lib/juju/testing/fake-juju/core/index.js';
import { emptyCommit } from '../../../../lib/juju/testing/fake-juju/commit.js';
import { charm } from './driver.js';

type Body = Input extends infer I ? (I extends { at: number } ? Omit<I, 'at'> : never) : never;

const peers = charm('peer', { peers: { cluster: { interface: 'peer-cluster' } } });

const manualModel = (retryScale = 0): CoreModel =>
  emptyCoreModel({ uuid: 'u', name: 'm', subnet: '127.1.3', unitsDir: '/nonexistent', settings: { retryScale, startAfterRefresh: false, updateStatusMs: 300_000, manual: true }, now: 1000 });

class Manual {
  constructor(public model: CoreModel) {}
  send(body: Body): { reply: Record<string, unknown>; kinds: string[] } {
    const result = step(this.model, { ...body, at: this.model.now } as Input);
    this.model = result.model;
    return { reply: result.reply, kinds: result.commands.map((c) => c.kind) };
  }
  /** Runs `unit`'s next event to the end with `exitCode`; returns its name. */
  run(unit: string, exitCode = 0): string {
    const { reply } = this.send({ kind: 'run-next', unit });
    this.send({ kind: 'hook-done', unit, exitCode, commit: emptyCommit(exitCode === 0) });
    return String(reply['event']);
  }
  queue(unit: string): string[] {
    return (this.model.units[unit]?.queue ?? []).map((h) => `${h.name}${h.remoteUnit ? ` ${h.remoteUnit}` : ''}`);
  }
}

describe('manual scheduler', () => {
  it('starts nothing by itself: deploy queues the setup sequence and waits for run-next', () => {
    const m = new Manual(manualModel());
    const { kinds } = m.send({ kind: 'deploy', app: 'peer', ...peers, units: 2 });
    expect(kinds).not.toContain('run');
    expect(readyUnits(m.model).map((u) => u.name)).toEqual(['peer/0', 'peer/1']);
    expect(m.queue('peer/1')).toEqual(['install', 'cluster-relation-created', 'leader-settings-changed', 'config-changed', 'start']);
  });

  it('runs the named unit only, and refuses a second event while one runs or when nothing is queued', () => {
    const m = new Manual(manualModel());
    m.send({ kind: 'deploy', app: 'peer', ...peers, units: 2 });
    expect(m.send({ kind: 'run-next', unit: 'peer/1' }).reply).toEqual({ event: 'install' });
    expect(() => m.send({ kind: 'run-next', unit: 'peer/0' })).toThrow('"peer/1" is running install');
    m.send({ kind: 'hook-done', unit: 'peer/1', exitCode: 0, commit: emptyCommit(true) });
    expect(m.queue('peer/0')[0]).toBe('install');
    for (let i = 0; i < 5; i++) m.run('peer/0');
    expect(() => m.send({ kind: 'run-next', unit: 'peer/0' })).toThrow('has nothing to run');
  });

  it('keeps the core\'s order: peers join (joined, then changed) once both entered scope, whichever ran first', () => {
    const m = new Manual(manualModel());
    m.send({ kind: 'deploy', app: 'peer', ...peers, units: 2 });
    m.run('peer/1');
    m.run('peer/1'); // cluster-relation-created: in scope, nobody else is yet
    expect(m.queue('peer/1')).toEqual(['leader-settings-changed', 'config-changed', 'start']);
    m.run('peer/0');
    m.run('peer/0');
    expect(m.queue('peer/0')).toEqual(['leader-elected', 'config-changed', 'start', 'cluster-relation-joined peer/1', 'cluster-relation-changed peer/1']);
    expect(m.queue('peer/1').slice(-2)).toEqual(['cluster-relation-joined peer/0', 'cluster-relation-changed peer/0']);
  });

  it('with retryScale 0 a failed hook is ready again at once, at the head, and actions go first', () => {
    const m = new Manual(manualModel(0));
    m.send({ kind: 'deploy', app: 'peer', ...peers, units: 1 });
    expect(m.run('peer/0', 1)).toBe('install');
    expect(m.model.units['peer/0']?.failure).toMatchObject({ attempts: 1 });
    expect(readyUnits(m.model).map((u) => u.name)).toEqual(['peer/0']);
    expect(m.run('peer/0')).toBe('install');
    m.send({ kind: 'run-action', unit: 'peer/0', action: 'go', params: {} });
    expect(m.run('peer/0')).toBe('action go (1)');
    expect(m.run('peer/0')).toBe('cluster-relation-created');
  });

  it('stepInPlace changes the given model to what step returns, and step leaves its input alone', () => {
    const m = new Manual(manualModel());
    m.send({ kind: 'deploy', app: 'peer', ...peers, units: 2 });
    const before = structuredClone(m.model);
    const pure = step(m.model, { kind: 'run-next', unit: 'peer/1', at: 2000 });
    expect(m.model).toEqual(before);
    const own = structuredClone(m.model);
    const inPlace = stepInPlace(own, { kind: 'run-next', unit: 'peer/1', at: 2000 });
    expect(inPlace.model).toBe(own);
    expect(own).toEqual(pure.model);
    expect(inPlace.commands).toEqual(pure.commands);
  });

  it('cloneModel copies deeply: the copy equals the model and shares no object with it', () => {
    const m = new Manual(manualModel());
    m.send({ kind: 'deploy', app: 'peer', ...peers, units: 2 });
    m.run('peer/0');
    const copy = cloneModel(m.model);
    expect(copy).toEqual(m.model);
    copy.units['peer/0']!.queue.length = 0;
    copy.relations[0]!.unitData['peer/0']!['x'] = 'y';
    expect(m.model.units['peer/0']?.queue.length).toBeGreaterThan(0);
    expect(m.model.relations[0]?.unitData['peer/0']?.['x']).toBeUndefined();
  });

  it('two refreshes before a unit acts are one upgrade-charm; a refresh while upgrade-charm runs is a second', () => {
    const m = new Manual(manualModel());
    m.send({ kind: 'deploy', app: 'peer', ...peers, units: 1 });
    while (readyUnits(m.model).length > 0) m.run('peer/0');
    const rev = (revision: number) => ({ ...peers, charm: { ...peers.charm, revision, url: `local:peer-${revision}` } });
    m.send({ kind: 'refresh', app: 'peer', ...rev(2) });
    m.send({ kind: 'refresh', app: 'peer', ...rev(3) });
    expect(m.queue('peer/0')).toEqual(['upgrade-charm', 'config-changed']);
    expect(m.send({ kind: 'run-next', unit: 'peer/0' }).reply).toEqual({ event: 'upgrade-charm' });
    m.send({ kind: 'refresh', app: 'peer', ...rev(4) });
    m.send({ kind: 'hook-done', unit: 'peer/0', exitCode: 0, commit: emptyCommit(true) });
    expect(m.queue('peer/0')).toEqual(['upgrade-charm', 'config-changed']);
  });
});
