/** The controller's answers to CLI requests. Each returns the reply body or throws an Error whose message the CLI prints. */
import { checkActionParams } from '../../../lib/juju/testing/fake-juju/action-params.js';
import { nextSecretId, secretUri } from '../../../lib/juju/testing/fake-juju/model.js';
import type { ConfigValue } from '../../../lib/juju/testing/fake-juju/model.js';
import { addLocalCharm, storeCharm } from '../charm-store.js';
import type { CharmRef } from '../charm-store.js';
import type { SimHome } from '../home.js';
import { InputError, parseConfigValue } from '../parse.js';
import type { CharmSource, Request } from '../protocol.js';
import { installedSnap, killDaemon } from '../snapd/index.js';
import { buildStatus } from '../status.js';
import type { Engine } from './engine.js';
import { enqueueFront, eventLabel, refreshSequence } from './events.js';
import { describeFault, faultFailureMessage, faultMatches } from './faults.js';
import { unitPath } from './hook-env.js';
import type { SimUnit } from './state.js';
import { addUnits, charmFilesOf } from './topology.js';

export const charmFromSource = (home: SimHome, source: CharmSource): CharmRef =>
  'revision' in source ? storeCharm(home, source.revision) : addLocalCharm(home, source.path);

const liveUnit = (engine: Engine, name: string): SimUnit => {
  const unit = engine.state.units[name];
  if (!unit) throw new InputError(`unit ${JSON.stringify(name)} not found`);
  return unit;
};

/** `app/leader` or a unit name → the unit. Throws {@link InputError} for an unknown target. */
export function resolveTarget(engine: Engine, target: string): SimUnit {
  const app = engine.model.application.name;
  if (target === `${app}/leader`) {
    const leader = Object.values(engine.model.units).find((u) => u.leader);
    if (!leader) throw new InputError(`application ${JSON.stringify(app)} has no leader`);
    return liveUnit(engine, leader.name);
  }
  if (target.endsWith('/leader')) throw new InputError(`application ${JSON.stringify(target.slice(0, -7))} not found`);
  return liveUnit(engine, target);
}

/** The effective config: user values over config.yaml defaults. */
function effectiveConfig(engine: Engine): Record<string, ConfigValue | null> {
  const out: Record<string, ConfigValue | null> = {};
  for (const [key, option] of Object.entries(engine.model.application.charm.config)) {
    out[key] = engine.model.config[key] ?? option.default ?? null;
  }
  return out;
}

/** Validates and applies config changes; config-changed on every unit when something changed. */
export function applyConfig(engine: Engine, set: readonly string[], reset: readonly string[]): Record<string, unknown> {
  const options = engine.model.application.charm.config;
  const values: Record<string, ConfigValue> = {};
  for (const pair of set) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError(`expected "key=value", got ${JSON.stringify(pair)}`);
    values[pair.slice(0, eq)] = parseConfigValue(options, pair.slice(0, eq), pair.slice(eq + 1));
  }
  for (const key of reset) if (!options[key]) throw new InputError(`unknown option ${JSON.stringify(key)}`);
  const before = JSON.stringify(effectiveConfig(engine));
  Object.assign(engine.model.config, values);
  for (const key of reset) delete engine.model.config[key];
  const changed = before !== JSON.stringify(effectiveConfig(engine));
  if (changed) for (const unit of engine.aliveUnits()) engine.queue(unit.name, [{ kind: 'hook', name: 'config-changed' }]);
  engine.save();
  return { changed, config: effectiveConfig(engine) };
}

const findNamedSecret = (engine: Engine, name: string) => {
  const secret = engine.model.secrets.find((s) => s.owner.kind === 'model' && s.name === name);
  if (!secret) throw new InputError(`secret ${JSON.stringify(name)} not found`);
  return secret;
};

/** Handles every request but `deploy`, `shutdown` and the hook-tool ones. */
export async function handleRequest(engine: Engine, req: Request): Promise<Record<string, unknown>> {
  const { home, model } = engine;
  switch (req.type) {
    case 'add-unit':
      return { units: addUnits(engine, req.units) };
    case 'remove-unit': {
      const units = req.units.map((name) => liveUnit(engine, name));
      for (const unit of units) if (unit.dying) throw new InputError(`unit ${JSON.stringify(unit.name)} is already being removed`);
      for (const unit of units) engine.beginRemoval(unit);
      return { units: units.map((u) => u.name) };
    }
    case 'config':
      return applyConfig(engine, req.set, req.reset);
    case 'run': {
      const unit = resolveTarget(engine, req.target);
      const spec = model.application.charm.actions[req.action];
      if (!spec) throw new InputError(`action ${JSON.stringify(req.action)} not defined on unit ${JSON.stringify(unit.name)}`);
      const checked = checkActionParams(spec, req.params);
      if (!checked.ok) throw new InputError(`validation failed: ${checked.problems.join('; ')}`);
      model.counters.action += 1;
      const id = String(model.counters.action);
      unit.actions.push({ kind: 'action', id, name: req.action, params: checked.params });
      engine.save();
      engine.pump();
      return { outcome: await engine.waitForAction(id) };
    }
    case 'refresh': {
      const charm = charmFromSource(home, req.source);
      if (charm.url === engine.state.charm.url) throw new InputError(`already running charm ${JSON.stringify(charm.url)}`);
      const files = charmFilesOf(home, charm);
      if (files.metadata.name !== model.application.name) {
        throw new InputError(`cannot refresh ${JSON.stringify(model.application.name)} to a charm named ${JSON.stringify(files.metadata.name)}`);
      }
      engine.state.charm = charm;
      model.application.charm = files;
      model.application.charmRevision = charm.revision;
      for (const unit of engine.aliveUnits()) {
        engine.setUnitCharm(unit, charm);
        unit.queue = enqueueFront(unit.queue, refreshSequence(engine.state.settings.startAfterRefresh), engine.taken(unit));
      }
      engine.save();
      engine.pump();
      return { charm: charm.url, revision: charm.revision };
    }
    case 'status':
      return {
        status: buildStatus(
          engine.state,
          (root) => {
            const snap = installedSnap(root);
            return snap ? { revision: snap.revision, version: snap.version } : undefined;
          },
          engine.runningUnits(),
        ),
      };
    case 'idle':
      return engine.idle();
    case 'resolved':
      engine.resolve(liveUnit(engine, req.unit), req.noRetry);
      return {};
    case 'fail-next-hook': {
      const unit = liveUnit(engine, req.unit);
      unit.failNext = req.hook === undefined ? {} : { hook: req.hook };
      engine.save();
      return {};
    }
    case 'inject-fault': {
      const unit = liveUnit(engine, req.unit);
      const previous = unit.fault;
      if (req.fault === undefined) delete unit.fault;
      else unit.fault = req.fault;
      engine.log(unit.name, 'INFO', 'sim.inject-fault', req.fault === undefined ? 'fault cleared' : `armed: ${describeFault(req.fault)}`);
      engine.save();
      return previous === undefined ? {} : { previous };
    }
    case 'fault-point':
      return faultPoint(engine, req);
    case 'update-status': {
      // On demand, as the interval timer does it (benchmarks): started units only; none named = all.
      const units = req.units.length === 0 ? engine.aliveUnits() : req.units.map((name) => liveUnit(engine, name));
      const started = units.filter((u) => u.started);
      for (const unit of started) engine.queue(unit.name, [{ kind: 'hook', name: 'update-status' }]);
      return { units: started.map((u) => u.name) };
    }
    case 'unit-info': {
      const unit = liveUnit(engine, req.unit);
      return {
        unit: unit.name,
        root: unit.root,
        charmDir: unit.charmDir,
        address: unit.address,
        env: { PATH: unitPath([home.snapToolsDir]), ...engine.unitExtraEnv(unit), JUJU_UNIT_NAME: unit.name },
      };
    }
    case 'add-secret': {
      if (model.secrets.some((s) => s.owner.kind === 'model' && s.name === req.name)) throw new InputError(`secret with name ${JSON.stringify(req.name)} already exists`);
      const id = nextSecretId(model);
      model.secrets.push({ id, owner: { kind: 'model' }, name: req.name, revisions: [{ revision: 1, content: req.content, createdAt: new Date().toISOString() }], grants: [], consumers: {} });
      engine.save();
      return { uri: secretUri(id) };
    }
    case 'grant-secret': {
      const secret = findNamedSecret(engine, req.name);
      if (req.app !== model.application.name) throw new InputError(`application ${JSON.stringify(req.app)} not found`);
      if (!secret.grants.some((g) => g.scope === 'application' && g.subject === req.app)) secret.grants.push({ scope: 'application', subject: req.app });
      engine.save();
      return {};
    }
    case 'update-secret': {
      const secret = findNamedSecret(engine, req.name);
      const revision = (secret.revisions.at(-1)?.revision ?? 0) + 1;
      secret.revisions.push({ revision, content: req.content, createdAt: new Date().toISOString() });
      engine.secretChanged(secret.id, revision);
      engine.save();
      return { uri: secretUri(secret.id), revision };
    }
    case 'open-context': {
      const unit = liveUnit(engine, req.unit);
      const relation = req.relationId === undefined ? undefined : model.relations.find((r) => r.id === req.relationId);
      if (req.relationId !== undefined && !relation) throw new InputError(`relation ${req.relationId} not found`);
      const ctx = engine.openContext(unit, {
        kind: 'hook',
        name: req.hook,
        ...(relation ? { relationId: relation.id, endpoint: relation.endpoint, remoteApp: relation.remoteApp, remoteUnit: req.remoteUnit ?? '' } : {}),
      });
      return { contextId: ctx.id, env: ctx.env };
    }
    case 'close-context': {
      const ctx = engine.context(req.contextId);
      if (!ctx) throw new InputError(`context ${JSON.stringify(req.contextId)} not found`);
      const commit = engine.finishContext(ctx, req.exitCode);
      engine.save();
      return { commit };
    }
    default:
      throw new InputError(`request ${JSON.stringify(req.type)} is not handled here`);
  }
}

/**
 * The snap tool asks whether an injected fault fires at this command: the first match
 * disarms it. `kill-hook` SIGKILLs the hook's process group before answering (the
 * asking process included); `fail-hook` makes the running hook fail at its end;
 * `kill-workload` SIGKILLs the unit's etcd.
 */
function faultPoint(engine: Engine, req: Extract<Request, { type: 'fault-point' }>): Record<string, unknown> {
  const ctx = engine.context(req.contextId);
  const unit = ctx === undefined ? undefined : engine.state.units[ctx.unit];
  const fault = unit?.fault;
  if (ctx === undefined || unit === undefined || fault === undefined || !faultMatches(fault, req.argv, req.when)) return { do: 'none' };
  delete unit.fault;
  engine.log(unit.name, 'WARNING', 'sim.inject-fault', `fired: ${describeFault(fault)} in ${eventLabel(ctx.event)}`);
  engine.save();
  switch (fault.do) {
    case 'kill-hook':
      ctx.process?.kill('SIGKILL');
      return { do: 'kill-hook' };
    case 'fail-hook':
      if (ctx.event.kind === 'hook') unit.failNext = { hook: ctx.event.name };
      return { do: 'none' };
    case 'kill-workload': {
      const pid = killDaemon(unit.root);
      engine.log(unit.name, 'WARNING', 'sim.inject-fault', pid === undefined ? 'etcd was not running' : `killed etcd (pid ${pid})`);
      return { do: 'none' };
    }
    case 'fail':
      return { do: 'fail', message: faultFailureMessage(req.argv) };
  }
}
