/** Event values and the exact hook environment Juju builds for them (contract §1.2–1.3). */
import { checkActionParams } from '../fake-juju/action-params.js';
import type { CharmFiles } from '../fake-juju/model.js';
import type { AnyRelation, Secret, Storage } from './state.js';
import { storageId } from './state.js';
import { agentEnv } from '../agent-env.js';

export interface HookEvent {
  readonly kind: 'hook';
  /** `install`, `etcd-peers-relation-changed`, `data-storage-attached`, ... */
  readonly name: string;
  readonly relation?: AnyRelation;
  /** Empty string for created/broken and app-bag changes. */
  readonly remoteUnit?: string;
  readonly departingUnit?: string;
  readonly storage?: Storage;
  readonly secret?: Secret;
  readonly secretRevision?: number;
}

export interface ActionEvent {
  readonly kind: 'action';
  readonly name: string;
  /** Numeric string, as Juju 3.x. */
  readonly id: string;
  /** Validated against actions.yaml, defaults filled. */
  readonly params: Readonly<Record<string, unknown>>;
}

export type HarnessEvent = HookEvent | ActionEvent;

/** Juju refused to queue the action: unknown action or params not matching actions.yaml. */
export class ActionParamsError extends Error {
  override name = 'ActionParamsError';
  readonly problems: readonly string[];
  constructor(action: string, problems: readonly string[]) {
    super(`cannot run action ${JSON.stringify(action)}: validation failed: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

const remoteAppOf = (relation: AnyRelation, appName: string): string =>
  relation.kind === 'peer' ? appName : relation.remoteApp;

const unitRef = (relation: AnyRelation, appName: string, unit: number | string): string =>
  typeof unit === 'number' ? `${remoteAppOf(relation, appName)}/${unit}` : unit;

const firstRemoteUnit = (relation: AnyRelation, appName: string): string | undefined => {
  const data = relation.kind === 'peer' ? relation.peersData : relation.remoteUnitsData;
  const first = Object.keys(data).map(Number).sort((a, b) => a - b)[0];
  return first === undefined ? undefined : `${remoteAppOf(relation, appName)}/${first}`;
};

export interface EventFactoryDeps {
  readonly charm: CharmFiles;
  readonly appName: string;
  readonly nextActionId: () => string;
}

/** Builds event values; reach it as `ctx.on`. */
export const createEventFactory = (deps: EventFactoryDeps) => {
  const hook = (name: string): HookEvent => ({ kind: 'hook', name });
  const relationEvent = (
    suffix: string,
    relation: AnyRelation,
    remoteUnit: string | undefined,
    departingUnit?: string,
  ): HookEvent => {
    const event: { -readonly [K in keyof HookEvent]: HookEvent[K] } = { kind: 'hook', name: `${relation.endpoint}-relation-${suffix}`, relation };
    if (remoteUnit !== undefined) event.remoteUnit = remoteUnit;
    if (departingUnit !== undefined) event.departingUnit = departingUnit;
    return event;
  };
  type UnitOption = { remoteUnit?: number | string };
  return {
    install: () => hook('install'),
    start: () => hook('start'),
    stop: () => hook('stop'),
    remove: () => hook('remove'),
    configChanged: () => hook('config-changed'),
    updateStatus: () => hook('update-status'),
    upgradeCharm: () => hook('upgrade-charm'),
    leaderElected: () => hook('leader-elected'),
    leaderSettingsChanged: () => hook('leader-settings-changed'),
    relationCreated: (relation: AnyRelation) => relationEvent('created', relation, ''),
    relationBroken: (relation: AnyRelation) => relationEvent('broken', relation, ''),
    /** `remoteUnit` (a unit number or name) is required; the checker refuses the event without it. */
    relationJoined: (relation: AnyRelation, options: UnitOption = {}) =>
      relationEvent('joined', relation, options.remoteUnit === undefined ? undefined : unitRef(relation, deps.appName, options.remoteUnit)),
    /** Defaults to the first remote unit; pass `remoteUnit: null` for a change of the remote app bag. */
    relationChanged: (relation: AnyRelation, options: { remoteUnit?: number | string | null } = {}) =>
      relationEvent(
        'changed',
        relation,
        options.remoteUnit === null
          ? ''
          : options.remoteUnit === undefined
            ? firstRemoteUnit(relation, deps.appName)
            : unitRef(relation, deps.appName, options.remoteUnit),
      ),
    /** `departingUnit` defaults to `remoteUnit`; pass this unit's name when this unit is leaving. */
    relationDeparted: (relation: AnyRelation, options: UnitOption & { departingUnit?: number | string } = {}) => {
      const remote = options.remoteUnit === undefined ? undefined : unitRef(relation, deps.appName, options.remoteUnit);
      const departing = options.departingUnit === undefined ? remote : unitRef(relation, deps.appName, options.departingUnit);
      return relationEvent('departed', relation, remote, departing);
    },
    storageAttached: (s: Storage): HookEvent => ({ kind: 'hook', name: `${s.name}-storage-attached`, storage: s }),
    storageDetaching: (s: Storage): HookEvent => ({ kind: 'hook', name: `${s.name}-storage-detaching`, storage: s }),
    secretChanged: (secret: Secret): HookEvent => ({ kind: 'hook', name: 'secret-changed', secret }),
    secretRotate: (secret: Secret): HookEvent => ({ kind: 'hook', name: 'secret-rotate', secret }),
    secretRemove: (secret: Secret, revision: number): HookEvent => ({ kind: 'hook', name: 'secret-remove', secret, secretRevision: revision }),
    secretExpired: (secret: Secret, revision: number): HookEvent => ({ kind: 'hook', name: 'secret-expired', secret, secretRevision: revision }),
    /**
     * An action with params checked as Juju checks them when queueing.
     * Throws {@link ActionParamsError} for an unknown action or bad params.
     */
    action: (name: string, params: Readonly<Record<string, unknown>> = {}): ActionEvent => {
      const spec = deps.charm.actions[name];
      if (!spec) throw new ActionParamsError(name, [`action ${JSON.stringify(name)} not defined`]);
      const checked = checkActionParams(spec, params);
      if (!checked.ok) throw new ActionParamsError(name, checked.problems);
      return { kind: 'action', name, id: deps.nextActionId(), params: checked.params };
    },
  };
};

export type EventFactory = ReturnType<typeof createEventFactory>;

export interface EnvBase {
  readonly unitName: string;
  readonly charmDir: string;
  readonly modelName: string;
  readonly modelUuid: string;
  readonly jujuVersion: string;
  readonly machineId: string;
  readonly contextId: string;
  readonly appName: string;
}

/** The complete environment Juju gives `dispatch` for `event` (nothing inherited from this process). */
export const eventEnv = (event: HarnessEvent, base: EnvBase): Record<string, string> => {
  const unitTag = base.unitName.replace('/', '-');
  const hookName = event.kind === 'hook' ? event.name : '';
  const env = agentEnv({
    unitName: base.unitName,
    charmDir: base.charmDir,
    contextId: base.contextId,
    hookName,
    socketAddress: `@/var/lib/juju/agents/unit-${unitTag}/agent.socket`,
    modelName: base.modelName,
    modelUuid: base.modelUuid,
    apiAddresses: '10.0.0.1:17070',
    machineId: base.machineId,
    jujuVersion: base.jujuVersion,
  });
  if (event.kind === 'action') {
    env['JUJU_ACTION_NAME'] = event.name;
    env['JUJU_ACTION_UUID'] = event.id;
    env['JUJU_ACTION_TAG'] = `action-${event.id}`;
    env['JUJU_DISPATCH_PATH'] = `actions/${event.name}`;
    return env;
  }
  if (event.relation) {
    env['JUJU_RELATION'] = event.relation.endpoint;
    env['JUJU_RELATION_ID'] = `${event.relation.endpoint}:${event.relation.id}`;
    env['JUJU_REMOTE_APP'] = event.relation.kind === 'peer' ? base.appName : event.relation.remoteApp;
    env['JUJU_REMOTE_UNIT'] = event.remoteUnit ?? '';
    if (event.departingUnit !== undefined) env['JUJU_DEPARTING_UNIT'] = event.departingUnit;
  }
  if (event.secret) {
    env['JUJU_SECRET_ID'] = `secret:${event.secret.id}`;
    env['JUJU_SECRET_LABEL'] = event.secret.owner ? (event.secret.label ?? '') : (event.secret.consumerLabel ?? '');
    if (event.secretRevision !== undefined) env['JUJU_SECRET_REVISION'] = String(event.secretRevision);
  }
  if (event.storage) {
    env['JUJU_STORAGE_ID'] = storageId(event.storage);
    env['JUJU_STORAGE_LOCATION'] = event.storage.location;
    env['JUJU_STORAGE_KIND'] = event.storage.kind;
  }
  // Last, as Juju appends it after the other variables.
  env['JUJU_DISPATCH_PATH'] = `hooks/${event.name}`;
  return env;
};
