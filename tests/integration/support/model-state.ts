/**
 * What an operator reads from the model itself (as `juju show-secret --reveal`
 * and `juju show-unit` would show it): the charm's root password in its
 * application secret and the units' `etcd-peers` databags, from the
 * simulator's persisted model. Values are returned, never printed.
 */
import type { HealthRecordParse } from '../../../src/etcd/health-record.js';
import { parseHealthRecord } from '../../../src/etcd/health-record.js';
import { loadState } from '../../sim/controller/state.js';
import type { SimModel } from '../../sim/testing.js';

export const APP = 'charmed-etcd';
const PEER_ENDPOINT = 'etcd-peers';
/** The charm's application secret (label `etcd-peers.<app>.app`, field `root-password`). */
const CREDENTIALS_LABEL = `${PEER_ENDPOINT}.${APP}.app`;
const ROOT_PASSWORD_KEY = 'root-password';

function model(sim: SimModel) {
  const state = loadState(sim.home);
  if (state === undefined) throw new Error(`no model state in ${sim.home.dir}`);
  return state.model;
}

/**
 * The password of etcd's `root` user: the latest revision of the charm's application secret.
 * @throws Error when the charm has not created the secret yet.
 */
export function rootPassword(sim: SimModel, app: string = APP): string {
  const label = app === APP ? CREDENTIALS_LABEL : `${PEER_ENDPOINT}.${app}.app`;
  const secret = model(sim).secrets.find((s) => s.owner.kind === 'application' && s.label === label);
  const latest = secret?.revisions.at(-1)?.content[ROOT_PASSWORD_KEY];
  if (latest === undefined || latest === '') throw new Error(`the application secret ${label} holds no ${ROOT_PASSWORD_KEY} yet`);
  return latest;
}

/** The unit's `etcd-peers` databag as committed (empty when it has none). */
export function peerUnitBag(sim: SimModel, unit: string): Readonly<Record<string, string>> {
  const relation = model(sim).relations.find((r) => r.ends[0]?.endpoint === PEER_ENDPOINT);
  return relation?.unitData[unit] ?? {};
}

/** The peer relation's id (`etcd-peers:<id>`), for `relation-set -r`. */
export function peerRelationId(sim: SimModel): string {
  const relation = model(sim).relations.find((r) => r.ends[0]?.endpoint === PEER_ENDPOINT);
  if (relation === undefined) throw new Error('no etcd-peers relation in the model');
  return `${PEER_ENDPOINT}:${relation.id}`;
}

/** The unit's published health record, parsed; undefined when it published none. */
export function publishedHealth(sim: SimModel, unit: string): HealthRecordParse | undefined {
  const text = peerUnitBag(sim, unit)['health'];
  return text === undefined ? undefined : parseHealthRecord(text);
}

/** The charm's `etcd-peers` application databag as committed (empty when it has none). */
export function peerAppBag(sim: SimModel): Readonly<Record<string, string>> {
  const relation = model(sim).relations.find((r) => r.ends[0]?.endpoint === PEER_ENDPOINT);
  return relation?.appData[APP] ?? {};
}
