/** "Now" tools: status, workload version and logging take effect at once. */
import { compareUnitNames } from '../model.js';
import type { LogLevel, StoredStatus, WorkloadStatusName } from '../model.js';
import { liveUnit, relationKey, snapshotRelation } from '../scope.js';
import { atMost, boolFlag, failure, flagBool, flagString, stringFlag, usage } from './tool.js';
import type { ToolDef } from './tool.js';

const SETTABLE = ['maintenance', 'blocked', 'waiting', 'active'] as const;

export const statusSet: ToolDef = {
  name: 'status-set',
  synopsis: '[options] <maintenance | blocked | waiting | active> [message]',
  purpose: 'set status information',
  flags: [boolFlag('application')],
  run(call) {
    const status = call.args[0];
    if (status === undefined) throw usage('invalid args, require <status> [message]');
    if (!(SETTABLE as readonly string[]).includes(status)) {
      throw usage(`invalid status ${JSON.stringify(status)}, expected one of [${SETTABLE.join(' ')}]`);
    }
    atMost(call, 2);
    const { scope } = call;
    const value: StoredStatus = { status: status as WorkloadStatusName, message: call.args[1] ?? '', data: {}, since: scope.now() };
    if (flagBool(call, 'application')) {
      if (!scope.isLeader) throw failure('this unit is not the leader');
      scope.model.application.status = value;
      scope.model.application.statusSetByCharm = true;
      scope.model.history.push({ kind: 'app-status', unit: scope.unitName, status: value.status, message: value.message, at: value.since });
    } else {
      const unit = liveUnit(scope);
      unit.workloadStatus = value;
      unit.statusSetByCharm = true;
      scope.model.history.push({ kind: 'unit-status', unit: scope.unitName, status: value.status, message: value.message, at: value.since });
    }
    return undefined;
  },
};

const details = (value: StoredStatus, includeData: boolean): Record<string, unknown> =>
  includeData
    ? { status: value.status, message: value.message, 'status-data': { ...value.data } }
    : { status: value.status };

export const statusGet: ToolDef = {
  name: 'status-get',
  synopsis: '[options] [<key>]',
  purpose: 'print status information',
  flags: [boolFlag('include-data'), boolFlag('application')],
  output: { default: 'smart', formats: ['smart', 'yaml', 'json'] },
  run(call) {
    atMost(call, 1);
    const { scope } = call;
    const includeData = flagBool(call, 'include-data');
    const smart = (flagString(call, 'format') ?? 'smart') === 'smart';
    const key = call.args[0];
    if (flagBool(call, 'application')) {
      if (!scope.isLeader) throw failure('finding application status: this unit is not the leader');
      const appStatus = details(scope.model.application.status, includeData);
      const units: Record<string, unknown> = {};
      for (const name of Object.keys(scope.model.units).sort(compareUnitNames)) {
        const unit = scope.model.units[name];
        if (unit) units[name] = details(unit.workloadStatus, includeData);
      }
      appStatus['units'] = units;
      return { 'application-status': appStatus };
    }
    const status = liveUnit(scope).workloadStatus;
    const all = details(status, includeData);
    if (key !== undefined) return all[key] ?? null;
    if (!includeData && smart) return status.status;
    return all;
  },
};

export const applicationVersionSet: ToolDef = {
  name: 'application-version-set',
  synopsis: '<new-version>',
  purpose: 'specify which version of the application is deployed',
  flags: [],
  run(call) {
    const version = call.args[0];
    if (version === undefined) throw usage('no version specified');
    atMost(call, 1);
    const { scope } = call;
    liveUnit(scope).workloadVersion = version;
    scope.model.history.push({ kind: 'workload-version', unit: scope.unitName, version, at: scope.now() });
    return undefined;
  },
};

const LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

export const jujuLog: ToolDef = {
  name: 'juju-log',
  synopsis: '[options] <message>',
  purpose: 'write a message to the juju log',
  flags: [boolFlag('debug'), stringFlag('l', 'log-level')],
  deprecatedFormat: true,
  run(call) {
    if (call.args.length === 0) throw usage('no message specified');
    const { scope } = call;
    const requested = (flagString(call, 'log-level') ?? (flagBool(call, 'debug') ? 'DEBUG' : 'INFO')).toUpperCase();
    let level: LogLevel = 'INFO';
    if ((LEVELS as readonly string[]).includes(requested)) level = requested as LogLevel;
    else if (requested === 'WARN') level = 'WARNING';
    else scope.model.logs.push({ unit: scope.unitName, level: 'WARNING', message: `Specified log level of ${JSON.stringify(requested)} is not valid`, at: scope.now() });
    const relation = scope.relationId === undefined ? undefined : snapshotRelation(scope, scope.relationId);
    const prefix = relation ? `${relationKey(relation)}: ` : '';
    scope.model.logs.push({ unit: scope.unitName, level, message: `${prefix}${call.args.join(' ')}`, at: scope.now() });
    return undefined;
  },
};
