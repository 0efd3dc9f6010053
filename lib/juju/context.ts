import { UNIT_NAME, unitNumber } from './unit-name.js';
import { JujuContextError } from './errors/juju-context-error.js';

/** The relation a relation hook is about. */
export interface RelationEventInfo {
  readonly endpoint: string;
  /** The integer after the last `:` of `JUJU_RELATION_ID`. */
  readonly id: number;
  /** `JUJU_RELATION_ID` as Juju sent it, e.g. `etcd-peers:3`; pass this to `-r`. */
  readonly idString: string;
  readonly remoteApp: string;
  /** Absent in `-created`/`-broken` and for changes of the remote app bag. */
  readonly remoteUnit?: string;
  /** Only in `-departed`; equal to this unit's name when this unit is leaving. */
  readonly departingUnit?: string;
}

export interface SecretEventInfo {
  readonly id: string;
  readonly label?: string;
  /** Only in `secret-remove` and `secret-expired`. */
  readonly revision?: number;
}

export interface StorageEventInfo {
  /** The storage name from metadata.yaml, e.g. `data`. */
  readonly name: string;
  /** The instance, e.g. `data/0`. */
  readonly id: string;
  readonly location: string;
  readonly kind: 'block' | 'filesystem';
}

export interface HookEvent {
  readonly kind: 'hook';
  /** The hook name, e.g. `install`, `etcd-peers-relation-changed`. */
  readonly name: string;
  readonly relation?: RelationEventInfo;
  readonly secret?: SecretEventInfo;
  readonly storage?: StorageEventInfo;
}

export interface ActionEvent {
  readonly kind: 'action';
  readonly name: string;
  readonly uuid: string;
}

export type JujuEvent = HookEvent | ActionEvent;

/** Everything Juju tells the charm through the environment, validated once. */
export interface JujuContext {
  /** e.g. `charmed-etcd/2` */
  readonly unitName: string;
  readonly unitNumber: number;
  readonly appName: string;
  readonly modelName: string;
  readonly modelUuid: string;
  /** e.g. `3.6.8` */
  readonly jujuVersion: string;
  readonly charmDir: string;
  /** `hooks/<name>` or `actions/<name>` */
  readonly dispatchPath: string;
  readonly machineId?: string;
  readonly event: JujuEvent;
}

type Env = Readonly<Record<string, string | undefined>>;

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const JUJU_VERSION = /^\d+\.\d+(?:[.-][0-9A-Za-z.+-]+)?$/;

const bad = (variable: string, value: string | undefined, expected: string): JujuContextError =>
  new JujuContextError(
    variable,
    value === undefined
      ? `${variable} is not set; ${expected}`
      : `${variable}=${JSON.stringify(value)} is invalid; ${expected}`,
  );

function required(env: Env, variable: string, expected: string, pattern?: RegExp): string {
  const value = env[variable];
  if (value === undefined || value === '' || (pattern !== undefined && !pattern.test(value))) {
    throw bad(variable, value, expected);
  }
  return value;
}

/** An optional variable: unset and empty both mean "absent", as Juju exports some of them empty. */
const optional = (env: Env, variable: string): string | undefined => {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : value;
};

function parseRelation(env: Env): RelationEventInfo | undefined {
  const endpoint = optional(env, 'JUJU_RELATION');
  if (endpoint === undefined) return undefined;
  const idString = required(env, 'JUJU_RELATION_ID', 'expected <endpoint>:<integer> in a relation hook', /^(?:[a-z0-9-]+:)?\d+$/);
  const id = Number(idString.slice(idString.lastIndexOf(':') + 1));
  const remoteApp = required(env, 'JUJU_REMOTE_APP', 'expected the remote application name in a relation hook', NAME);
  const remoteUnit = optional(env, 'JUJU_REMOTE_UNIT');
  if (remoteUnit !== undefined && !UNIT_NAME.test(remoteUnit)) throw bad('JUJU_REMOTE_UNIT', remoteUnit, 'expected <app>/<n>');
  const departingUnit = optional(env, 'JUJU_DEPARTING_UNIT');
  if (departingUnit !== undefined && !UNIT_NAME.test(departingUnit)) {
    throw bad('JUJU_DEPARTING_UNIT', departingUnit, 'expected <app>/<n>');
  }
  return {
    endpoint,
    id,
    idString,
    remoteApp,
    ...(remoteUnit === undefined ? {} : { remoteUnit }),
    ...(departingUnit === undefined ? {} : { departingUnit }),
  };
}

function parseSecret(env: Env): SecretEventInfo | undefined {
  const id = optional(env, 'JUJU_SECRET_ID');
  if (id === undefined) return undefined;
  const label = optional(env, 'JUJU_SECRET_LABEL');
  const revisionText = optional(env, 'JUJU_SECRET_REVISION');
  if (revisionText !== undefined && !/^\d+$/.test(revisionText)) {
    throw bad('JUJU_SECRET_REVISION', revisionText, 'expected a revision number');
  }
  return {
    id,
    ...(label === undefined ? {} : { label }),
    ...(revisionText === undefined ? {} : { revision: Number(revisionText) }),
  };
}

function parseStorage(env: Env): StorageEventInfo | undefined {
  const id = optional(env, 'JUJU_STORAGE_ID');
  if (id === undefined) return undefined;
  if (!/^[a-z][a-z0-9-]*\/\d+$/.test(id)) throw bad('JUJU_STORAGE_ID', id, 'expected <storage-name>/<n>');
  const location = required(env, 'JUJU_STORAGE_LOCATION', 'expected the storage mount point in a storage hook');
  const kind = required(env, 'JUJU_STORAGE_KIND', 'expected "block" or "filesystem"', /^(?:block|filesystem)$/);
  return { name: id.slice(0, id.indexOf('/')), id, location, kind: kind as StorageEventInfo['kind'] };
}

function parseEvent(env: Env, dispatchPath: string): JujuEvent {
  const match = /^(hooks|actions)\/([a-z0-9][a-z0-9-]*)$/.exec(dispatchPath);
  const [, dir, name] = match ?? [];
  if (dir === undefined || name === undefined) {
    throw bad('JUJU_DISPATCH_PATH', dispatchPath, 'expected hooks/<hook-name> or actions/<action-name>');
  }
  if (dir === 'actions') {
    const actionName = optional(env, 'JUJU_ACTION_NAME');
    if (actionName !== undefined && actionName !== name) {
      throw bad('JUJU_ACTION_NAME', actionName, `expected "${name}" to match JUJU_DISPATCH_PATH=${dispatchPath}`);
    }
    const uuid = required(env, 'JUJU_ACTION_UUID', 'expected the action id in an action');
    return { kind: 'action', name, uuid };
  }
  const relation = parseRelation(env);
  const secret = parseSecret(env);
  const storage = parseStorage(env);
  return {
    kind: 'hook',
    name,
    ...(relation === undefined ? {} : { relation }),
    ...(secret === undefined ? {} : { secret }),
    ...(storage === undefined ? {} : { storage }),
  };
}

/**
 * Reads the `JUJU_*` variables of one hook or action into a {@link JujuContext}.
 *
 * @throws {JujuContextError} when a mandatory variable (`JUJU_DISPATCH_PATH`,
 * `JUJU_UNIT_NAME`, `JUJU_MODEL_NAME`, `JUJU_MODEL_UUID`, `JUJU_VERSION`,
 * `JUJU_CHARM_DIR`, and the per-event ones of relation, storage and action
 * events) is missing or malformed; the message names the variable and its value.
 */
export function parseJujuContext(env: Env): JujuContext {
  const dispatchPath = required(env, 'JUJU_DISPATCH_PATH', 'expected hooks/<hook-name> or actions/<action-name>');
  const unitName = required(env, 'JUJU_UNIT_NAME', 'expected <app>/<n>', UNIT_NAME);
  const [, appName = ''] = UNIT_NAME.exec(unitName) ?? [];
  const modelName = required(env, 'JUJU_MODEL_NAME', 'expected the model name');
  const modelUuid = required(env, 'JUJU_MODEL_UUID', 'expected the model UUID');
  const jujuVersion = required(env, 'JUJU_VERSION', 'expected a version such as 3.6.8', JUJU_VERSION);
  const charmDir = optional(env, 'JUJU_CHARM_DIR') ?? optional(env, 'CHARM_DIR');
  if (charmDir === undefined) throw bad('JUJU_CHARM_DIR', env['JUJU_CHARM_DIR'], 'expected the charm directory');
  const machineId = optional(env, 'JUJU_MACHINE_ID');
  const event = parseEvent(env, dispatchPath);
  return {
    unitName,
    unitNumber: unitNumber(unitName),
    appName,
    modelName,
    modelUuid,
    jujuVersion,
    charmDir,
    dispatchPath,
    ...(machineId === undefined ? {} : { machineId }),
    event,
  };
}
