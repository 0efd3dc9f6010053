/** Action tools. Results, failure and logs are "Now": they survive a failing exit. */
import type { ActionModel } from '../model.js';
import type { HookScope } from '../scope.js';
import { atMost, failure, splitKeyValue, usage } from './tool.js';
import type { ToolDef } from './tool.js';

const KEY_SEGMENT = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RESERVED = new Set(['stdout', 'stdout-encoding', 'stderr', 'stderr-encoding']);

/** Juju's default `action-fail` message. */
export const DEFAULT_ACTION_FAIL_MESSAGE = 'action failed without reason given, check action for errors';

const currentAction = (scope: HookScope): ActionModel => {
  const action = scope.model.action;
  if (!scope.env['JUJU_ACTION_NAME'] || !action || action.unit !== scope.unitName) throw failure('not running an action');
  return action;
};

export const actionGet: ToolDef = {
  name: 'action-get',
  synopsis: '[options] [<key>[.<key>.<key>...]]',
  purpose: 'get action parameters',
  flags: [],
  output: { default: 'smart', formats: ['smart', 'yaml', 'json'] },
  run(call) {
    atMost(call, 1);
    const action = currentAction(call.scope);
    const path = call.args[0];
    if (path === undefined) return structuredClone(action.params);
    let value: unknown = action.params;
    for (const segment of path.split('.')) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
      value = (value as Record<string, unknown>)[segment];
      if (value === undefined) return null;
    }
    return structuredClone(value);
  },
};

export const actionSet: ToolDef = {
  name: 'action-set',
  synopsis: '<key>=<value> [<key>=<value> ...]',
  purpose: 'set action results',
  flags: [],
  run(call) {
    const entries = call.args.map((arg) => {
      const [key, value] = splitKeyValue(arg, (a) => `argument ${JSON.stringify(a)} must be of the form key...=value`);
      const path = key.split('.');
      for (const segment of path) {
        if (!KEY_SEGMENT.test(segment)) {
          throw usage(`key ${JSON.stringify(segment)} must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`);
        }
        if (RESERVED.has(segment)) throw usage(`cannot set reserved action key ${JSON.stringify(segment)}`);
      }
      return { path, value };
    });
    const action = currentAction(call.scope);
    for (const { path, value } of entries) {
      let node = action.results;
      for (const segment of path.slice(0, -1)) {
        const next = node[segment];
        if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
        else node = node[segment] = {};
      }
      node[path[path.length - 1] as string] = value;
    }
    return undefined;
  },
};

export const actionFail: ToolDef = {
  name: 'action-fail',
  synopsis: '["<failure message>"]',
  purpose: 'set action fail status with message',
  flags: [],
  run(call) {
    atMost(call, 1);
    const action = currentAction(call.scope);
    action.failed = true;
    action.failMessage = call.args[0] ?? DEFAULT_ACTION_FAIL_MESSAGE;
    return undefined;
  },
};

export const actionLog: ToolDef = {
  name: 'action-log',
  synopsis: '<message>',
  purpose: 'record a progress message for the current action',
  flags: [],
  run(call) {
    if (call.args.length === 0) throw usage('no message specified');
    const { scope } = call;
    const action = currentAction(scope);
    const message = call.args.join(' ');
    action.logs.push(message);
    scope.model.history.push({ kind: 'action-log', unit: scope.unitName, actionId: action.id, message, at: scope.now() });
    return undefined;
  },
};
