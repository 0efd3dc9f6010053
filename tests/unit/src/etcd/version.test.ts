import { describe, expect, it } from 'vitest';
import { parseEtcdVersion, parseRelease } from '../../../../src/etcd/version.js';

describe('etcd versions (one parser, semver)', () => {
  it.each([
    ['3.5.16', { major: 3, minor: 5, patch: 16 }],
    ['v3.4.23', { major: 3, minor: 4, patch: 23 }],
    ['3.5', { major: 3, minor: 5, patch: 0 }],
    ['3.6.0-rc.1', { major: 3, minor: 6, patch: 0 }],
    [' 3.7.3\n', { major: 3, minor: 7, patch: 3 }],
    ['not_decided', undefined],
    ['', undefined],
    ['3', undefined],
  ])('parseEtcdVersion(%j)', (text, expected) => {
    expect(parseEtcdVersion(text)).toEqual(expected);
  });

  it.each([
    ['3.5.16', { major: 3, minor: 5, patch: 16 }],
    ['3.5.17-rc.1', undefined],
    ['v3.5.1', undefined],
    ['3.5', undefined],
    ['3.5.1+build', undefined],
    ['03.5.1', undefined],
  ])('parseRelease(%j): plain X.Y.Z only', (text, expected) => {
    expect(parseRelease(text)).toEqual(expected);
  });
});
