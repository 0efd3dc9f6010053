import { describe, expect, it } from 'vitest';
import type { FakeModel } from '../../../../../../lib/juju/testing/fake-juju/model.js';
import { json, ok, session, testModel } from '../fixtures.js';

const withAction = (): FakeModel => {
  const model = testModel();
  model.action = { id: '7', name: 'backup', unit: 'demo/0', params: { target: '/tmp', compress: true, nested: { a: 1 } }, results: {}, logs: [], failed: false };
  return model;
};
const actionEnv = { JUJU_ACTION_NAME: 'backup', JUJU_ACTION_UUID: '7' };

describe('action tools', () => {
  it('action-get returns params or a dotted value', () => {
    const s = session(withAction(), actionEnv);
    expect(json(s, 'action-get')).toEqual({ target: '/tmp', compress: true, nested: { a: 1 } });
    expect(json(s, 'action-get', ['nested.a'])).toBe(1);
    expect(json(s, 'action-get', ['nope.x'])).toBeNull();
  });

  it('fails outside an action', () => {
    expect(session(testModel()).call('action-get', [])).toEqual({ stdout: '', stderr: 'ERROR not running an action\n', exitCode: 1 });
    expect(session(testModel()).call('action-set', ['a=1']).stderr).toBe('ERROR not running an action\n');
  });

  it('action-set nests dotted keys, keeps strings, and applies at once', () => {
    const model = withAction();
    const s = session(model, actionEnv);
    ok(s, 'action-set', ['result.size=10', 'result.name=x=y', 'ok=true']);
    s.finish(1);
    expect(model.action!.results).toEqual({ result: { size: '10', name: 'x=y' }, ok: 'true' });
  });

  it('action-set refuses upper case, underscores and reserved keys', () => {
    const s = session(withAction(), actionEnv);
    expect(s.call('action-set', ['Foo=1'])).toEqual({
      stdout: '',
      stderr: 'ERROR key "Foo" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods\n',
      exitCode: 2,
    });
    expect(s.call('action-set', ['a_b=1']).exitCode).toBe(2);
    expect(s.call('action-set', ['stdout=1']).stderr).toBe('ERROR cannot set reserved action key "stdout"\n');
    expect(s.call('action-set', ['x.stderr-encoding=1']).stderr).toBe('ERROR cannot set reserved action key "stderr-encoding"\n');
  });

  it('action-fail marks the action failed with a message or Juju\'s default; action-log records', () => {
    const model = withAction();
    const s = session(model, actionEnv);
    ok(s, 'action-log', ['--', 'step', '1']);
    ok(s, 'action-fail');
    expect(model.action).toMatchObject({ failed: true, failMessage: 'action failed without reason given, check action for errors', logs: ['step 1'] });
    ok(s, 'action-fail', ['--', 'disk full']);
    expect(model.action!.failMessage).toBe('disk full');
  });
});
