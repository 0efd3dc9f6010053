/**
 * reconcile's reads, taken before it decides anything. Every read here is a
 * hook-tool call or a file read, each made once (CharmHook and Model cache
 * them), and only where the plan uses its answer: nothing past the snap when
 * etcd is not installed, no password while a restore runs. What steps change
 * (bags, TLS files, the address) is re-read by apply, not here.
 */
import type { Relation } from '../../../lib/juju/index.js';
import type { CharmHook, SelfMember } from '../../charm/charm-hook.js';
import type { CharmConfigResult } from '../../charm/charm-config.js';
import type { DesiredPassword } from '../../charm/credentials.js';
import { currentPassword, desiredPassword } from '../../charm/credentials.js';
import type { AppState, UnitState } from '../../charm/peers.js';
import type { RefreshOutcome } from '../../refresh/step.js';
import type { RestoreGate } from '../../backup/restore-gate.js';
import { idleRestoreGate } from '../../backup/restore-gate.js';
import type { EtcdApi } from '../../etcd/api.js';
import type { RawMemberHealth } from '../../etcd/health.js';
import type { HealthRecord } from '../../etcd/health-record.js';
import { CLIENT_ENDPOINT } from '../../clients/endpoint.js';
import { CLIENT_CAS_ENDPOINT } from '../../tls/endpoints.js';
import type { SnapInstallResult } from '../install.js';
import { ensureSnap } from '../install.js';
import { probeSelf } from '../health-step.js';

/** What every hook reads first. */
export interface BaseSnapshot {
  readonly isUpdateStatus: boolean;
  readonly refreshInProgress: boolean;
  readonly isLeader: boolean;
  readonly config: CharmConfigResult;
  readonly snap: SnapInstallResult;
}

/** The unit is installed and in its peer relation: the bags, its member and the passwords. */
export interface PeeredSnapshot extends BaseSnapshot {
  readonly snapRevision: string;
  readonly relation: Relation;
  /** This unit's bag as the hook found it (before its first `private_ip` is staged). */
  readonly own: UnitState;
  readonly self: SelfMember;
  /** The machine's address on the peer binding now. */
  readonly address: string;
  /** The gate when no restore runs; undefined when one does until its step ran (then what it said). */
  readonly restore: RestoreGate | undefined;
  readonly app: AppState;
  readonly peers: readonly UnitState[];
  /** Read only when no restore runs (the gate returns before either is used). */
  readonly desired: DesiredPassword;
  readonly password: string | undefined;
}

export type Snapshot =
  | { readonly kind: 'no-snap'; readonly base: BaseSnapshot }
  | { readonly kind: 'no-relation'; readonly base: BaseSnapshot }
  | { readonly kind: 'peered'; readonly peered: PeeredSnapshot };

const NO_PASSWORD_CHANGE: DesiredPassword = { ok: true, password: undefined };

export async function observe(scope: CharmHook, refresh: RefreshOutcome): Promise<Snapshot> {
  const { model, log } = scope;
  const event = model.context.event;
  const isLeader = await model.isLeader();
  const config = await scope.config();
  const snap = await ensureSnap(scope);
  const base: BaseSnapshot = { isUpdateStatus: event.kind === 'hook' && event.name === 'update-status', refreshInProgress: refresh.inProgress, isLeader, config, snap };
  if (!snap.ok) return { kind: 'no-snap', base };
  const relation = await scope.peer();
  if (relation === undefined) return { kind: 'no-relation', base };
  // The bags' relation-get calls run side by side rather than one after another.
  scope.prefetchPeerData(relation);
  const own = await scope.own(relation);
  const self = await scope.self();
  const address = await scope.networkAddress();
  const restore = idleRestoreGate(await relation.localAppData.read(), await relation.localUnitData.read());
  const app = await scope.app(relation);
  const peers = await scope.peers(relation);
  const passwords = restore === undefined ? { desired: NO_PASSWORD_CHANGE, password: undefined } : await observePasswords(scope, base, app);
  return { kind: 'peered', peered: { ...base, snapRevision: snap.revision, relation, own, self, address, restore, app, peers, ...passwords } };
}

/** The root password wanted (leader, from `system-users`) and the one in the app secret. */
async function observePasswords(scope: CharmHook, base: BaseSnapshot, app: AppState): Promise<Pick<PeeredSnapshot, 'desired' | 'password'>> {
  const { model, log } = scope;
  const desired = base.isLeader && base.config.ok ? await desiredPassword(model, base.config.config.systemUsers, log) : NO_PASSWORD_CHANGE;
  return { desired, password: await currentPassword(model, app) };
}

/** A restore step ran and let the hook go on: its writes are in the bags, and the passwords were not read yet. */
export async function observeAfterRestore(scope: CharmHook, s: PeeredSnapshot, restore: RestoreGate): Promise<PeeredSnapshot> {
  const app = await scope.app(s.relation);
  return { ...s, restore, own: await scope.own(s.relation), app, ...(await observePasswords(scope, s, app)) };
}

/** What the steps after the member's own (health, leader duties, clients) decide on, read once those ran. */
export interface RunningSnapshot {
  /** This unit's member has started (maybe in this very hook). */
  readonly started: boolean;
  /** The probe of this unit's member, when it has started. */
  readonly probe: { readonly raw: RawMemberHealth; readonly record: HealthRecord } | undefined;
  /** Relations on the leader's endpoints; empty where planRunning does not look at them (not read). */
  readonly clientRelations: readonly Relation[];
  readonly casRelations: readonly Relation[];
}

export interface RunningReads {
  readonly client: EtcdApi;
  readonly self: SelfMember;
  readonly snapRevision: string;
  /** The leader of a recorded cluster: its client CAs matter, and its clients once the member runs with a root password. */
  readonly leaderOfCluster: boolean;
  readonly hasPassword: boolean;
}

export async function observeRunning(scope: CharmHook, relation: Relation, reads: RunningReads): Promise<RunningSnapshot> {
  const started = (await scope.own(relation)).started;
  const probe = started ? await probeSelf(reads.client, reads.self.clientUrl, reads.snapRevision) : undefined;
  // relation-ids, once per endpoint per hook (Model caches it); only where the plan uses the answer.
  const clientRelations = reads.leaderOfCluster && started && reads.hasPassword ? await scope.model.relations(CLIENT_ENDPOINT) : [];
  const casRelations = reads.leaderOfCluster ? await scope.model.relations(CLIENT_CAS_ENDPOINT) : [];
  return { started, probe, clientRelations, casRelations };
}
