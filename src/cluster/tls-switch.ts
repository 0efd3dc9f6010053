/**
 * TLS on this unit's member, one safe step per hook: ask for the
 * certificates, decide each side's next step (src/tls/phase.ts), and carry it
 * out. Steps that need a restart go one unit at a time, lowest unit number
 * first, each only when every started unit below it has done the same step
 * and is healthy; the restart moves raft leadership away first and, when the
 * peer scheme changes, announces the member's new peer URL with `member
 * update` before it (Canonical's order, reference charmed-etcd-relations.md
 * 2.4 and 2.5; proven on etcd itself by tests/integration/etcd/tls-switch.test.ts).
 * A member that has not started takes what it should run with as files
 * only, so a new cluster starts with TLS from its first member.
 */
import type { Relation } from '../../lib/juju/index.js';
import type { EtcdApi } from '../etcd/api.js';
import { peerUrl, peerAddress } from '../etcd/config.js';
import type { CharmStatus } from '../charm/status.js';
import { STATUS } from '../charm/status.js';
import { TLS_UNIT_KEYS, UNIT_KEYS, clientTrustExtras } from '../charm/peers.js';
import type { UnitState } from '../charm/peers.js';
import { restartHash } from '../charm/charm-config.js';
import { readInstalled, removeSide, writeSide } from '../tls/files.js';
import { nextTlsSteps, reached, transitionStatus, type SideInput, type SideStep, type TlsRecord } from '../tls/phase.js';
import { certificatesExpiring, INVALID_PRIVATE_KEY } from '../tls/statuses.js';
import { certificateRequestFor, parseExtraSans, TLS_KINDS, type TlsKind } from '../tls/request.js';
import type { CertificateAnswer } from '../tls/unit-certificate.js';
import { certificateNotAfter } from '../tls/pem.js';
import type { MemberContext } from './first-start.js';
import { refreshConfigFile, restartMember } from './running-member.js';

/** Canonical warns when a certificate ends within a day (`openssl x509 -checkend 86400`). */
const DAY_MS = 86_400_000;

/** The relation of each side (Canonical's names). */
export const TLS_ENDPOINTS: Readonly<Record<TlsKind, string>> = { peer: 'peer-certificates', client: 'client-certificates' };

export interface TlsResult {
  readonly statuses: readonly (CharmStatus | undefined)[];
  /** Both sides run as wanted (or wait on nothing this unit could start with): a member that has not started may start. */
  readonly readyToStart: boolean;
  readonly restartedUnhealthy: boolean;
}

interface SideView {
  readonly kind: TlsKind;
  readonly relation: Relation | undefined;
  readonly answer: CertificateAnswer | undefined;
  readonly input: SideInput;
}

/** The relation of `kind`, unless this very hook is its relation-broken (Juju still lists it then). */
async function liveRelation(ctx: MemberContext, kind: TlsKind): Promise<Relation | undefined> {
  const { model } = ctx.scope;
  const relation = await model.relation(TLS_ENDPOINTS[kind]);
  const event = model.context.event;
  if (relation !== undefined && event.kind === 'hook' && event.name === `${TLS_ENDPOINTS[kind]}-relation-broken` && event.relation?.id === relation.id) return undefined;
  return relation;
}

async function observeSide(ctx: MemberContext, kind: TlsKind, peers: readonly UnitState[], started: boolean, renew: string | undefined): Promise<SideView> {
  const { scope, self, config, own } = ctx;
  const relation = await liveRelation(ctx, kind);
  let answer: CertificateAnswer | undefined;
  if (relation !== undefined) {
    // Checked by the config parser already: a bad value never gets here.
    const extra = parseExtraSans(config.tls.extraSans, scope.model.unitNumber);
    const sans = extra.ok ? extra.sans : { ips: [], dns: [] };
    // The machine's address now; a member still at the address it moves from keeps that one too (src/cluster/address-change.ts).
    const ip = await scope.networkAddress();
    const kept = ip === self.ip ? sans : { ...sans, ips: [...sans.ips, self.ip] };
    const identity = { unitName: scope.model.unitName, unitNumber: scope.model.unitNumber, modelUuid: scope.model.context.modelUuid, ip, hostname: scope.effects.hostname() };
    // Keys, CSRs and offers need the X.509 library: loaded only where a relation exists.
    const { requestCertificate } = await import('../tls/unit-certificate.js');
    const requested = await requestCertificate({
      secrets: scope.model.secrets,
      relation,
      unitNumber: scope.model.unitNumber,
      operatorKey: kind === 'peer' ? config.tls.peerPrivateKey : config.tls.clientPrivateKey,
      wanted: certificateRequestFor(kind, identity, kept, kind === 'peer' ? config.tls.peerDomain : config.tls.clientDomain),
      now: new Date(scope.effects.now()),
      renew,
      tracked: own.tlsTracked[kind],
    });
    answer = requested;
    if (requested.tracked !== undefined) ctx.relation.localUnitData.set(TLS_UNIT_KEYS[kind].tracked, requested.tracked);
    if (answer.kind === 'refused') scope.log.warn(`not installing the ${kind} certificate from ${relation.idString}: ${answer.reason}`);
  }
  const installed = await readInstalled(scope.effects.root, kind);
  return {
    kind,
    relation,
    answer,
    input: {
      kind,
      related: relation !== undefined,
      offered: answer?.kind === 'offered' ? answer.offered : undefined,
      installed,
      record: own.tls[kind],
      peers: peers.filter((p) => p.started).map((p) => p.tls[kind]),
      started,
    },
  };
}

const writeRecord = (ctx: MemberContext, kind: TlsKind, record: TlsRecord): void => {
  ctx.relation.localUnitData.set(TLS_UNIT_KEYS[kind].state, record.state);
  ctx.relation.localUnitData.set(TLS_UNIT_KEYS[kind].rotation, record.rotation);
};

/** The expired certificate-tracking secret this hook is for, if any (the renewal module is loaded only then). */
async function expiredTracking(ctx: MemberContext): Promise<{ readonly id: string; readonly csr: string | undefined } | undefined> {
  const { model } = ctx.scope;
  const event = model.context.event;
  if (event.kind !== 'hook' || event.name !== 'secret-expired') return undefined;
  const { expiredCertificate } = await import('../tls/renewal.js');
  return expiredCertificate(model.context, model.unitNumber, model.secrets);
}

/** The lowest started unit below this one that has not done the step ending in `after` on `kind`, or is unhealthy. */
function blockerBelow(ctx: MemberContext, peers: readonly UnitState[], kind: TlsKind, after: TlsRecord): UnitState | undefined {
  const desired = restartHash(ctx.config.tuning, clientTrustExtras(ctx.app));
  return peers
    .filter((p) => p.started && p.unitNumber < ctx.scope.model.unitNumber)
    .sort((a, b) => a.unitNumber - b.unitNumber)
    .find((p) => !reached(p.tls[kind], after) || p.configHash !== desired || !(p.health?.ok === true && p.health.record.healthy));
}

/** Statuses that stay while a side runs: a bad operator key, an answer that cannot be installed, a certificate about to expire. */
function sideProblems(view: SideView, now: Date): (CharmStatus | undefined)[] {
  const { answer, input } = view;
  if (answer?.kind === 'bad-key') return [{ name: 'blocked', message: INVALID_PRIVATE_KEY }];
  const out: (CharmStatus | undefined)[] = [];
  if (answer?.kind === 'refused' && input.installed === undefined) out.push({ name: 'maintenance', message: STATUS.tlsNotReady });
  if (input.installed !== undefined && certificateNotAfter(input.installed.certificate).getTime() - now.getTime() <= DAY_MS) {
    out.push({ name: 'blocked', message: certificatesExpiring(view.kind) });
  }
  return out;
}

export async function switchTls(ctx: MemberContext, peers: readonly UnitState[], client: EtcdApi, refreshInProgress: boolean): Promise<TlsResult> {
  const { scope } = ctx;
  const started = ctx.own.started;
  const now = new Date(scope.effects.now());
  // A certificate-tracking secret expired: its CSR is replaced on whichever side still publishes it.
  const expired = await expiredTracking(ctx);
  const [peerView, clientView] = await Promise.all(TLS_KINDS.map((kind) => observeSide(ctx, kind, peers, started, expired?.csr)));
  if (expired !== undefined) {
    const { dropTracking } = await import('../tls/renewal.js');
    await dropTracking(scope.model.secrets, expired.id);
    scope.log.info(`renewing the TLS certificate whose renewal time came (secret ${expired.id})`);
  }
  const views = { peer: peerView!, client: clientView! };
  const steps = nextTlsSteps(views.peer.input, views.client.input);
  const problems = [...sideProblems(views.peer, now), ...sideProblems(views.client, now)];
  const statuses: (CharmStatus | undefined)[] = [...problems];
  if (TLS_KINDS.some((kind) => views[kind].answer?.kind === 'bad-key')) return { statuses, readyToStart: false, restartedUnhealthy: false };
  // A side still waits when the provider's answer cannot be installed yet, or its step says so.
  let waiting = TLS_KINDS.some((kind) => views[kind].answer?.kind === 'refused' && views[kind].input.installed === undefined);

  const applies: { kind: TlsKind; step: Extract<SideStep, { kind: 'apply' }> }[] = [];
  for (const kind of TLS_KINDS) {
    const step = steps[kind];
    const record = views[kind].input.record;
    const text = transitionStatus(kind, step, record);
    if (step.kind === 'record') writeRecord(ctx, kind, step.record);
    else if (step.kind === 'wait') {
      writeRecord(ctx, kind, step.record);
      scope.log.info(`${kind} TLS: ${step.reason}`);
      statuses.push({ name: 'maintenance', message: text ?? STATUS.tlsNotReady });
      waiting = true;
    } else if (step.kind === 'apply') applies.push({ kind, step });
    else writeRecord(ctx, kind, record);
  }
  if (applies.length === 0) return { statuses, readyToStart: !waiting, restartedUnhealthy: false };

  const restart = started && applies.some((a) => a.step.restart);
  if (restart) {
    const first = applies.find((a) => a.step.restart)!;
    const text = transitionStatus(first.kind, first.step, first.step.before) ?? STATUS.tlsNotReady;
    for (const a of applies) writeRecord(ctx, a.kind, a.step.before);
    // Nothing moves until the refresh completes: say so, rather than the transition that waits.
    if (refreshInProgress) return { statuses: [...problems, { name: 'waiting', message: STATUS.tlsWaitsForRefresh }], readyToStart: false, restartedUnhealthy: false };
    const blocker = blockerBelow(ctx, peers, first.kind, first.step.after);
    if (blocker !== undefined) {
      scope.log.info(`${first.kind} TLS: waiting for ${blocker.memberName} to finish the same step`);
      return { statuses: [...statuses, { name: 'maintenance', message: text }], readyToStart: false, restartedUnhealthy: false };
    }
  }

  for (const { kind, step } of applies) {
    const answer = views[kind].answer;
    if (step.files === 'off') await removeSide(scope.effects.root, kind);
    else {
      // An apply with files always comes from an offered certificate (phase.ts), whose key is the answer's.
      const key = answer !== undefined && answer.kind !== 'bad-key' ? answer.key : undefined;
      if (key === undefined) throw new Error(`no private key for the ${kind} certificate`);
      const intermediates = answer?.kind === 'offered' ? answer.offered.intermediates : [];
      // Client leaves of etcd-client requirers stay trusted next to the provider's CAs.
      await writeSide(scope.effects.root, kind, { ...step.files, intermediates, key }, kind === 'client' ? clientTrustExtras(ctx.app) : []);
    }
    scope.log.info(`${kind} TLS: installed ${step.files === 'off' ? 'plain http' : 'the certificate and trust bundle'} (${step.after.state}, ${step.after.rotation})`);
  }
  scope.tlsChanged();
  const self = await scope.self();
  const next = { ...ctx, self };
  if (!restart) {
    for (const a of applies) writeRecord(ctx, a.kind, a.step.after);
    // A started member reads its config file only at its next start; keep it in step with the files.
    if (started) await refreshConfigFile(next);
    return { statuses, readyToStart: !waiting, restartedUnhealthy: false };
  }

  const announce = applies.find((a) => a.step.announce !== undefined)?.step.announce;
  if (announce !== undefined) {
    const members = await client.memberList();
    const own = members.find((m) => m.name === self.name || m.peerUrls.some((url) => peerAddress(url) === peerAddress(self.peerUrl)));
    if (own !== undefined) {
      scope.log.info(`announcing ${self.name}'s peer URL ${peerUrl(self.ip, announce === 'https')} before its restart`);
      await client.memberUpdate(own.id, [peerUrl(self.ip, announce === 'https')]);
    }
  }
  await refreshConfigFile(next);
  scope.log.info(`restarting ${self.name} to switch TLS`);
  // The client reaches https members with the unit's certificate, and readiness is asked of the new URL.
  const healthy = await restartMember(next, client);
  for (const a of applies) writeRecord(ctx, a.kind, a.step.after);
  // The restart applied the current tuning too.
  ctx.relation.localUnitData.set(UNIT_KEYS.configHash, restartHash(ctx.config.tuning, clientTrustExtras(ctx.app)));
  if (healthy) return { statuses, readyToStart: true, restartedUnhealthy: false };
  const failed = applies.find((a) => a.step.restart)!.kind === 'peer' ? STATUS.peerTlsTransitionFailed : STATUS.clientTlsTransitionFailed;
  return { statuses: [...statuses, { name: 'blocked', message: failed }], readyToStart: true, restartedUnhealthy: true };
}
