import { describe, expect, it } from 'vitest';
import { isNotLeaderError } from '../../../../../lib/juju/errors/not-leader-error.js';
import { isUsageError } from '../../../../../lib/juju/errors/usage-error.js';
import { statusGet, statusSet } from '../../../../../lib/juju/hooktools/status.js';
import { FakeRunner } from '../fake-runner.js';

describe('status hook tools', () => {
  it('status-set puts -- before the message and has no --format', async () => {
    const fake = new FakeRunner().on(['status-set', 'blocked', '--', '-r is not a flag here']);
    await statusSet(fake, { name: 'blocked', message: '-r is not a flag here' });
    expect(fake.argvs).toEqual([['status-set', 'blocked', '--', '-r is not a flag here']]);
  });

  it('status-set --application sets the app status', async () => {
    const fake = new FakeRunner().on(['status-set', '--application', 'active', '--', '']);
    await statusSet(fake, { name: 'active', message: '' }, { application: true });
    expect(fake.count('status-set')).toBe(1);
  });

  it('status-set by a non-leader for the app is a NotLeaderError', async () => {
    const fake = new FakeRunner().on(['status-set', '--application', 'active', '--', ''], {
      exitCode: 1,
      stderr: 'ERROR this unit is not the leader\n',
    });
    expect(isNotLeaderError(await statusSet(fake, { name: 'active', message: '' }, { application: true }).catch((e: unknown) => e))).toBe(
      true,
    );
  });

  it('status-get reads the unit status with data', async () => {
    const fake = new FakeRunner().json(['status-get', '--include-data', '--format=json'], {
      status: 'maintenance',
      message: 'installing',
      'status-data': {},
    });
    expect(await statusGet(fake)).toEqual({ name: 'maintenance', message: 'installing' });
  });

  it('status-get --application finds the status inside application-status', async () => {
    const fake = new FakeRunner().json(['status-get', '--include-data', '--format=json', '--application'], {
      'application-status': { status: 'active', message: 'ok', 'status-data': {}, units: { 'a/0': { status: 'active' } } },
    });
    expect(await statusGet(fake, { application: true })).toEqual({ name: 'active', message: 'ok' });
  });

  it('an exit code 2 is a UsageError', async () => {
    const fake = new FakeRunner().on(['status-get', '--include-data', '--format=json'], {
      exitCode: 2,
      stderr: 'ERROR option provided but not defined: --include-data\n',
    });
    expect(isUsageError(await statusGet(fake).catch((e: unknown) => e))).toBe(true);
  });
});
