/**
 * One application's view of the whole model, in the single-application
 * `FakeModel` shape the hook tools and the harness use. Nothing is copied:
 * units, databags, secrets, logs and counters are the core model's own
 * objects, read through accessors on every access, so a hook session's
 * "Now" effects and its commit land in the core model, and the view stays
 * right when the runtime replaces the model value after a `step`.
 */
import type { FakeModel, RelationModel, UnitModel } from '../model.js';
import type { CoreModel, CoreRelation, RelationEnd } from './types.js';

/** The end of `relation` that belongs to `app`, and the other end (the same one for peers). */
export function endsFor(relation: CoreRelation, app: string): { local: RelationEnd; remote: RelationEnd } | undefined {
  const local = relation.ends.find((e) => e.app === app);
  if (!local) return undefined;
  return { local, remote: relation.ends.find((e) => e.app !== app) ?? local };
}

/** The relation as `app`'s side sees it (shared databag objects, perspective fields filled). */
export function relationFor(relation: CoreRelation, app: string): RelationModel | undefined {
  const ends = endsFor(relation, app);
  if (!ends) return undefined;
  return {
    id: relation.id,
    endpoint: ends.local.endpoint,
    interface: relation.interface,
    peer: relation.ends.length === 1,
    remoteApp: ends.remote.app,
    remoteEndpoint: ends.remote.endpoint,
    appData: relation.appData,
    unitData: relation.unitData,
    joined: relation.joined,
    departed: relation.departed,
    dying: relation.dying,
  };
}

/**
 * The `FakeModel` application `app` sees. `action` is the view's own slot, so
 * each open hook context can hold its own running action.
 * Throws when the application is not in the model.
 */
export function appView(source: () => CoreModel, app: string): FakeModel {
  const core = (): CoreModel => source();
  const appState = () => {
    const state = core().applications[app];
    if (!state) throw new Error(`application ${app} is not in the model`);
    return state;
  };
  appState();
  const view = {} as FakeModel;
  const field = <K extends keyof FakeModel>(key: K, get: () => FakeModel[K], set?: (value: FakeModel[K]) => void): void => {
    Object.defineProperty(view, key, { enumerable: true, get, ...(set ? { set } : {}) });
  };
  field('uuid', () => core().uuid);
  field('name', () => core().name);
  field('jujuVersion', () => core().jujuVersion);
  field('application', () => appState().application);
  field('units', () => {
    const units: Record<string, UnitModel> = {};
    for (const unit of Object.values(core().units)) if (unit.app === app) units[unit.name] = unit.juju;
    return units;
  });
  field('config', () => appState().config);
  field('relations', () => core().relations.flatMap((r) => relationFor(r, app) ?? []));
  field('secrets', () => core().secrets, (v) => (core().secrets = v));
  field('logs', () => core().logs, (v) => (core().logs = v));
  field('history', () => core().history, (v) => (core().history = v));
  field('counters', () => core().counters);
  Object.defineProperty(view, 'action', { enumerable: true, writable: true, configurable: true, value: undefined });
  return view;
}
