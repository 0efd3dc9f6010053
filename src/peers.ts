import { z } from 'zod';
import type { HealthRecordParse } from './etcd/health-record.js';
import { parseHealthRecord } from './etcd/health-record.js';

/** The peer relation holding the cluster state. */
export const PEER_ENDPOINT = 'etcd-peers';

/** Keys of the `etcd-peers` application databag (written by the leader). */
export const APP_KEYS = {
  clusterState: 'cluster_state',
  clusterMembers: 'cluster_members',
  learningMember: 'learning_member',
  authentication: 'authentication',
  /** URI of the app-owned secret holding etcd's current root password. */
  credentials: 'internal_user_credentials',
  clusterToken: 'cluster_token',
} as const;

/** Keys of each unit's `etcd-peers` databag. */
export const UNIT_KEYS = {
  privateIp: 'private_ip',
  /** `started` once etcd ran on this unit as a cluster member. */
  state: 'state',
  health: 'health',
  /** The tuning fingerprint etcd on this unit runs with. */
  configHash: 'config_hash',
} as const;

/** One `name=peerURL` entry of `cluster_members` (etcd's `initial-cluster` syntax). */
export interface ClusterMember {
  readonly name: string;
  readonly peerUrl: string;
}

/** Parses `cluster_members`; malformed entries are dropped. */
export function parseClusterMembers(text: string | undefined): ClusterMember[] {
  if (text === undefined || text === '') return [];
  return text.split(',').flatMap((entry) => {
    const at = entry.indexOf('=');
    if (at <= 0) return [];
    return [{ name: entry.slice(0, at), peerUrl: entry.slice(at + 1) }];
  });
}

export const formatClusterMembers = (members: readonly ClusterMember[]): string =>
  members.map((m) => `${m.name}=${m.peerUrl}`).join(',');

const appBagSchema = z.object({
  [APP_KEYS.clusterState]: z.enum(['new', 'existing']).optional().catch(undefined),
  [APP_KEYS.clusterMembers]: z.string().optional(),
  [APP_KEYS.learningMember]: z.string().regex(/^[0-9a-f]{1,16}$/).optional().catch(undefined),
  [APP_KEYS.authentication]: z.string().optional(),
  [APP_KEYS.credentials]: z.string().regex(/^secret:/).optional().catch(undefined),
  [APP_KEYS.clusterToken]: z.string().optional(),
});

/** The application databag, validated. */
export interface AppState {
  readonly clusterState: 'new' | 'existing' | undefined;
  readonly clusterMembers: readonly ClusterMember[];
  readonly learningMember: string | undefined;
  readonly authEnabled: boolean;
  readonly credentialsSecret: string | undefined;
  readonly clusterToken: string | undefined;
}

/** Validates the app bag; a malformed value reads as absent (the leader rewrites it). */
export function parseAppState(bag: Readonly<Record<string, string>>): AppState {
  const data = appBagSchema.parse(bag);
  return {
    clusterState: data[APP_KEYS.clusterState],
    clusterMembers: parseClusterMembers(data[APP_KEYS.clusterMembers]),
    learningMember: data[APP_KEYS.learningMember],
    authEnabled: data[APP_KEYS.authentication] === 'enabled',
    credentialsSecret: data[APP_KEYS.credentials],
    clusterToken: data[APP_KEYS.clusterToken],
  };
}

/** What a unit publishes, as read by others (or by itself). */
export interface UnitState {
  readonly unit: string;
  readonly unitNumber: number;
  /** `<app><n>`. */
  readonly memberName: string;
  readonly ip: string | undefined;
  readonly started: boolean;
  /** Undefined when no record was published; `{ok: false}` when it is malformed. */
  readonly health: HealthRecordParse | undefined;
  readonly configHash: string | undefined;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Reads one unit's bag. Never throws: bad values read as absent, a bad health record as `{ok: false}`. */
export function parseUnitState(unit: string, app: string, bag: Readonly<Record<string, string>>): UnitState {
  const unitNumber = Number(unit.slice(unit.lastIndexOf('/') + 1));
  const ip = bag[UNIT_KEYS.privateIp];
  const health = bag[UNIT_KEYS.health];
  return {
    unit,
    unitNumber,
    memberName: `${app}${unitNumber}`,
    ip: ip !== undefined && IPV4.test(ip) ? ip : undefined,
    started: bag[UNIT_KEYS.state] === 'started',
    health: health === undefined ? undefined : parseHealthRecord(health),
    configHash: bag[UNIT_KEYS.configHash] || undefined,
  };
}
