import { compareUnitNames } from '../model.js';
import type { RelationModel } from '../model.js';
import { overlay, recordBagChanges } from '../scope.js';
import type { HookScope } from '../scope.js';
import {
  atMost,
  boolFlag,
  failure,
  flagBool,
  flagString,
  readSettingsFile,
  relationKey,
  resolveRelation,
  splitKeyValue,
  stringFlag,
  usage,
} from './tool.js';
import type { ToolDef } from './tool.js';

const FORMATS = { default: 'smart', formats: ['smart', 'yaml', 'json'] } as const;

/** This unit's bag in a relation, with the hook's pending writes. */
export const ownUnitBag = (scope: HookScope, relation: RelationModel): Record<string, string> =>
  overlay(relation.unitData[scope.unitName], scope.pending.relationUnit.get(relation.id));

/** This app's bag in a relation, with the hook's pending writes. */
export const ownAppBag = (scope: HookScope, relation: RelationModel): Record<string, string> =>
  overlay(relation.appData[scope.appName], scope.pending.relationApp.get(relation.id));

const isUnitName = (name: string): boolean => /^[a-z][a-z0-9-]*\/\d+$/.test(name);
const isAppName = (name: string): boolean => /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/.test(name);

export const relationIds: ToolDef = {
  name: 'relation-ids',
  synopsis: '[options] <name>',
  purpose: 'list all relation ids with the given relation name',
  flags: [],
  output: FORMATS,
  run(call) {
    atMost(call, 1);
    const endpoint = call.args[0] ?? call.scope.env['JUJU_RELATION'];
    if (!endpoint) throw usage('no endpoint name specified');
    return call.scope.snapshot.relations
      .filter((r) => r.endpoint === endpoint && !r.dying)
      .map(relationKey)
      .sort();
  },
};

export const relationList: ToolDef = {
  name: 'relation-list',
  synopsis: '[options]',
  purpose: 'list relation units',
  flags: [stringFlag('r', 'relation'), boolFlag('app')],
  output: FORMATS,
  run(call) {
    atMost(call, 0);
    const relation = resolveRelation(call);
    if (flagBool(call, 'app')) return relation.remoteApp;
    if (relation.dying) return [];
    return [...(relation.joined[call.scope.unitName] ?? [])].sort(compareUnitNames);
  },
};

export const relationGet: ToolDef = {
  name: 'relation-get',
  synopsis: '[options] <key> <unit id>',
  purpose: 'get relation settings',
  flags: [stringFlag('r', 'relation'), boolFlag('app')],
  output: FORMATS,
  run(call) {
    const { scope } = call;
    const relation = resolveRelation(call);
    let app = flagBool(call, 'app');
    let key = call.args[0];
    if (key === '-') key = undefined;
    let name = call.args[1] ?? scope.remoteUnit ?? '';
    atMost(call, 2);
    if (app && isUnitName(name)) name = name.slice(0, name.lastIndexOf('/'));
    if (name === '' && scope.remoteApp) {
      app = true;
      name = scope.remoteApp;
    }
    if (name === '') throw usage('no unit or application specified');
    if (!app && !isUnitName(name)) {
      if (isAppName(name)) throw usage(`expected unit name, got application name ${JSON.stringify(name)}`);
      throw usage(`invalid unit name ${JSON.stringify(name)}`);
    }
    const where = relationKey(relation);
    let bag: Record<string, string>;
    if (app) {
      if (name === scope.appName) {
        if (!relation.peer && !scope.isLeader) throw failure('permission denied');
        bag = ownAppBag(scope, relation);
      } else if (name === relation.remoteApp && relation.appData[name] !== undefined) {
        bag = { ...relation.appData[name] };
      } else if (name === relation.remoteApp) {
        bag = {};
      } else {
        throw failure(`cannot read settings for application ${JSON.stringify(name)} in relation ${JSON.stringify(where)}: application ${JSON.stringify(name)}: settings not found`);
      }
    } else if (name === scope.unitName) {
      bag = ownUnitBag(scope, relation);
    } else {
      const remote = relation.unitData[name];
      if (!remote) {
        throw failure(`cannot read settings for unit ${JSON.stringify(name)} in relation ${JSON.stringify(where)}: unit ${JSON.stringify(name)}: settings not found`);
      }
      bag = { ...remote };
    }
    return key === undefined ? bag : (bag[key] ?? null);
  },
};

export const relationSet: ToolDef = {
  name: 'relation-set',
  synopsis: '[options] key=value [key=value ...]',
  purpose: 'set relation settings',
  flags: [stringFlag('r', 'relation'), boolFlag('app'), stringFlag('file')],
  deprecatedFormat: true,
  run(call) {
    const { scope } = call;
    const relation = resolveRelation(call);
    const pairs = call.args.map((arg) => splitKeyValue(arg, (a) => `expected "key=value", got ${JSON.stringify(a)}`));
    const file = flagString(call, 'file');
    const settings = file === undefined ? {} : readSettingsFile(call, file);
    for (const [key, value] of pairs) settings[key] = value;
    if (flagBool(call, 'app')) {
      if (!scope.isLeader) throw failure('cannot write relation settings');
      recordBagChanges(scope.pending.relationApp, relation.id, settings);
    } else {
      recordBagChanges(scope.pending.relationUnit, relation.id, settings);
    }
    return undefined;
  },
};
