import { describe, expect, it } from 'vitest';
import { describeFault, faultMatches, makeFault, parseFaultCommand } from '../../../sim/controller/faults.js';
import { InputError } from '../../../sim/parse.js';

describe('inject-fault: parsing', () => {
  it('reads `snap CMD [ARG...]` and defaults to "before"', () => {
    expect(parseFaultCommand(' snap  refresh --revision ')).toEqual(['refresh', '--revision']);
    expect(makeFault('snap stop', undefined, 'fail')).toEqual({ on: ['stop'], when: 'before', do: 'fail' });
    expect(describeFault(makeFault('snap refresh --revision', 'after', 'kill-hook'))).toBe('kill-hook after "snap refresh --revision"');
  });

  it.each([
    ['refresh', undefined, 'fail', /--on must be/],
    ['snap', undefined, 'fail', /--on must be/],
    ['snap REFRESH', undefined, 'fail', /--on must be/],
    ['snap stop', 'during', 'fail', /--when must be one of before, after/],
    ['snap stop', 'before', 'explode', /--do must be one of fail, kill-hook, fail-hook, kill-workload/],
    ['snap start', 'before', 'fail-hook', /use --when after/],
    ['snap start', undefined, 'kill-workload', /use --when after/],
  ])('refuses --on %j --when %j --do %j', (on, when, action, message) => {
    expect(() => makeFault(on, when, action)).toThrow(InputError);
    expect(() => makeFault(on, when, action)).toThrow(message);
  });
});

describe('inject-fault: matching', () => {
  const refresh = makeFault('snap refresh --revision', 'after', 'kill-hook');

  it('fires on the same subcommand carrying every named argument, at the named time only', () => {
    expect(faultMatches(refresh, ['refresh', 'charmed-etcd', '--revision', '3'], 'after')).toBe(true);
    expect(faultMatches(refresh, ['refresh', 'charmed-etcd', '--revision', '3'], 'before')).toBe(false);
    // `snap refresh --hold` (the charm's hold after the refresh) is another command.
    expect(faultMatches(refresh, ['refresh', '--hold', 'charmed-etcd'], 'after')).toBe(false);
    expect(faultMatches(refresh, ['install', 'charmed-etcd', '--revision', '3'], 'after')).toBe(false);
  });

  it('with no argument named, any call of the subcommand matches', () => {
    const stop = makeFault('snap stop', 'before', 'fail');
    expect(faultMatches(stop, ['stop', '--disable', 'charmed-etcd.etcd'], 'before')).toBe(true);
    expect(faultMatches(stop, ['start', 'charmed-etcd.etcd'], 'before')).toBe(false);
    expect(faultMatches(stop, [], 'before')).toBe(false);
  });
});
