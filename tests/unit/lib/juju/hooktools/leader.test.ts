import { describe, expect, it } from 'vitest';
import { isHookToolError } from '../../../../../lib/juju/hooktools/runner.js';
import { isLeader } from '../../../../../lib/juju/hooktools/leader.js';
import { FakeRunner } from '../fake-runner.js';

describe('is-leader', () => {
  it.each([true, false])('reads %s', async (value) => {
    const fake = new FakeRunner().json(['is-leader', '--format=json'], value);
    expect(await isLeader(fake)).toBe(value);
  });

  it('keeps an unknown failure as a HookToolError with the tool and exit code', async () => {
    const fake = new FakeRunner().on(['is-leader', '--format=json'], { exitCode: 1, stderr: 'ERROR leadership status unknown: x\n' });
    const error = await isLeader(fake).catch((e: unknown) => e);
    expect(isHookToolError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'HookToolError', tool: 'is-leader', exitCode: 1 });
  });
});
