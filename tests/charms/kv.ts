/**
 * The logic both kv test charms share: route one event, write what the role
 * writes, answer the `read` and `write` actions. Written against lib/juju only.
 */
import { z } from 'zod';
import { parseJujuContext } from '../../lib/juju/context.js';
import type { CharmMain } from '../../lib/juju/host.js';
import { Model } from '../../lib/juju/model.js';
import type { Relation } from '../../lib/juju/model/relation.js';

export const ENDPOINT = 'kv';

export type Role = 'provider' | 'requirer';

const WriteParams = z.object({ key: z.string().min(1), value: z.string(), app: z.boolean().default(false) });

/** What the unit sees of each kv relation now: the remote app bag and each remote unit's bag. */
async function snapshot(relations: readonly Relation[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const relation of relations) {
    const units: Record<string, unknown> = {};
    for (const unit of await relation.units()) units[unit] = await relation.unitData(unit).read();
    out[relation.idString] = { 'remote-app': await relation.remoteApp(), app: await (await relation.remoteAppData()).read(), units, own: await relation.localUnitData.read() };
  }
  return out;
}

/** The role's writes for one relation in a hook. */
async function serve(model: Model, role: Role, relation: Relation, config: Readonly<Record<string, unknown>>): Promise<void> {
  const leader = await model.isLeader();
  if (role === 'requirer') {
    relation.localUnitData.set('unit', model.unitName);
    const request = typeof config['request'] === 'string' ? config['request'] : '';
    if (leader && request !== '') relation.localAppData.set('request', request);
    return;
  }
  relation.localUnitData.set('served-by', model.unitName);
  const request = await (await relation.remoteAppData()).get('request');
  if (leader && request !== undefined) relation.localAppData.set('answer', `${String(config['prefix'] ?? '')}${request}`);
}

async function route(model: Model, role: Role): Promise<void> {
  const event = model.context.event;
  const relations = await model.relations(ENDPOINT);
  if (event.kind === 'action') {
    const action = model.action;
    if (!action) return;
    if (event.name === 'read') action.setResults({ relations: JSON.stringify(await snapshot(relations)) });
    if (event.name === 'write') {
      const { key, value, app } = await action.params(WriteParams);
      for (const relation of relations) (app ? relation.localAppData : relation.localUnitData).set(key, value);
      action.setResults({ written: String(relations.length) });
    }
    return;
  }
  // A broken relation is no longer listed by relation-ids (contract §3.2): the status below says so.
  const config = await model.rawConfig();
  for (const relation of relations) await serve(model, role, relation, config);
  if (role === 'requirer') {
    const answers = await Promise.all(relations.map(async (r) => (await r.remoteAppData()).get('answer')));
    const answer = answers.find((a) => a !== undefined);
    model.unitStatus.set(answer === undefined ? { name: 'waiting', message: relations.length === 0 ? 'no kv relation' : 'no answer yet' } : { name: 'active', message: `answer: ${answer}` });
  } else {
    model.unitStatus.set({ name: 'active', message: `serving ${relations.length} relation(s)` });
  }
}

/** The charm's main: routes the event and flushes; a hook-tool refusal exits 1 with the error on stderr. */
export const kvCharm =
  (role: Role): CharmMain =>
  async (host) => {
    const stderr = host.stderr ?? process.stderr;
    try {
      const model = new Model(parseJujuContext(host.env), host.tools);
      await route(model, role);
      await model.flush();
      return 0;
    } catch (error) {
      stderr.write(`kv-${role}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  };
