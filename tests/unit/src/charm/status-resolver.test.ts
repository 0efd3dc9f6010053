import { describe, expect, it } from 'vitest';
import { STATUS } from '../../../../src/charm/status.js';
import type { CharmStatus } from '../../../../src/charm/status.js';
import { resolveHookStatus } from '../../../../src/charm/status-resolver.js';
import type { HookStatuses, ResolvedStatus } from '../../../../src/charm/status-resolver.js';

const blocked = (message: string): CharmStatus => ({ name: 'blocked', message });
const maintenance = (message: string): CharmStatus => ({ name: 'maintenance', message });
const waiting = (message: string): CharmStatus => ({ name: 'waiting', message });
const active = (message = ''): CharmStatus => ({ name: 'active', message });
const refreshing = blocked('Refreshing. Check app status');
const running = active('etcd 3.5.16 running');

const table: [string, HookStatuses, ResolvedStatus][] = [
  ['reconciled, nothing to say: active; the leader shows it as app status too', { kind: 'reconciled', refresh: {}, unit: [], isLeader: true }, { unit: active(), app: active() }],
  ['a non-leader sets no app status', { kind: 'reconciled', refresh: {}, unit: [waiting('w')], isLeader: false }, { unit: waiting('w'), app: undefined }],
  ['the refresh step\'s high status wins over every candidate', { kind: 'reconciled', refresh: { unitStatus: refreshing }, unit: [blocked('b')], isLeader: false }, { unit: refreshing, app: undefined }],
  ['its low status shows only instead of a bare active', { kind: 'reconciled', refresh: { lowPriorityUnitStatus: running }, unit: [undefined], isLeader: false }, { unit: running, app: undefined }],
  ['… and not over a waiting candidate', { kind: 'reconciled', refresh: { lowPriorityUnitStatus: running }, unit: [waiting('w')], isLeader: false }, { unit: waiting('w'), app: undefined }],
  ['blocked > maintenance > waiting; the first reported wins a tie', { kind: 'reconciled', refresh: {}, unit: [waiting('a'), blocked('b'), maintenance('m'), blocked('c')], isLeader: false }, { unit: blocked('b'), app: undefined }],
  ['the refresh candidate comes before the charm\'s own in a tie', { kind: 'reconciled', refresh: { statusCandidate: maintenance('gate') }, unit: [maintenance('own')], isLeader: false }, { unit: maintenance('gate'), app: undefined }],
  ['app: the refresh step\'s, then the cluster\'s, then the unit\'s', { kind: 'reconciled', refresh: { appStatus: refreshing }, unit: [], app: waiting('2/3 members healthy'), isLeader: true }, { unit: active(), app: refreshing }],
  ['app: the cluster verdict when the refresh step has none', { kind: 'reconciled', refresh: {}, unit: [maintenance('m')], app: waiting('2/3 members healthy'), isLeader: true }, { unit: maintenance('m'), app: waiting('2/3 members healthy') }],
  ['held: an invalid config shows first', { kind: 'held', refresh: { unitStatus: waiting(STATUS.waitingForUnits), awaitingUnits: true }, configProblem: blocked('bad config'), hasPeerRelation: false }, { unit: blocked('bad config'), app: blocked('bad config') }],
  ['held, waiting for units without a peer relation: says so', { kind: 'held', refresh: { unitStatus: waiting(STATUS.waitingForUnits), awaitingUnits: true }, hasPeerRelation: false }, { unit: maintenance(STATUS.noPeerRelation), app: maintenance(STATUS.noPeerRelation) }],
  ['held, waiting for units with the relation: the refresh step\'s text', { kind: 'held', refresh: { unitStatus: waiting(STATUS.waitingForUnits), awaitingUnits: true }, hasPeerRelation: true }, { unit: waiting(STATUS.waitingForUnits), app: waiting(STATUS.waitingForUnits) }],
  ['held by a failed snap refresh: its candidate; the refresh app status wins', { kind: 'held', refresh: { statusCandidate: maintenance('Snap refresh failed'), appStatus: refreshing }, hasPeerRelation: true }, { unit: maintenance('Snap refresh failed'), app: refreshing }],
  ['held with nothing to say leaves both statuses', { kind: 'held', refresh: {}, hasPeerRelation: true }, { unit: undefined, app: undefined }],
  ['teardown put off: waiting with the reason', { kind: 'teardown', deferred: 'Removal waits for unit 2 to finish refreshing' }, { unit: waiting('Removal waits for unit 2 to finish refreshing') }],
  ['teardown done: leaves the status', { kind: 'teardown' }, { unit: undefined }],
];

describe('resolveHookStatus', () => {
  it.each(table)('%s', (_name, hook, expected) => {
    expect(resolveHookStatus(hook)).toEqual(expected);
  });
});
