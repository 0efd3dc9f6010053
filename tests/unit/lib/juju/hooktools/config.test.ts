import { describe, expect, it } from 'vitest';
import { configGet } from '../../../../../lib/juju/hooktools/config.js';
import { FakeRunner } from '../fake-runner.js';

describe('config-get', () => {
  it('reads all options as JSON and drops unset (null) ones', async () => {
    const fake = new FakeRunner().json(['config-get', '--format=json'], {
      'pause-after-unit-refresh': 'first',
      replicas: 3,
      tls: false,
      unset: null,
    });
    expect(await configGet(fake)).toEqual({ 'pause-after-unit-refresh': 'first', replicas: 3, tls: false });
  });
});
