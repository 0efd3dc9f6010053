import { describe, expect, it } from 'vitest';
import { createJujuLogger } from '../../../../lib/juju/log.js';
import { FakeRunner } from './fake-runner.js';

const sink = () => {
  const lines: string[] = [];
  return { lines, write: (text: string) => lines.push(text) };
};

describe('createJujuLogger', () => {
  it('sends buffered lines with one juju-log per level present, at flush', async () => {
    const fake = new FakeRunner()
      .on(['juju-log', '--log-level', 'INFO', '--', 'first\nsecond {"unit":"a/0"}'])
      .on(['juju-log', '--log-level', 'WARNING', '--', 'careful']);
    const stderr = sink();
    const { logger, flush } = createJujuLogger({ tools: fake, stderr });
    logger.info('first');
    logger.warn('careful');
    logger.info({ unit: 'a/0' }, 'second');
    expect(fake.calls).toEqual([]);
    await flush();
    expect(fake.count('juju-log')).toBe(2);
    expect(stderr.lines).toEqual([]);
  });

  it('writes DEBUG and TRACE to stderr only, never to juju-log', async () => {
    const fake = new FakeRunner();
    const stderr = sink();
    const { logger, flush } = createJujuLogger({ tools: fake, stderr, level: 'trace' });
    for (let i = 0; i < 50; i++) logger.debug(`step ${i}`);
    logger.trace('deep');
    await flush();
    expect(fake.calls).toEqual([]);
    expect(stderr.lines).toHaveLength(51);
    expect(stderr.lines[0]).toBe('DEBUG step 0\n');
    expect(stderr.lines[50]).toBe('TRACE deep\n');
  });

  it('drops DEBUG at the default level', async () => {
    const stderr = sink();
    const { logger } = createJujuLogger({ tools: new FakeRunner(), stderr });
    logger.debug('hidden');
    expect(stderr.lines).toEqual([]);
  });

  it('censors passwords, also one level down', async () => {
    const fake = new FakeRunner().on(['juju-log', '--log-level', 'INFO', '--', 'auth {"password":"[redacted]","user":{"name":"root","password":"[redacted]"}}']);
    const { logger, flush } = createJujuLogger({ tools: fake, stderr: sink() });
    logger.info({ password: 'hunter2', user: { name: 'root', password: 'hunter2' } }, 'auth');
    await flush();
    expect(fake.count('juju-log')).toBe(1);
    expect(JSON.stringify(fake.calls)).not.toContain('hunter2');
  });

  it('renders errors as one line for juju-log and with the stack on DEBUG', async () => {
    const fake = new FakeRunner().on(['juju-log', '--log-level', 'ERROR', '--', 'failed (TypeError: bad)']);
    const stderr = sink();
    const { logger, flush } = createJujuLogger({ tools: fake, stderr, level: 'debug' });
    const error = new TypeError('bad');
    logger.error({ err: error }, 'failed');
    logger.debug({ err: error }, 'failed');
    await flush();
    expect(fake.count('juju-log')).toBe(1);
    expect(stderr.lines[0]).toContain('TypeError: bad\n    at ');
  });

  it('falls back to stderr when juju-log fails, without throwing', async () => {
    const fake = new FakeRunner().on(['juju-log', '--log-level', 'INFO', '--', 'hello'], { exitCode: 1, stderr: 'ERROR gone' });
    const stderr = sink();
    const { logger, flush } = createJujuLogger({ tools: fake, stderr });
    logger.info('hello');
    await flush();
    expect(stderr.lines.join('')).toContain('hello');
  });
});
