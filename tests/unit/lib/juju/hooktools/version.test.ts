import { describe, expect, it } from 'vitest';
import { applicationVersionSet } from '../../../../../lib/juju/hooktools/version.js';
import { FakeRunner } from '../fake-runner.js';

describe('application-version-set', () => {
  it('passes -- before the version', async () => {
    const fake = new FakeRunner().on(['application-version-set', '--', '3.5.16']);
    await applicationVersionSet(fake, '3.5.16');
    expect(fake.argvs).toEqual([['application-version-set', '--', '3.5.16']]);
  });
});
