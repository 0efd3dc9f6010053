import { describe, expect, it } from 'vitest';
import { jujuLog, MAX_LOG_ARGUMENT } from '../../../../../lib/juju/hooktools/log.js';
import { FakeRunner } from '../fake-runner.js';

describe('juju-log', () => {
  it('passes the level and -- before the message', async () => {
    const fake = new FakeRunner().on(['juju-log', '--log-level', 'WARNING', '--', '--not-a-flag']);
    await jujuLog(fake, 'WARNING', '--not-a-flag');
    expect(fake.count('juju-log')).toBe(1);
  });

  it('splits a message longer than one argument may be', async () => {
    const long = 'x'.repeat(MAX_LOG_ARGUMENT + 5);
    const fake = new FakeRunner()
      .on(['juju-log', '--log-level', 'INFO', '--', 'x'.repeat(MAX_LOG_ARGUMENT)])
      .on(['juju-log', '--log-level', 'INFO', '--', 'xxxxx']);
    await jujuLog(fake, 'INFO', long);
    expect(fake.count('juju-log')).toBe(2);
  });
});
