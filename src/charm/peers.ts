import { z } from 'zod';
import { unitNumber } from '../../lib/juju/index.js';
import type { HealthRecordParse } from '../etcd/health-record.js';
import { parseHealthRecord } from '../etcd/health-record.js';
import type { CaRotation, TlsRecord, TlsState } from '../tls/phase.js';
import type { TlsKind } from '../tls/request.js';

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
  /** Bumped by the leader with each root password change, so every unit runs a hook that reads the new one. */
  passwordGeneration: 'password_generation',
  clusterToken: 'cluster_token',
  /** Canonical's key: the etcd user of each client request, `{"<request key>": "<CN>"}` (src/clients/plan.ts). */
  managedUsers: 'managed_users',
  /** The client leaf certificates every unit adds to its client trust bundle (JSON list of PEMs, leader-written). */
  clientTrust: 'client_trust',
  /** Extra client CAs received on `client-cas` (certificate_transfer), trusted by every unit (JSON list of PEMs, leader-written). */
  clientCas: 'client_cas',
  /** Canonical's key: set by `rebuild-cluster` (here to the rebuild's id) until every unit is back in the new cluster. */
  rebuildCluster: 'rebuild_cluster',
  /** `stopping` (units stop, the others' data goes) or `restarted` (the survivor runs alone; the others rejoin as learners). */
  rebuildPhase: 'rebuild_phase',
} as const;

/** The key Juju itself sets in every unit's relation bag to the unit's ingress address on that endpoint. */
export const JUJU_INGRESS_ADDRESS = 'ingress-address';

/** Keys of each unit's `etcd-peers` databag. */
export const UNIT_KEYS = {
  privateIp: 'private_ip',
  /** `started` once etcd ran on this unit as a cluster member. */
  state: 'state',
  health: 'health',
  /** The tuning fingerprint etcd on this unit runs with. */
  configHash: 'config_hash',
  /** The id of the rebuild this unit stopped (and, off the leader, dropped its data) for. */
  rebuildStopped: 'rebuild_stopped',
} as const;

/** Canonical's per-unit TLS keys (reference charmed-etcd-relations.md 2.3), one set per side. */
export const TLS_UNIT_KEYS = {
  peer: { state: 'tls_peer_state', rotation: 'tls_peer_ca_rotation', tracked: 'tls_peer_certificate_tracked' },
  client: { state: 'tls_client_state', rotation: 'tls_client_ca_rotation', tracked: 'tls_client_certificate_tracked' },
} as const satisfies Record<TlsKind, Record<string, string>>;

const TLS_STATE = z.enum(['no-tls', 'to-tls', 'tls', 'to-no-tls']) satisfies z.ZodType<TlsState>;
const CA_ROTATION = z.enum(['no-rotation', 'new-ca-detected', 'new-ca-added', 'cert-updated']) satisfies z.ZodType<CaRotation>;

/** One side's record; absent keys read as no TLS and no rotation, bad ones too (and are named in `malformed`). */
function tlsRecord(bag: Readonly<Record<string, string>>, kind: TlsKind, malformed: string[]): TlsRecord {
  const keys = TLS_UNIT_KEYS[kind];
  return {
    state: checked(bag, keys.state, TLS_STATE, malformed) ?? 'no-tls',
    rotation: checked(bag, keys.rotation, CA_ROTATION, malformed) ?? 'no-rotation',
  };
}

/** Whether a unit's member serves that side over TLS now, by its record (`to-no-tls` still does until its restart). */
export const servesTls = (record: TlsRecord): boolean => record.state === 'tls' || record.state === 'to-no-tls';

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

/** Rules for the app bag's checked keys; a value breaking one reads as absent and is reported. */
const APP_VALUE_RULES = {
  [APP_KEYS.clusterState]: z.enum(['new', 'existing']),
  [APP_KEYS.learningMember]: z.string().regex(/^[0-9a-f]{1,16}$/),
  [APP_KEYS.credentials]: z.string().regex(/^secret:/),
} as const;

/** The value of `key` if present and valid; a present but invalid one is added to `malformed`. */
function checked<T>(bag: Readonly<Record<string, string>>, key: string, rule: z.ZodType<T>, malformed: string[]): T | undefined {
  const raw = bag[key];
  if (raw === undefined || raw === '') return undefined;
  const parsed = rule.safeParse(raw);
  if (parsed.success) return parsed.data;
  malformed.push(key);
  return undefined;
}

/** The application databag, validated. */
export interface AppState {
  readonly clusterState: 'new' | 'existing' | undefined;
  readonly clusterMembers: readonly ClusterMember[];
  readonly learningMember: string | undefined;
  readonly authEnabled: boolean;
  readonly credentialsSecret: string | undefined;
  readonly clusterToken: string | undefined;
  readonly managedUsers: Readonly<Record<string, string>>;
  readonly clientTrust: readonly string[];
  readonly clientCas: readonly string[];
  /** A `rebuild-cluster` under way. */
  readonly rebuild: { readonly id: string; readonly phase: 'stopping' | 'restarted' } | undefined;
  /** Keys present with a value that breaks their rule (read as absent). */
  readonly malformed: readonly string[];
}

/** Validates the app bag. Never throws: a malformed value reads as absent and is named in `malformed`. */
export function parseAppState(bag: Readonly<Record<string, string>>): AppState {
  const malformed: string[] = [];
  return {
    clusterState: checked(bag, APP_KEYS.clusterState, APP_VALUE_RULES[APP_KEYS.clusterState], malformed),
    clusterMembers: parseClusterMembers(bag[APP_KEYS.clusterMembers]),
    learningMember: checked(bag, APP_KEYS.learningMember, APP_VALUE_RULES[APP_KEYS.learningMember], malformed),
    authEnabled: bag[APP_KEYS.authentication] === 'enabled',
    credentialsSecret: checked(bag, APP_KEYS.credentials, APP_VALUE_RULES[APP_KEYS.credentials], malformed),
    clusterToken: bag[APP_KEYS.clusterToken] || undefined,
    managedUsers: jsonOf(bag, APP_KEYS.managedUsers, z.record(z.string(), z.string()), {}, malformed),
    clientTrust: jsonOf(bag, APP_KEYS.clientTrust, PEM_LIST, [], malformed),
    clientCas: jsonOf(bag, APP_KEYS.clientCas, PEM_LIST, [], malformed),
    rebuild: rebuildOf(bag, malformed),
    malformed,
  };
}

const REBUILD_PHASE = z.enum(['stopping', 'restarted']);

function rebuildOf(bag: Readonly<Record<string, string>>, malformed: string[]): AppState['rebuild'] {
  const id = bag[APP_KEYS.rebuildCluster];
  if (id === undefined || id === '') return undefined;
  // A rebuild without a readable phase is taken as just begun: stopping is the safe side.
  return { id, phase: checked(bag, APP_KEYS.rebuildPhase, REBUILD_PHASE, malformed) ?? 'stopping' };
}

const PEM_LIST = z.array(z.string().includes('-----BEGIN CERTIFICATE-----'));

/** Every started unit (and this one) serves client TLS with no client CA rotation running: when client-side trust may change. */
export const clientTlsSettled = (own: UnitState, peers: readonly UnitState[]): boolean =>
  [own, ...peers.filter((p) => p.started)].every((u) => u.tls.client.state === 'tls' && u.tls.client.rotation === 'no-rotation');

/** What every unit's client trust bundle holds beside the provider's CAs: etcd-client requirers' leaves, then client-cas CAs. */
export const clientTrustExtras = (app: AppState): readonly string[] => [...app.clientTrust, ...app.clientCas];

/** A JSON value under `key` checked by `rule`; absent reads as `empty`, malformed too (and is named). */
function jsonOf<T>(bag: Readonly<Record<string, string>>, key: string, rule: z.ZodType<T>, empty: T, malformed: string[]): T {
  const raw = bag[key];
  if (raw === undefined || raw === '') return empty;
  try {
    const parsed = rule.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: malformed below
  }
  malformed.push(key);
  return empty;
}

/** What a unit publishes, as read by others (or by itself). */
export interface UnitState {
  readonly unit: string;
  readonly unitNumber: number;
  /** `<app><n>`. */
  readonly memberName: string;
  /** The address the unit published (`private_ip`): the one its etcd member runs at. */
  readonly ip: string | undefined;
  /** The address Juju keeps in the bag (`ingress-address`, rewritten after a config-changed once the machine's address changed). */
  readonly jujuAddress: string | undefined;
  readonly started: boolean;
  /** Undefined when no record was published; `{ok: false}` when it is malformed. */
  readonly health: HealthRecordParse | undefined;
  readonly configHash: string | undefined;
  /** The unit's TLS records, per side. */
  readonly tls: Readonly<Record<TlsKind, TlsRecord>>;
  /** Per side, the digest of the certificate tracked for renewal (src/tls/renewal.ts). */
  readonly tlsTracked: Readonly<Record<TlsKind, string | undefined>>;
  readonly rebuildStopped: string | undefined;
  /** Keys present with a value that breaks their rule (read as absent); the health record reports its own. */
  readonly malformed: readonly string[];
}

const IPV4 = z.string().regex(/^\d{1,3}(?:\.\d{1,3}){3}$/);
const STATE = z.literal('started');

/** Reads one unit's bag. Never throws: bad values read as absent (named in `malformed`), a bad health record as `{ok: false}`. */
export function parseUnitState(unit: string, app: string, bag: Readonly<Record<string, string>>): UnitState {
  const number = unitNumber(unit);
  const health = bag[UNIT_KEYS.health];
  const malformed: string[] = [];
  return {
    unit,
    unitNumber: number,
    memberName: `${app}${number}`,
    ip: checked(bag, UNIT_KEYS.privateIp, IPV4, malformed),
    // Juju's own key: an odd value is not the unit's fault, so it is not reported.
    jujuAddress: checked(bag, JUJU_INGRESS_ADDRESS, IPV4, []),
    started: checked(bag, UNIT_KEYS.state, STATE, malformed) !== undefined,
    health: health === undefined ? undefined : parseHealthRecord(health),
    configHash: bag[UNIT_KEYS.configHash] || undefined,
    tls: { peer: tlsRecord(bag, 'peer', malformed), client: tlsRecord(bag, 'client', malformed) },
    tlsTracked: { peer: bag[TLS_UNIT_KEYS.peer.tracked] || undefined, client: bag[TLS_UNIT_KEYS.client.tracked] || undefined },
    rebuildStopped: bag[UNIT_KEYS.rebuildStopped] || undefined,
    malformed,
  };
}
