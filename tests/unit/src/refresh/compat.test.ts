import { describe, expect, it } from 'vitest';
import { isCompatible } from '../../../../lib/refresh/compatibility.js';
import { MINOR_UPGRADE_FLOOR, clusterVersionRefusal, isEtcdWorkloadCompatible } from '../../../../src/refresh/compat.js';

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
    // 3.5 -> 3.6 -> 3.7 (measured in tests/integration/etcd/upgrade-36-37.test.ts)
    ['3.5 -> 3.6 with the track moving the same way', '3.5/1.1.0', '3.6/1.0.0', '3.5.30', '3.6.13', true],
    ['3.5 -> 3.6 from the lowest patch etcd supports it from', '3.5/1.1.0', '3.6/1.0.0', '3.5.26', '3.6.13', true],
    ['3.5 -> 3.6 from a 3.5 patch that may lose learner promotions', '3.5/1.0.0', '3.6/1.0.0', '3.5.16', '3.6.13', false],
    ['3.5 -> 3.6 from 3.5.25', '3.5/1.0.0', '3.6/1.0.0', '3.5.25', '3.6.16', false],
    ['3.5 -> 3.6 within one track', '3.5/1.1.0', '3.5/1.2.0', '3.5.30', '3.6.13', false],
    ['3.5 -> 3.6 with the track moving elsewhere', '3.5/1.1.0', '3.7/1.0.0', '3.5.30', '3.6.13', false],
    ['3.6 patch upgrade', '3.6/1.0.0', '3.6/1.1.0', '3.6.13', '3.6.16', true],
    ['3.6 patch downgrade with a newer charm', '3.6/1.1.0', '3.6/1.2.0', '3.6.16', '3.6.13', true],
    ['3.6 -> 3.7 with the track moving the same way', '3.6/1.1.0', '3.7/1.0.0', '3.6.16', '3.7.3', true],
    ['3.6 -> 3.7 from 3.6.11', '3.6/1.0.0', '3.7/1.0.0', '3.6.11', '3.7.3', true],
    ['3.6 -> 3.7 from below 3.6.11', '3.6/1.0.0', '3.7/1.0.0', '3.6.10', '3.7.3', false],
    ['3.6 -> 3.7 within one track', '3.6/1.0.0', '3.6/1.1.0', '3.6.16', '3.7.3', false],
    // Minor downgrades through etcd's downgrade protocol (tests/integration/etcd/downgrade.test.ts)
    ['3.7 -> 3.6 with the track moving down the same way', '3.7/1.0.0', '3.6/1.2.0', '3.7.3', '3.6.16', true],
    ['3.6 -> 3.5 with the track moving down the same way', '3.6/1.0.0', '3.5/1.2.0', '3.6.13', '3.5.30', true],
    ['3.6 -> 3.5 to the lowest 3.5 patch that can upgrade again', '3.6/1.0.0', '3.5/1.2.0', '3.6.13', '3.5.26', true],
    ['3.6 -> 3.5 to a 3.5 patch that could not upgrade again', '3.6/1.0.0', '3.5/1.2.0', '3.6.13', '3.5.16', false],
    ['3.7 -> 3.6 to below 3.6.11', '3.7/1.0.0', '3.6/1.2.0', '3.7.3', '3.6.10', false],
    ['3.6 -> 3.5 within one track', '3.6/1.0.0', '3.6/1.1.0', '3.6.13', '3.5.30', false],
    ['3.6 -> 3.5 with the track moving elsewhere', '3.6/1.0.0', '3.4/1.0.0', '3.6.13', '3.5.30', false],
    ['3.5 -> 3.4 (etcd: no rolling downgrade with auth on)', '3.5/1.0.0', '3.4/1.1.0', '3.5.30', '3.4.23', false],
    ['3.7 -> 3.5 (two minors down)', '3.7/1.0.0', '3.5/1.2.0', '3.7.3', '3.5.30', false],
    ['3.5 -> 3.7 (a minor skipped)', '3.5/1.1.0', '3.7/1.0.0', '3.5.30', '3.7.3', false],
  ])('%s: %s -> %s with etcd %s -> %s is %s', (_name, oldCharm, newCharm, oldWorkload, newWorkload, expected) => {
    expect(verdict(oldCharm, newCharm, oldWorkload, newWorkload)).toBe(expected);
  });

  it('the workload rule alone: patch both ways, one minor up with its track, nothing else', () => {
    expect(isEtcdWorkloadCompatible('3.5.30', '3.5.16')).toEqual({ compatible: true, trackChangeAllowed: false });
    expect(isEtcdWorkloadCompatible('3.4.23', '3.5.16')).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.4.23', '3.5.16', { oldTrack: 'latest', newTrack: 'stable-3' })).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.5.16', '3.4.23').compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('3.6.13', '3.5.30')).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.7.3', '3.6.16', { oldTrack: '3.7', newTrack: '3.6' })).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.7.3', '3.6.16', { oldTrack: '3.7', newTrack: '3.7' }).compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('v3.5.16', '3.5.16').compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('3.5', '3.5.16').compatible).toBe(false);
  });

  it('the patch floors are those etcd documents for each minor upgrade', () => {
    expect(MINOR_UPGRADE_FLOOR).toEqual({ '3.5': 26, '3.6': 11 });
    expect(isEtcdWorkloadCompatible('3.5.25', '3.6.13', { oldTrack: '3.5', newTrack: '3.6' }).compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('3.5.26', '3.6.13', { oldTrack: '3.5', newTrack: '3.6' })).toEqual({ compatible: true, trackChangeAllowed: true });
    expect(isEtcdWorkloadCompatible('3.6.10', '3.7.3', { oldTrack: '3.6', newTrack: '3.7' }).compatible).toBe(false);
    expect(isEtcdWorkloadCompatible('3.6.13', '3.7.3', { oldTrack: '3.6', newTrack: '3.7' })).toEqual({ compatible: true, trackChangeAllowed: true });
    // No floor for 3.4 -> 3.5, nor within a minor.
    expect(isEtcdWorkloadCompatible('3.4.0', '3.5.16', { oldTrack: '3.4', newTrack: '3.5' }).compatible).toBe(true);
    expect(isEtcdWorkloadCompatible('3.5.16', '3.5.30')).toEqual({ compatible: true, trackChangeAllowed: false });
  });
});

describe('clusterVersionRefusal: going back a minor only while the cluster version is that minor', () => {
  it.each<[string, string | undefined, string | undefined]>([
    // 3.4 <-> 3.5, as before
    ['3.4.23', '3.4.0', undefined],
    ['3.4.23', '3.5.0', 'Cannot refresh to etcd 3.4.23: cluster version is 3.5.0, etcd would not start'],
    // 3.5 <-> 3.6
    ['3.6.13', '3.5.0', undefined],
    ['3.5.30', '3.5.0', undefined], // rollback while a 3.5 member remains
    ['3.5.30', '3.6.0', 'Cannot refresh to etcd 3.5.30: cluster version is 3.6.0, etcd would not start'],
    // patches within 3.6
    ['3.6.16', '3.6.0', undefined],
    ['3.6.13', '3.6.0', undefined],
    // 3.6 <-> 3.7
    ['3.7.3', '3.6.0', undefined],
    ['3.6.16', '3.6.0', undefined],
    ['3.6.16', '3.7.0', 'Cannot refresh to etcd 3.6.16: cluster version is 3.7.0, etcd would not start'],
    // a skipped minor
    ['3.7.3', '3.5.0', 'Cannot refresh to etcd 3.7.3: cluster version is 3.5.0, etcd would not start'],
    // nobody answers: not refused (the health gate catches what follows)
    ['3.5.30', undefined, undefined],
  ])('to etcd %s with cluster version %s', (target, cluster, refusal) => {
    expect(clusterVersionRefusal(target, cluster)).toBe(refusal);
  });
});
