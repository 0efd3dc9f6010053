import { describe, expect, it } from 'vitest';
import { parseJujuContext } from '../../../../lib/juju/context.js';
import { isJujuContextError, JujuContextError } from '../../../../lib/juju/errors/juju-context-error.js';

const base = {
  JUJU_UNIT_NAME: 'charmed-etcd/2',
  JUJU_MODEL_NAME: 'prod',
  JUJU_MODEL_UUID: 'b0f1d9a2-1111-4c3e-8d7e-2a4e6f0c9a11',
  JUJU_VERSION: '3.6.8',
  JUJU_CHARM_DIR: '/var/lib/juju/agents/unit-charmed-etcd-2/charm',
  JUJU_HOOK_NAME: 'install',
  JUJU_DISPATCH_PATH: 'hooks/install',
  JUJU_CHARM_HTTP_PROXY: '',
  JUJU_CHARM_NO_PROXY: '',
};

const relationEnv = (hook: string, extra: Record<string, string> = {}) => ({
  ...base,
  JUJU_HOOK_NAME: hook,
  JUJU_DISPATCH_PATH: `hooks/${hook}`,
  JUJU_RELATION: 'etcd-peers',
  JUJU_RELATION_ID: 'etcd-peers:3',
  JUJU_REMOTE_APP: 'charmed-etcd',
  JUJU_REMOTE_UNIT: '',
  ...extra,
});

describe('parseJujuContext', () => {
  it('reads the identity of the unit and model', () => {
    const ctx = parseJujuContext(base);
    expect(ctx).toMatchObject({
      unitName: 'charmed-etcd/2',
      unitNumber: 2,
      appName: 'charmed-etcd',
      modelName: 'prod',
      modelUuid: base.JUJU_MODEL_UUID,
      jujuVersion: '3.6.8',
      charmDir: base.JUJU_CHARM_DIR,
      dispatchPath: 'hooks/install',
    });
    expect(ctx.event).toEqual({ kind: 'hook', name: 'install' });
  });

  it.each(['install', 'start', 'stop', 'remove', 'config-changed', 'upgrade-charm', 'update-status', 'leader-elected', 'leader-settings-changed'])(
    'reads the plain hook %s with no extras',
    (hook) => {
      const ctx = parseJujuContext({ ...base, JUJU_HOOK_NAME: hook, JUJU_DISPATCH_PATH: `hooks/${hook}` });
      expect(ctx.event).toEqual({ kind: 'hook', name: hook });
    },
  );

  it.each(['created', 'broken'])('reads relation-%s with the remote unit present but empty', (kind) => {
    const ctx = parseJujuContext(relationEnv(`etcd-peers-relation-${kind}`));
    expect(ctx.event).toEqual({
      kind: 'hook',
      name: `etcd-peers-relation-${kind}`,
      relation: { endpoint: 'etcd-peers', id: 3, idString: 'etcd-peers:3', remoteApp: 'charmed-etcd' },
    });
  });

  it.each(['joined', 'changed'])('reads relation-%s with its remote unit', (kind) => {
    const ctx = parseJujuContext(relationEnv(`etcd-peers-relation-${kind}`, { JUJU_REMOTE_UNIT: 'charmed-etcd/0' }));
    expect(ctx.event.kind === 'hook' && ctx.event.relation).toEqual({
      endpoint: 'etcd-peers',
      id: 3,
      idString: 'etcd-peers:3',
      remoteApp: 'charmed-etcd',
      remoteUnit: 'charmed-etcd/0',
    });
  });

  it('reads relation-departed with the departing unit, taking the endpoint from JUJU_RELATION', () => {
    const ctx = parseJujuContext({
      ...relationEnv('refresh-v-three-relation-departed', {
        JUJU_REMOTE_UNIT: 'charmed-etcd/2',
        JUJU_DEPARTING_UNIT: 'charmed-etcd/2',
      }),
      JUJU_RELATION: 'refresh-v-three',
      JUJU_RELATION_ID: 'refresh-v-three:11',
    });
    expect(ctx.event.kind === 'hook' && ctx.event.relation).toEqual({
      endpoint: 'refresh-v-three',
      id: 11,
      idString: 'refresh-v-three:11',
      remoteApp: 'charmed-etcd',
      remoteUnit: 'charmed-etcd/2',
      departingUnit: 'charmed-etcd/2',
    });
  });

  it('reads secret-changed with an empty label as no label', () => {
    const ctx = parseJujuContext({
      ...base,
      JUJU_HOOK_NAME: 'secret-changed',
      JUJU_DISPATCH_PATH: 'hooks/secret-changed',
      JUJU_SECRET_ID: 'secret:cs3pe0vmp25c7ab8ab70',
      JUJU_SECRET_LABEL: '',
    });
    expect(ctx.event).toEqual({ kind: 'hook', name: 'secret-changed', secret: { id: 'secret:cs3pe0vmp25c7ab8ab70' } });
  });

  it.each(['secret-remove', 'secret-expired'])('reads %s with label and revision', (hook) => {
    const ctx = parseJujuContext({
      ...base,
      JUJU_HOOK_NAME: hook,
      JUJU_DISPATCH_PATH: `hooks/${hook}`,
      JUJU_SECRET_ID: 'secret:cs3pe0vmp25c7ab8ab70',
      JUJU_SECRET_LABEL: 'root-password',
      JUJU_SECRET_REVISION: '4',
    });
    expect(ctx.event).toEqual({
      kind: 'hook',
      name: hook,
      secret: { id: 'secret:cs3pe0vmp25c7ab8ab70', label: 'root-password', revision: 4 },
    });
  });

  it.each(['attached', 'detaching'])('reads data-storage-%s', (kind) => {
    const ctx = parseJujuContext({
      ...base,
      JUJU_HOOK_NAME: `data-storage-${kind}`,
      JUJU_DISPATCH_PATH: `hooks/data-storage-${kind}`,
      JUJU_STORAGE_ID: 'data/7',
      JUJU_STORAGE_LOCATION: '/var/snap/charmed-etcd/common/var/lib/etcd',
      JUJU_STORAGE_KIND: 'filesystem',
    });
    expect(ctx.event).toEqual({
      kind: 'hook',
      name: `data-storage-${kind}`,
      storage: { name: 'data', id: 'data/7', location: '/var/snap/charmed-etcd/common/var/lib/etcd', kind: 'filesystem' },
    });
  });

  it('reads an action, whose hook name is present but empty', () => {
    const ctx = parseJujuContext({
      ...base,
      JUJU_HOOK_NAME: '',
      JUJU_DISPATCH_PATH: 'actions/pre-refresh-check',
      JUJU_ACTION_NAME: 'pre-refresh-check',
      JUJU_ACTION_UUID: '7',
      JUJU_ACTION_TAG: 'action-7',
    });
    expect(ctx.event).toEqual({ kind: 'action', name: 'pre-refresh-check', uuid: '7' });
  });

  it.each([
    ['JUJU_DISPATCH_PATH', undefined, 'JUJU_DISPATCH_PATH is not set'],
    ['JUJU_UNIT_NAME', undefined, 'JUJU_UNIT_NAME is not set'],
    ['JUJU_MODEL_NAME', '', 'JUJU_MODEL_NAME=""'],
    ['JUJU_MODEL_UUID', undefined, 'JUJU_MODEL_UUID is not set'],
    ['JUJU_VERSION', 'latest', 'JUJU_VERSION="latest"'],
    ['JUJU_CHARM_DIR', undefined, 'JUJU_CHARM_DIR is not set'],
    ['JUJU_UNIT_NAME', 'charmed-etcd', 'JUJU_UNIT_NAME="charmed-etcd"'],
  ])('refuses %s=%s, naming the variable', (variable, value, text) => {
    const env: Record<string, string | undefined> = { ...base, [variable]: value };
    const error = (() => {
      try {
        parseJujuContext(env);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isJujuContextError(error)).toBe(true);
    expect((error as JujuContextError).variable).toBe(variable);
    expect((error as Error).message).toContain(text);
  });

  it.each(['install', 'hooks/', 'hooks/Install', 'charm/install', 'actions/a/b', 'hooks/../x'])(
    'refuses the dispatch path %s, naming the value',
    (dispatchPath) => {
      expect(() => parseJujuContext({ ...base, JUJU_DISPATCH_PATH: dispatchPath })).toThrow(
        `JUJU_DISPATCH_PATH=${JSON.stringify(dispatchPath)} is invalid; expected hooks/<hook-name> or actions/<action-name>`,
      );
    },
  );

  it('refuses an action without its id', () => {
    expect(() =>
      parseJujuContext({ ...base, JUJU_HOOK_NAME: '', JUJU_DISPATCH_PATH: 'actions/resume-refresh', JUJU_ACTION_NAME: 'resume-refresh' }),
    ).toThrow(/JUJU_ACTION_UUID is not set/);
  });

  it('refuses a relation hook with a malformed relation id', () => {
    expect(() => parseJujuContext(relationEnv('etcd-peers-relation-changed', { JUJU_RELATION_ID: 'etcd-peers:x' }))).toThrow(
      'JUJU_RELATION_ID="etcd-peers:x" is invalid',
    );
  });
});
