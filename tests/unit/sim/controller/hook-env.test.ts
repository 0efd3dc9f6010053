import { describe, expect, it } from 'vitest';
import { hookEnv } from '../../../sim/controller/hook-env.js';
import type { UnitEnvBase } from '../../../sim/controller/hook-env.js';

const base: UnitEnvBase = {
  unit: 'etcd/1',
  machineId: '1',
  charmDir: '/sim/units/etcd-1/charm',
  modelName: 'sim',
  modelUuid: 'uuid',
  jujuVersion: '3.6.8',
  contextId: 'etcd/1-install-abc',
  socketAddress: '/sim/controller.sock',
  pathDirs: ['/sim/tools/hook-tools', '/sim/tools/snap/bin'],
  extra: { CHARMED_ETCD_ROOT: '/sim/units/etcd-1/root' },
  storageLocations: { 'data/1': '/sim/units/etcd-1/root/var/lib/etcd' },
};

describe('hookEnv', () => {
  it('builds the environment from scratch: no HOME, tools first on PATH, dispatch path last', () => {
    const env = hookEnv({ kind: 'hook', name: 'install' }, base);
    expect(env).not.toHaveProperty('HOME');
    expect(env['PATH']?.startsWith('/sim/tools/hook-tools:/sim/tools/snap/bin:')).toBe(true);
    expect(env['PATH']?.endsWith(':/usr/bin:/bin')).toBe(true);
    expect(env).toMatchObject({ JUJU_HOOK_NAME: 'install', JUJU_DISPATCH_PATH: 'hooks/install', JUJU_VERSION: '3.6.8', JUJU_AGENT_SOCKET_NETWORK: 'unix', CHARMED_ETCD_ROOT: '/sim/units/etcd-1/root' });
    expect(Object.keys(env).at(-1)).toBe('JUJU_DISPATCH_PATH');
  });

  it('sets relation variables, with the departing unit for departed hooks', () => {
    const env = hookEnv({ kind: 'hook', name: 'peers-relation-departed', relationId: 3, endpoint: 'peers', remoteApp: 'etcd', remoteUnit: 'etcd/0', departingUnit: 'etcd/1' }, base);
    expect(env).toMatchObject({ JUJU_RELATION: 'peers', JUJU_RELATION_ID: 'peers:3', JUJU_REMOTE_APP: 'etcd', JUJU_REMOTE_UNIT: 'etcd/0', JUJU_DEPARTING_UNIT: 'etcd/1' });
  });

  it('sets storage and secret variables', () => {
    expect(hookEnv({ kind: 'hook', name: 'data-storage-attached', storageId: 'data/1' }, base)).toMatchObject({
      JUJU_STORAGE_ID: 'data/1',
      JUJU_STORAGE_LOCATION: '/sim/units/etcd-1/root/var/lib/etcd',
      JUJU_STORAGE_KIND: 'filesystem',
    });
    expect(hookEnv({ kind: 'hook', name: 'secret-changed', secretId: 'd0000000000000000001' }, base)).toMatchObject({ JUJU_SECRET_ID: 'secret:d0000000000000000001', JUJU_SECRET_LABEL: '' });
  });

  it('gives actions an empty hook name and the action variables', () => {
    const env = hookEnv({ kind: 'action', id: '7', name: 'pre-refresh-check', params: {} }, base);
    expect(env).toMatchObject({ JUJU_HOOK_NAME: '', JUJU_DISPATCH_PATH: 'actions/pre-refresh-check', JUJU_ACTION_NAME: 'pre-refresh-check', JUJU_ACTION_UUID: '7', JUJU_ACTION_TAG: 'action-7' });
  });
});
