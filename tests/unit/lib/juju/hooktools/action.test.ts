import { describe, expect, it } from 'vitest';
import { isActionError } from '../../../../../lib/juju/errors/action-error.js';
import { actionFail, actionGet, actionLog, actionSet } from '../../../../../lib/juju/hooktools/action.js';
import { FakeRunner } from '../fake-runner.js';

describe('action hook tools', () => {
  it('action-get reads the params as JSON', async () => {
    const fake = new FakeRunner().json(['action-get', '--format=json'], { 'check-health-of-refreshed-units': true });
    expect(await actionGet(fake)).toEqual({ 'check-health-of-refreshed-units': true });
  });

  it('action-set passes key=value pairs, splitting only at the first =', async () => {
    const fake = new FakeRunner().on(['action-set', 'result=a=b', 'nested.key=1']);
    await actionSet(fake, { result: 'a=b', 'nested.key': '1' });
    expect(fake.count('action-set')).toBe(1);
  });

  it.each(['Result', 'snake_case', 'a..b', '-x', 'x-', 'stdout', 'info.stderr-encoding'])(
    'action-set refuses the key %s before running anything',
    async (key) => {
      const fake = new FakeRunner();
      const error = await actionSet(fake, { ok: '1', [key]: 'v' }).catch((e: unknown) => e);
      expect(isActionError(error)).toBe(true);
      expect((error as Error).message).toContain(`"${key}"`);
      expect(fake.calls).toEqual([]);
    },
  );

  it('action-fail and action-log put -- before the message', async () => {
    const fake = new FakeRunner().on(['action-fail', '--', 'unhealthy']).on(['action-log', '--', 'step 1']);
    await actionFail(fake, 'unhealthy');
    await actionLog(fake, 'step 1');
    expect(fake.argvs).toEqual([
      ['action-fail', '--', 'unhealthy'],
      ['action-log', '--', 'step 1'],
    ]);
  });

  it('outside an action, action-get fails with the tool error', async () => {
    const fake = new FakeRunner().on(['action-get', '--format=json'], { exitCode: 1, stderr: 'ERROR not running an action\n' });
    await expect(actionGet(fake)).rejects.toThrow('not running an action');
  });
});
