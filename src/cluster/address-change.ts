/**
 * A unit whose machine changed its private address moves its etcd member
 * there. Juju runs config-changed on the unit when its address changes
 * (juju/juju internal/worker/uniter: the remote state's AddressesHash) and
 * answers the new address to `network-get` at once. The member keeps running
 * at the address the unit published (`private_ip`) until it has moved, so
 * every other step of the hook renders the old one (CharmHook.self).
 *
 * The move, one unit at a time and never during a refresh (the order of the
 * rolling restart, src/cluster/rolling-restart.ts: the lowest unit that has
 * to move goes first, only while every other member is healthy and none is
 * half-way through a move):
 * 1. with TLS on, the certificates must name the new address first: the
 *    unit's CSRs ask for it (src/cluster/tls-switch.ts), and it waits for them;
 * 2. raft leadership moves off the member; `member update` announces the new
 *    peer URL (through any member that answers);
 * 3. the config is rendered with the new address and etcd restarts there;
 * 4. once it is back with a leader, the unit publishes its new `private_ip`.
 * Each step looks first whether it is already done, so a hook killed at any
 * line is carried on by the next one.
 *
 * Canonical's charm restarts without the rolling lock; this one keeps to the
 * order so that two moves never take two members down at once.
 */
import type { Relation } from '../../lib/juju/index.js';
import type { CharmHook } from '../charm/charm-hook.js';
import { clientTrustExtras, UNIT_KEYS } from '../charm/peers.js';
import type { UnitState } from '../charm/peers.js';
import { restartHash } from '../charm/charm-config.js';
import type { CharmStatus } from '../charm/status.js';
import { STATUS } from '../charm/status.js';
import { showProgress } from '../charm/status-resolver.js';
import type { EtcdApi } from '../etcd/api.js';
import { moveLeadershipAway, scanMembers } from '../etcd/cluster-scan.js';
import { EtcdError } from '../etcd/errors/etcd-error.js';
import { clientUrl, peerAddress, peerUrl } from '../etcd/config.js';
import type { Member } from '../etcd/membership.js';
import { readInstalled } from '../tls/files.js';
import { TLS_KINDS, type TlsKind } from '../tls/request.js';
import type { MemberContext } from './first-start.js';
import { refreshConfigFile, restartMember } from './running-member.js';

/** Status texts; the first is Canonical's (reference charmed-etcd-relations.md 2.7). */
export const ADDRESS_STATUS = {
  refreshingCertificates: 'Refreshing TLS certificates because of updated IP address',
  moving: 'Moving etcd to the updated IP address',
  waitsForRefresh: 'IP address change waits for the refresh to finish',
  waitingTurn: (member: string): string => `Waiting to move etcd to the updated IP address after ${member}`,
} as const;

/** Another unit, as the move order sees it. */
export interface PeerAddress {
  readonly unitNumber: number;
  readonly memberName: string;
  readonly started: boolean;
  /** Its last health record says healthy. */
  readonly healthy: boolean;
  /** Juju's address for it differs from the one it published: it has a move of its own to make. */
  readonly pending: boolean;
}

export interface AddressInput {
  /** The machine's address now (network-get). */
  readonly address: string;
  /** The address this unit published, which its member runs at. */
  readonly published: string | undefined;
  readonly started: boolean;
  readonly unitNumber: number;
  readonly refreshInProgress: boolean;
  /** Each side with TLS installed, and whether its certificate names `address`. */
  readonly tls: readonly { readonly kind: TlsKind; readonly namesAddress: boolean }[];
  readonly peers: readonly PeerAddress[];
  /** A member etcd lists at an address its unit has not published (a move half-way), other than this one. */
  readonly moving: string | undefined;
}

export type AddressStep =
  | { readonly kind: 'steady' }
  /** No member runs at the old address: publish the new one now. */
  | { readonly kind: 'publish' }
  | { readonly kind: 'wait'; readonly status: CharmStatus; readonly reason: string }
  | { readonly kind: 'move'; readonly status: CharmStatus };

/** What this unit does about its address in this hook. Pure. */
export function planAddress(input: AddressInput): AddressStep {
  if (input.published === input.address) return { kind: 'steady' };
  if (!input.started || input.published === undefined) return { kind: 'publish' };
  const text = input.tls.length > 0 ? ADDRESS_STATUS.refreshingCertificates : ADDRESS_STATUS.moving;
  if (input.refreshInProgress) return { kind: 'wait', status: { name: 'waiting', message: ADDRESS_STATUS.waitsForRefresh }, reason: 'a refresh is in progress' };
  const unnamed = input.tls.find((side) => !side.namesAddress);
  if (unnamed !== undefined) {
    return { kind: 'wait', status: { name: 'maintenance', message: ADDRESS_STATUS.refreshingCertificates }, reason: `waiting for a ${unnamed.kind} certificate naming ${input.address}` };
  }
  const started = input.peers.filter((p) => p.started).sort((a, b) => a.unitNumber - b.unitNumber);
  const waitFor = (member: string, reason: string): AddressStep => ({ kind: 'wait', status: { name: 'waiting', message: ADDRESS_STATUS.waitingTurn(member) }, reason });
  const ahead = started.find((p) => p.pending && p.unitNumber < input.unitNumber);
  if (ahead !== undefined) return waitFor(ahead.memberName, `${ahead.memberName} moves first`);
  if (input.moving !== undefined) return waitFor(input.moving, `${input.moving} is moving`);
  // A member that has a move to make is down for that reason: waiting for it would wait forever.
  const sick = started.find((p) => !p.pending && !p.healthy);
  if (sick !== undefined) return waitFor(sick.memberName, `${sick.memberName} is not healthy`);
  return { kind: 'move', status: { name: 'maintenance', message: text } };
}

const hostOf = (url: string): string => peerAddress(url).replace(/:\d+$/, '');

/** The member, other than `selfName`, that etcd lists at an address its unit has not published. Pure. */
export function memberMovingAway(members: readonly Member[], peers: readonly UnitState[], selfName: string): string | undefined {
  for (const m of members) {
    if (m.name === '' || m.name === selfName) continue;
    const unit = peers.find((p) => p.memberName === m.name);
    if (unit?.ip !== undefined && !m.peerUrls.some((url) => hostOf(url) === unit.ip)) return m.name;
  }
  return undefined;
}

export interface AddressResult {
  readonly statuses: readonly (CharmStatus | undefined)[];
  /** It restarted etcd at the new address and etcd did not come back. */
  readonly restartedUnhealthy: boolean;
}

const DONE: AddressResult = { statuses: [], restartedUnhealthy: false };

/** This unit's `private_ip` is published once, before its member exists (then only by a completed move). */
export function publishFirstAddress(relation: Relation, own: UnitState, address: string): void {
  if (!own.started || own.ip === undefined) relation.localUnitData.set(UNIT_KEYS.privateIp, address);
}

/** Each side with TLS installed, and whether its certificate names `address`. */
async function tlsSides(scope: CharmHook, address: string): Promise<AddressInput['tls']> {
  const sides = await Promise.all(TLS_KINDS.map(async (kind) => ({ kind, installed: await readInstalled(scope.effects.root, kind) })));
  const installed = sides.filter((s) => s.installed !== undefined);
  if (installed.length === 0) return [];
  // The X.509 parser is loaded only where TLS runs.
  const { parseCertificate } = await import('../tls/x509.js');
  return installed.map((s) => ({ kind: s.kind, namesAddress: parseCertificate(s.installed!.certificate).sansIp.includes(address) }));
}

/**
 * Moves this unit's member to the machine's new address when its turn has
 * come (see the module comment). Resolves with status candidates.
 * @throws EtcdError when etcd refuses the move (the hook fails and is retried).
 */
export async function followAddress(ctx: MemberContext, peers: readonly UnitState[], client: EtcdApi, refreshInProgress: boolean): Promise<AddressResult> {
  const { scope, relation, own, self } = ctx;
  const address = await scope.networkAddress();
  if (own.ip === address) return DONE;
  if (!own.started || own.ip === undefined) {
    publishFirstAddress(relation, own, address);
    return DONE;
  }
  let members: readonly Member[] = [];
  try {
    members = await client.memberList();
  } catch (error) {
    if (!(error instanceof EtcdError)) throw error;
    // No member answers: nothing can move now; a later hook tries again.
  }
  const step = planAddress({
    address,
    published: own.ip,
    started: own.started,
    unitNumber: scope.model.unitNumber,
    refreshInProgress,
    tls: await tlsSides(scope, address),
    peers: peers.map((p) => ({
      unitNumber: p.unitNumber,
      memberName: p.memberName,
      started: p.started,
      healthy: p.health?.ok === true && p.health.record.healthy,
      pending: p.jujuAddress !== undefined && p.ip !== undefined && p.jujuAddress !== p.ip,
    })),
    moving: memberMovingAway(members, peers, self.name),
  });
  if (step.kind === 'steady' || step.kind === 'publish') return DONE;
  if (step.kind === 'wait') {
    scope.log.info(`${self.name} stays at ${own.ip} for now (machine address ${address}): ${step.reason}`);
    return { statuses: [step.status], restartedUnhealthy: false };
  }
  if (members.length === 0) return { statuses: [{ name: 'waiting', message: ADDRESS_STATUS.waitingTurn('a member that answers') }], restartedUnhealthy: false };
  await showProgress(scope.model, step.status);
  return move(ctx, client, members, address);
}

/** Steps 2-4 of the module comment, each skipped when a killed hook already did it. */
async function move(ctx: MemberContext, client: EtcdApi, members: readonly Member[], address: string): Promise<AddressResult> {
  const { scope, relation, self } = ctx;
  const own = members.find((m) => m.name === self.name) ?? members.find((m) => m.peerUrls.some((url) => peerAddress(url) === peerAddress(self.peerUrl)));
  if (own === undefined) throw new Error(`etcd lists no member ${self.name} to move to ${address}`);
  const target = { ...self, ip: address, peerUrl: peerUrl(address, self.peerTls), clientUrl: clientUrl(address, self.clientTls) };
  if (!own.peerUrls.some((url) => peerAddress(url) === peerAddress(target.peerUrl))) {
    if (await moveLeadershipAway(client, own.id, members, await scanMembers(client, members))) scope.log.info(`moved raft leadership away from ${self.name} before its move`);
    scope.log.info(`announcing ${self.name}'s peer URL ${target.peerUrl} (was ${own.peerUrls.join(',')})`);
    await client.memberUpdate(own.id, [target.peerUrl]);
  }
  const next: MemberContext = { ...ctx, self: target };
  const rewritten = await refreshConfigFile(next);
  if (rewritten || !(await answersAt(client, target.clientUrl))) {
    scope.log.info(`restarting ${self.name} at ${address}`);
    if (!(await restartMember(next, client))) return { statuses: [{ name: 'maintenance', message: STATUS.unhealthyAfterRestart }], restartedUnhealthy: true };
  }
  // The restart applied the current tuning as well.
  relation.localUnitData.set(UNIT_KEYS.configHash, restartHash(ctx.config.tuning, clientTrustExtras(ctx.app)));
  relation.localUnitData.set(UNIT_KEYS.privateIp, address);
  scope.addressChanged();
  scope.log.info(`${self.name} moved from ${self.ip} to ${address}`);
  return DONE;
}

/** etcd answers at `endpoint` with a leader (a killed hook restarted it there already). */
async function answersAt(client: EtcdApi, endpoint: string): Promise<boolean> {
  try {
    return (await client.status(endpoint)).leaderId !== undefined;
  } catch (error) {
    if (error instanceof EtcdError) return false;
    throw error;
  }
}
