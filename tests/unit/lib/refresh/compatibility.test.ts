import { describe, expect, test } from 'vitest';
import { parseCharmVersion } from '../../../../lib/refresh/charm-version.js';
import { isCompatible } from '../../../../lib/refresh/compatibility.js';
import { etcdLikeCompat } from './support/fixtures.js';

const check = (oldCharm: string, newCharm: string, oldWorkload: string, newWorkload: string) =>
  isCompatible(
    { oldCharmVersion: oldCharm, newCharmVersion: newCharm, oldWorkloadVersion: oldWorkload, newWorkloadVersion: newWorkload },
    etcdLikeCompat,
  ).compatible;

describe('isCompatible', () => {
  test.each([
    ['identical released versions', '3.5/1.2.0', '3.5/1.2.0', '3.5.16', '3.5.16', true],
    ['workload patch up, charm up', '3.5/1.2.0', '3.5/1.3.0', '3.5.16', '3.5.30', true],
    ['workload patch down', '3.5/1.2.0', '3.5/1.3.0', '3.5.30', '3.5.16', false],
    ['minor up by one with the track', '3.4/1.0.0', '3.5/1.0.0', '3.4.23', '3.5.16', true],
    ['minor up by one with the track, lower charm number on the new track', '3.4/1.7.2', '3.5/1.0.0', '3.4.23', '3.5.16', true],
    ['minor up by one without moving the track', '3.4/1.0.0', '3.4/1.1.0', '3.4.23', '3.5.16', true],
    ['track moves without a workload minor change', '3.5/1.0.0', '3.6/1.0.0', '3.5.16', '3.5.30', false],
    ['minor down (with the track)', '3.5/1.0.0', '3.4/1.0.0', '3.5.16', '3.4.23', false],
    ['skipping a minor', '3.4/1.0.0', '3.6/1.0.0', '3.4.23', '3.6.2', false],
    ['workload major up', '3.6/1.0.0', '4.0/1.0.0', '3.6.2', '4.0.0', false],
    ['charm major up', '3.5/1.2.0', '3.5/2.0.0', '3.5.16', '3.5.16', false],
    ['charm downgrade within a track', '3.5/1.3.0', '3.5/1.2.9', '3.5.16', '3.5.16', false],
    ['dev build as target', '3.5/1.2.0', '3.5/1.3.0.post1.dev0+71201f4.dirty', '3.5.16', '3.5.16', false],
    ['dirty build as origin', '3.5/1.2.0+abc.dirty', '3.5/1.3.0', '3.5.16', '3.5.16', false],
    ['identical dev builds', '3.5/1.3.0.dev0', '3.5/1.3.0.dev0', '3.5.16', '3.5.16', false],
    ['unparsable workload', '3.5/1.2.0', '3.5/1.3.0', '3.5.16', '3.5.x', false],
    ['unparsable charm version', '1.2.0', '3.5/1.3.0', '3.5.16', '3.5.16', false],
  ])('%s', (_name, oldCharm, newCharm, oldWorkload, newWorkload, expected) => {
    expect(check(oldCharm, newCharm, oldWorkload, newWorkload)).toBe(expected);
  });

  test('the reason names why a refresh is refused', () => {
    const verdict = isCompatible(
      { oldCharmVersion: '3.5/1.3.0', newCharmVersion: '3.5/1.2.0', oldWorkloadVersion: '3.5.16', newWorkloadVersion: '3.5.16' },
      etcdLikeCompat,
    );
    expect(verdict).toEqual({ compatible: false, reason: 'charm downgrade is not supported' });
  });
});

describe('parseCharmVersion', () => {
  test.each([
    ['3.6/1.21.0', '3.6', [1, 21, 0], true],
    ['16/1.19.0.post1.dev0+71201f4.dirty', '16', [1, 19, 0], false],
    ['unknown/0.0.0.post3.dev0+abc', 'unknown', [0, 0, 0], false],
    ['3.6/1.2.0rc1', '3.6', [1, 2, 0], false],
  ])('%s', (text, track, release, released) => {
    const parsed = parseCharmVersion(text);
    expect(parsed).toEqual({ ok: true, version: { raw: text, track, release, released } });
  });

  test.each([['1.2.0'], ['3.6/1.2'], ['3.6/1.2.3.4'], ['3.6/1!1.2.3'], ['a/b/1.2.3'], ['3.6/one.two.three']])(
    'rejects %s',
    (text) => {
      expect(parseCharmVersion(text).ok).toBe(false);
    },
  );
});
