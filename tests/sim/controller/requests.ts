/** The controller's answers to CLI requests. Each returns the reply body or throws an Error whose message the CLI prints. */
import { checkActionParams } from '../../../lib/juju/testing/fake-juju/action-params.js';
import { appUnits, relationKey } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { AppState, CoreUnit } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { ConfigValue } from '../../../lib/juju/testing/fake-juju/model.js';
import { addLocalCharm, storeCharm } from '../charm-store.js';
import type { CharmRef } from '../charm-store.js';
import type { SimHome } from '../home.js';
import { InputError, parseConfigValue } from '../parse.js';
import type { CharmSource, Request } from '../protocol.js';
import { installedSnap } from '../snapd/index.js';
import { buildStatus } from '../status.js';
import { faultPoint, injectFault } from './fault-requests.js';
import { unitPath } from './hook-env.js';
import type { Runtime } from './runtime.js';
import type { SimUnit } from './state.js';
import { charmFilesOf } from './topology.js';

export const charmFromSource = (home: SimHome, source: CharmSource): CharmRef =>
  'revision' in source ? storeCharm(home, source.revision, source.charm) : addLocalCharm(home, source.path);

/** The application verbs act on when none is named: the first one deployed (the charmed-etcd application in every existing use). */
export function primaryApp(runtime: Runtime): AppState {
  const app = Object.values(runtime.model.applications).find((a) => a.life === 'alive') ?? Object.values(runtime.model.applications)[0];
  if (!app) throw new InputError('no application deployed in this model (sim deploy first)');
  return app;
}

export function appNamed(runtime: Runtime, name: string | undefined): AppState {
  if (name === undefined) return primaryApp(runtime);
  const app = runtime.model.applications[name];
  if (!app) throw new InputError(`application ${JSON.stringify(name)} not found`);
  return app;
}

const liveUnit = (runtime: Runtime, name: string): CoreUnit => {
  const unit = runtime.model.units[name];
  if (!unit) throw new InputError(`unit ${JSON.stringify(name)} not found`);
  return unit;
};

const simUnit = (runtime: Runtime, name: string): SimUnit => {
  const unit = runtime.simUnit(name);
  if (!unit) throw new InputError(`unit ${JSON.stringify(name)} not found`);
  return unit;
};

/** `app/leader` or a unit name → the unit. Throws {@link InputError} for an unknown target. */
export function resolveTarget(runtime: Runtime, target: string): CoreUnit {
  if (target.endsWith('/leader')) {
    const app = target.slice(0, -7);
    if (!runtime.model.applications[app]) throw new InputError(`application ${JSON.stringify(app)} not found`);
    const leader = appUnits(runtime.model, app).find((u) => u.juju.leader);
    if (!leader) throw new InputError(`application ${JSON.stringify(app)} has no leader`);
    return leader;
  }
  return liveUnit(runtime, target);
}

/** The effective config: user values over config.yaml defaults. */
function effectiveConfig(app: AppState): Record<string, ConfigValue | null> {
  const out: Record<string, ConfigValue | null> = {};
  for (const [key, option] of Object.entries(app.application.charm.config)) out[key] = app.config[key] ?? option.default ?? null;
  return out;
}

/** Validates and applies config changes; config-changed on every unit of the application when something changed. */
export function applyConfig(runtime: Runtime, appName: string | undefined, set: readonly string[], reset: readonly string[]): Record<string, unknown> {
  const app = appNamed(runtime, appName);
  const options = app.application.charm.config;
  const values: Record<string, ConfigValue> = {};
  for (const pair of set) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`expected "key=value", got ${JSON.stringify(pair)}`);
    values[pair.slice(0, eq)] = parseConfigValue(options, pair.slice(0, eq), pair.slice(eq + 1));
  }
  for (const key of reset) if (!options[key]) throw new InputError(`unknown option ${JSON.stringify(key)}`);
  const { changed } = runtime.dispatch({ kind: 'config', app: app.name, set: values, reset });
  return { changed, config: effectiveConfig(appNamed(runtime, app.name)) };
}

/** `APP[:ENDPOINT]`. */
const endpointArg = (text: string): { app: string; endpoint?: string } => {
  const [app, endpoint] = text.split(':', 2) as [string, string | undefined];
  return endpoint === undefined || endpoint === '' ? { app } : { app, endpoint };
};

/** The relation `remove-relation` names: an id, or two `APP[:ENDPOINT]`s. */
function relationToRemove(runtime: Runtime, a: string, b: string | undefined): number {
  if (b === undefined) {
    if (!/^\d+$/.test(a)) throw new InputError(`usage: sim remove-relation APP[:ENDPOINT] APP[:ENDPOINT] | RELATION_ID`);
    return Number(a);
  }
  const sides = [endpointArg(a), endpointArg(b)];
  const matches = runtime.model.relations.filter(
    (r) => !r.dying && r.ends.length === 2 && sides.every((s) => r.ends.some((e) => e.app === s.app && (s.endpoint === undefined || e.endpoint === s.endpoint))),
  );
  if (matches.length === 0) throw new InputError(`relation between ${JSON.stringify(a)} and ${JSON.stringify(b)} not found`);
  if (matches.length > 1) throw new InputError(`ambiguous relation: ${matches.map((r) => JSON.stringify(relationKey(r))).join('; ')}`);
  return (matches[0] as { id: number }).id;
}

/** `sim deploy`: a new application of a charm in the store, with its first units. */
export function deployApp(runtime: Runtime, req: Extract<Request, { type: 'deploy' }>): Record<string, unknown> {
  const charm = charmFromSource(runtime.home, req.source);
  const files = charmFilesOf(runtime.home, charm);
  const app = req.app ?? files.metadata.name;
  const reply = runtime.dispatch({ kind: 'deploy', app, charm, files, units: 0 });
  if (req.config.length > 0) applyConfig(runtime, app, req.config, []);
  const units = req.units > 0 ? (runtime.dispatch({ kind: 'add-unit', app, units: req.units })['units'] as string[]) : [];
  return { ...reply, units };
}

/** Handles every request but `shutdown` and the hook-tool ones. */
export async function handleRequest(runtime: Runtime, req: Request): Promise<Record<string, unknown>> {
  const { home, model } = runtime;
  switch (req.type) {
    case 'deploy':
      return deployApp(runtime, req);
    case 'add-unit':
      return runtime.dispatch({ kind: 'add-unit', app: appNamed(runtime, req.app).name, units: req.units });
    case 'remove-unit':
      for (const name of req.units) liveUnit(runtime, name);
      return runtime.dispatch({ kind: 'remove-unit', units: req.units });
    case 'remove-application':
      return runtime.dispatch({ kind: 'remove-application', app: appNamed(runtime, req.app).name });
    case 'integrate':
      return runtime.dispatch({ kind: 'integrate', a: endpointArg(req.a), b: endpointArg(req.b) });
    case 'remove-relation':
      return { ...runtime.dispatch({ kind: 'remove-relation', relationId: relationToRemove(runtime, req.a, req.b) }) };
    case 'config':
      return applyConfig(runtime, req.app, req.set, req.reset);
    case 'run': {
      const unit = resolveTarget(runtime, req.target);
      const spec = model.applications[unit.app]?.application.charm.actions[req.action];
      if (!spec) throw new InputError(`action ${JSON.stringify(req.action)} not defined on unit ${JSON.stringify(unit.name)}`);
      const checked = checkActionParams(spec, req.params);
      if (!checked.ok) throw new InputError(`validation failed: ${checked.problems.join('; ')}`);
      const { id } = runtime.dispatch({ kind: 'run-action', unit: unit.name, action: req.action, params: checked.params });
      return { outcome: await runtime.waitForAction(String(id)) };
    }
    case 'refresh': {
      const app = appNamed(runtime, req.app);
      const charm = charmFromSource(home, req.source);
      if (charm.url === app.charm.url) throw new InputError(`already running charm ${JSON.stringify(charm.url)}`);
      const files = charmFilesOf(home, charm);
      if (files.metadata.name !== app.application.charm.metadata.name) {
        throw new InputError(`cannot refresh ${JSON.stringify(app.name)} to a charm named ${JSON.stringify(files.metadata.name)}`);
      }
      return runtime.dispatch({ kind: 'refresh', app: app.name, charm, files });
    }
    case 'status':
      return {
        status: buildStatus(runtime.state, (root) => {
          const installed = installedSnap(root);
          return installed ? { revision: installed.revision, version: installed.version } : undefined;
        }, new Set(runtime.hooks.running().map((c) => c.unit))),
      };
    case 'idle':
      return runtime.idle();
    case 'resolved':
      liveUnit(runtime, req.unit);
      return runtime.dispatch({ kind: 'resolved', unit: req.unit, noRetry: req.noRetry });
    case 'fail-next-hook': {
      const unit = simUnit(runtime, req.unit);
      unit.failNext = req.hook === undefined ? {} : { hook: req.hook };
      runtime.save();
      return {};
    }
    case 'inject-fault':
      return injectFault(runtime, simUnit(runtime, req.unit), req.fault);
    case 'fault-point':
      return faultPoint(runtime, req);
    case 'update-status':
      // On demand, as the interval timer does it (benchmarks): started units only; none named = all.
      for (const name of req.units) liveUnit(runtime, name);
      return runtime.dispatch({ kind: 'update-status', units: req.units });
    case 'set-address':
      return runtime.dispatch({ kind: 'set-address', unit: liveUnit(runtime, req.unit).name, address: req.address });
    case 'unit-info': {
      const unit = simUnit(runtime, req.unit);
      return {
        unit: unit.name,
        root: unit.root,
        charmDir: unit.charmDir,
        address: liveUnit(runtime, req.unit).address,
        env: { PATH: unitPath([home.snapToolsDir]), ...runtime.unitExtraEnv(unit), JUJU_UNIT_NAME: unit.name },
      };
    }
    case 'add-secret':
      return runtime.dispatch({ kind: 'add-secret', name: req.name, content: req.content });
    case 'grant-secret':
      return runtime.dispatch({ kind: 'grant-secret', name: req.name, app: req.app });
    case 'update-secret':
      return runtime.dispatch({ kind: 'update-secret', name: req.name, content: req.content });
    case 'open-context': {
      const unit = liveUnit(runtime, req.unit);
      const relation = req.relationId === undefined ? undefined : model.relations.find((r) => r.id === req.relationId);
      if (req.relationId !== undefined && !relation) throw new InputError(`relation ${req.relationId} not found`);
      const side = relation && (relation.ends.find((e) => e.app === unit.app) ?? relation.ends[0]);
      const remote = relation && (relation.ends.find((e) => e.app !== unit.app) ?? side);
      const ctx = runtime.openSeamContext(unit.name, {
        kind: 'hook',
        name: req.hook,
        ...(relation && side && remote ? { relationId: relation.id, endpoint: side.endpoint, remoteApp: remote.app, remoteUnit: req.remoteUnit ?? '' } : {}),
      });
      return { contextId: ctx.id, env: ctx.env };
    }
    case 'close-context': {
      const ctx = runtime.contexts.get(req.contextId);
      if (!ctx) throw new InputError(`context ${JSON.stringify(req.contextId)} not found`);
      return runtime.closeSeamContext(ctx, req.exitCode);
    }
    default:
      throw new InputError(`request ${JSON.stringify(req.type)} is not handled here`);
  }
}
