/** The environment a Juju machine agent builds for a hook or action (contract §1.1–1.3), from scratch. */
import path from 'node:path';
import { agentEnv } from '../../../lib/juju/testing/agent-env.js';
import type { QueuedEvent } from './state.js';

export interface UnitEnvBase {
  readonly unit: string;
  readonly machineId: string;
  readonly charmDir: string;
  readonly modelName: string;
  readonly modelUuid: string;
  readonly jujuVersion: string;
  readonly contextId: string;
  readonly socketAddress: string;
  /** Directories in front of the system PATH: hook tools, then the snap tools. */
  readonly pathDirs: readonly string[];
  /** Extra variables for the simulator's unit (CHARMED_ETCD_ROOT, SIM_SNAP_STORE, ...). */
  readonly extra: Readonly<Record<string, string>>;
  /** Storage locations by id, for storage hooks. */
  readonly storageLocations: Readonly<Record<string, string>>;
}

/** PATH for a unit's processes: the given dirs, the running node's directory, /usr/bin:/bin. */
export const unitPath = (dirs: readonly string[]): string =>
  [...dirs, path.dirname(process.execPath), '/usr/bin', '/bin'].join(':');

/** The full environment for `event` on the unit; nothing comes from this process's env. */
export function hookEnv(event: QueuedEvent, base: UnitEnvBase): Record<string, string> {
  const env: Record<string, string> = {
    ...agentEnv({
      unitName: base.unit,
      charmDir: base.charmDir,
      contextId: base.contextId,
      hookName: event.kind === 'hook' ? event.name : '',
      socketAddress: base.socketAddress,
      modelName: base.modelName,
      modelUuid: base.modelUuid,
      apiAddresses: '127.0.0.1:17070',
      machineId: base.machineId,
      jujuVersion: base.jujuVersion,
    }),
    PATH: unitPath(base.pathDirs),
    ...base.extra,
  };
  if (event.kind === 'action') {
    env['JUJU_ACTION_NAME'] = event.name;
    env['JUJU_ACTION_UUID'] = event.id;
    env['JUJU_ACTION_TAG'] = `action-${event.id}`;
    env['JUJU_DISPATCH_PATH'] = `actions/${event.name}`;
    return env;
  }
  if (event.relationId !== undefined && event.endpoint !== undefined) {
    env['JUJU_RELATION'] = event.endpoint;
    env['JUJU_RELATION_ID'] = `${event.endpoint}:${event.relationId}`;
    env['JUJU_REMOTE_APP'] = event.remoteApp ?? '';
    env['JUJU_REMOTE_UNIT'] = event.remoteUnit ?? '';
    if (event.departingUnit !== undefined) env['JUJU_DEPARTING_UNIT'] = event.departingUnit;
  }
  if (event.secretId !== undefined) {
    env['JUJU_SECRET_ID'] = `secret:${event.secretId}`;
    env['JUJU_SECRET_LABEL'] = event.secretLabel ?? '';
    if (event.secretRevision !== undefined) env['JUJU_SECRET_REVISION'] = String(event.secretRevision);
  }
  if (event.storageId !== undefined) {
    env['JUJU_STORAGE_ID'] = event.storageId;
    env['JUJU_STORAGE_LOCATION'] = base.storageLocations[event.storageId] ?? '';
    env['JUJU_STORAGE_KIND'] = 'filesystem';
  }
  env['JUJU_DISPATCH_PATH'] = `hooks/${event.name}`;
  return env;
}
