import { describe, expect, it } from 'vitest';
import { isCompatible } from '../../../../lib/refresh/compatibility.js';
import { isEtcdWorkloadCompatible } from '../../../../src/refresh-compat.js';

/** The library's whole verdict with etcd's rule, as the refresh start runs it. */
const verdict = (oldCharm: string, newCharm: string, oldWorkload: string, newWorkload: string): boolean =>
  isCompatible({ oldCharmVersion: oldCharm, newCharmVersion: newCharm, oldWorkloadVersion: oldWorkload, newWorkloadVersion: newWorkload }, isEtcdWorkloadCompatible)
    .compatible;

describe('which refreshes the etcd charm supports', () => {
  it.each([
    ['identical versions', '3.5/1.0.0', '3.5/1.0.0', '3.5.16', '3.5.16', true],
    ['patch upgrade', '3.5/1.0.0', '3.5/1.1.0', '3.5.16', '3.5.30', true],
    ['patch downgrade with a newer charm', '3.5/1.1.0', '3.5/1.2.0', '3.5.30', '3.5.16', true],
    ['charm-only refresh', '3.5/1.0.0', '3.5/1.0.1', '3.5.16', '3.5.16', true],
    ['minor upgrade with the track moving the same way', '3.4/1.0.0', '3.5/1.0.0', '3.4.23', '3.5.16', true],
    ['minor upgrade within one track', '3.5/1.0.0', '3.5/1.1.0', '3.4.23', '3.5.16', false],
    ['minor upgrade with the track moving elsewhere', '3.4/1.0.0', '3.6/1.0.0', '3.4.23', '3.5.16', false],
    ['track change without a minor change', '3.5/1.0.0', '3.6/1.0.0', '3.5.16', '3.5.30', false],
    ['minor downgrade', '3.5/1.0.0', '3.4/1.1.0', '3.5.16', '3.4.23', false],
    ['minor downgrade within a track', '3.5/1.0.0', '3.5/1.1.0', '3.5.16', '3.4.23', false],
    ['skipping a minor', '3.4/1.0.0', '3.6/1.0.0', '3.4.23', '3.6.2', false],
    ['major upgrade', '3.6/1.0.0', '4.0/1.0.0', '3.6.2', '4.0.0', false],
    ['major downgrade', '3.5/1.0.0', '2.3/1.0.0', '3.5.16', '2.3.8', false],
    ['pre-release etcd', '3.5/1.0.0', '3.5/1.1.0', '3.5.16', '3.5.17-rc.1', false],
    ['unparsable etcd version', '3.5/1.0.0', '3.5/1.1.0', '3.5.16', 'latest', false],
    ['development charm build', '3.5/1.0.0', '3.5/1.1.0.post1.dev0+g1234abc', '3.5.16', '3.5.30', false],
    ['dirty local charm build', '3.5/1.0.0', '3.5/1.0.0.post0.dev0+g1234abc.dirty', '3.5.16', '3.5.16', false],
    ['charm downgrade', '3.5/1.1.0', '3.5/1.0.0', '3.5.30', '3.5.16', false],
    ['charm major change', '3.5/1.0.0', '3.5/2.0.0', '3.5.16', '3.5.16', false],
  ])('%s: %s -> %s with etcd %s -> %s is %s', (_name, oldCharm, newCharm, oldWorkload, newWorkload, expected) => {
    expect(verdict(oldCharm, newCharm, oldWorkload, newWorkload)).toBe(expected);
  });

  it('the workload rule alone: patch both ways, one minor up with its track, nothing else', () => {
    expect(isEtcdWorkloadCompatible('3.5.30', '3.5.16')).toEqual({ compatible: true, trackChangeAllowed: false });
    expect(isEtcdWorkloadCompatible('3.4.23', '3.5.16')).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.4.23', '3.5.16', { oldTrack: 'latest', newTrack: 'stable-3' })).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.5.16', '3.4.23').compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('v3.5.16', '3.5.16').compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('3.5', '3.5.16').compatible).toBe(false);
  });
});
