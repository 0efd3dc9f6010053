import { describe, expect, it } from 'vitest';
import { stateDelete, stateGet, stateSet } from '../../../../../lib/juju/hooktools/state.js';
import { FakeRunner } from '../fake-runner.js';

describe('state hook tools', () => {
  it('state-get reads all keys; null (empty store) reads as {}', async () => {
    const fake = new FakeRunner().on(['state-get', '--format=json', '-'], { stdout: 'null\n' });
    expect(await stateGet(fake)).toEqual({});
  });

  it('state-set sends JSON on stdin with --file -', async () => {
    const fake = new FakeRunner().on(['state-set', '--file', '-']);
    await stateSet(fake, { installed: 'true' });
    expect(fake.calls[0]?.stdin).toBe('{"installed":"true"}');
  });

  it('state-delete takes the key', async () => {
    const fake = new FakeRunner().on(['state-delete', 'installed']);
    await stateDelete(fake, 'installed');
    expect(fake.count('state-delete')).toBe(1);
  });
});
