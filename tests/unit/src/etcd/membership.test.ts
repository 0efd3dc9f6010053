import { describe, expect, it } from 'vitest';
import {
  canAddLearner,
  clusterVersionAllows,
  isReadyToAddVotingMember,
  isReadyToPromoteMember,
  isSafeToRemoveMember,
  MAX_CAUGHT_UP_LAG,
  quorum,
  type ClusterView,
  type Member,
} from '../../../../src/etcd/membership.js';

const voter = (id: string): Member => ({ id, name: `m${id}`, peerUrls: [], clientUrls: [], isLearner: false });
const learner = (id: string, started = true): Member => ({ id, name: started ? `m${id}` : '', peerUrls: [], clientUrls: [], isLearner: true });
const view = (members: Member[], healthy: string[]): ClusterView => ({ members, healthy: new Set(healthy) });

describe('quorum', () => {
  it.each([
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
  ])('of %i voters is %i', (n, q) => expect(quorum(n)).toBe(q));
});

describe('isReadyToAddVotingMember', () => {
  it.each<[string, ClusterView, boolean]>([
    ['a healthy single member may grow to two', view([voter('a')], ['a']), true],
    ['a dead single member may not', view([voter('a')], []), false],
    ['2 of 2 healthy: 2 ≥ quorum(3)', view([voter('a'), voter('b')], ['a', 'b']), true],
    ['1 of 2 healthy: 1 < quorum(3)', view([voter('a'), voter('b')], ['a']), false],
    ['3 of 3 healthy: 3 ≥ quorum(4)', view([voter('a'), voter('b'), voter('c')], ['a', 'b', 'c']), true],
    ['2 of 3 healthy: 2 < quorum(4)', view([voter('a'), voter('b'), voter('c')], ['a', 'b']), false],
    ['learners do not count', view([voter('a'), voter('b'), learner('l')], ['a', 'l']), false],
  ])('%s', (_what, v, expected) => expect(isReadyToAddVotingMember(v)).toBe(expected));
});

describe('isReadyToPromoteMember', () => {
  const caughtUp = { learnerAppliedIndex: 5000, leaderAppliedIndex: 5000 };
  it.each<[string, ClusterView, string, { learnerAppliedIndex: number; leaderAppliedIndex: number }, boolean]>([
    ['a caught-up healthy learner', view([voter('a'), learner('l')], ['a', 'l']), 'l', caughtUp, true],
    ['lagging by exactly the threshold', view([voter('a'), learner('l')], ['a', 'l']), 'l', { learnerAppliedIndex: 4000, leaderAppliedIndex: 4000 + MAX_CAUGHT_UP_LAG }, true],
    ['lagging by more than the threshold', view([voter('a'), learner('l')], ['a', 'l']), 'l', { learnerAppliedIndex: 3999, leaderAppliedIndex: 4000 + MAX_CAUGHT_UP_LAG }, false],
    ['an unhealthy learner', view([voter('a'), learner('l')], ['a']), 'l', caughtUp, false],
    ['a learner that never started', view([voter('a'), learner('l', false)], ['a', 'l']), 'l', caughtUp, false],
    ['a voter', view([voter('a'), voter('b')], ['a', 'b']), 'b', caughtUp, false],
    ['an unknown id', view([voter('a')], ['a']), 'zz', caughtUp, false],
    ['healthy voters 1 of 2 + learner = 2 ≥ quorum(3)', view([voter('a'), voter('b'), learner('l')], ['a', 'l']), 'l', caughtUp, true],
    ['healthy voters 1 of 3 + learner = 2 < quorum(4)', view([voter('a'), voter('b'), voter('c'), learner('l')], ['a', 'l']), 'l', caughtUp, false],
  ])('%s', (_what, v, id, progress, expected) => expect(isReadyToPromoteMember(v, id, progress)).toBe(expected));
});

describe('isSafeToRemoveMember', () => {
  it.each<[string, ClusterView, string, boolean]>([
    ['one of three healthy voters', view([voter('a'), voter('b'), voter('c')], ['a', 'b', 'c']), 'a', true],
    ['a healthy voter when another is down (3 → 2, 1 healthy)', view([voter('a'), voter('b'), voter('c')], ['a', 'b']), 'a', false],
    ['the down voter when two are healthy (3 → 2, 2 healthy)', view([voter('a'), voter('b'), voter('c')], ['a', 'b']), 'c', true],
    ['one of two (2 → 1, 1 healthy)', view([voter('a'), voter('b')], ['a', 'b']), 'a', true],
    ['the healthy one of two when the other is down', view([voter('a'), voter('b')], ['a']), 'a', false],
    ['the last voter', view([voter('a')], ['a']), 'a', false],
    ['a learner, always', view([voter('a'), learner('l')], []), 'l', true],
    ['an unknown id (nothing to do)', view([voter('a')], ['a']), 'zz', true],
    ['five voters, two down, removing a healthy one (5 → 4, 2 healthy)', view(['a', 'b', 'c', 'd', 'e'].map(voter), ['a', 'b', 'c']), 'a', false],
    ['five voters, two down, removing a down one (5 → 4, 3 healthy)', view(['a', 'b', 'c', 'd', 'e'].map(voter), ['a', 'b', 'c']), 'e', true],
  ])('%s', (_what, v, id, expected) => expect(isSafeToRemoveMember(v, id)).toBe(expected));
});

describe('canAddLearner', () => {
  it('allows one learner at a time', () => {
    expect(canAddLearner(view([voter('a')], ['a']))).toBe(true);
    expect(canAddLearner(view([voter('a'), learner('l')], ['a']))).toBe(false);
  });
});

describe('clusterVersionAllows', () => {
  it.each<[string | undefined, string, boolean]>([
    ['3.4.0', '3.4.23', true],
    ['3.4.0', '3.5.16', true], // upgrading: the cluster stays at 3.4 meanwhile
    ['3.5.0', '3.4.23', false], // every member ran 3.5: a 3.4 binary exits at start
    ['3.5.0', '3.5.16', true],
    ['3.5.0', '3.5.30', true], // patch versions move both ways
    ['3.5', '3.5.16', true],
    ['3.4.0', '3.6.0', false], // two minors ahead
    ['3.5.0', '3.6.13', true], // 3.5 -> 3.6 in progress
    ['3.6.0', '3.5.30', false], // "invalid downgrade" (measured on 3.5.30)
    ['3.6.0', '3.6.13', true],
    ['3.6.0', '3.6.16', true],
    ['3.6.0', '3.7.3', true], // 3.6 -> 3.7 in progress
    ['3.7.0', '3.6.16', false], // `version "3.7.0" is not supported` (measured on 3.6.16)
    ['3.5.0', '3.7.3', false], // a skipped minor: 3.7.3 panics on 3.5 data (measured)
    ['3.5.0', '4.0.0', false],
    [undefined, '3.4.23', true], // not decided yet (new cluster)
    ['not_decided', '3.5.16', true],
    ['3.5.0', 'garbage', false],
  ])('cluster %s, member %s → %s', (cluster, memberVersion, expected) => {
    expect(clusterVersionAllows(cluster, memberVersion)).toBe(expected);
  });
});
