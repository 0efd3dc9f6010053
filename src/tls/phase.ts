/**
 * Where one unit's TLS on one side (peer or client) should be next: a pure
 * decision over what the relation offers, what the unit runs, and what the
 * other units report. The charm carries it out (files, `member update`,
 * restart) one unit at a time through its rolling restart.
 *
 * States and their names are Canonical's (peer databag `tls_<kind>_state`
 * and `tls_<kind>_ca_rotation`). Measured on etcd 3.6 (tests/integration/
 * etcd/tls-reload.test.ts): certificate files are re-read at each handshake
 * and the trust bundle only at start, so
 * - turning TLS on or off, and changing the trust bundle, need a restart;
 * - a renewed certificate from a CA already trusted is written, no restart.
 *
 * A CA rotation runs in three phases, each one only after every unit finished
 * the one before, so no member ever meets a certificate it does not trust:
 * 1. `new-ca-detected`: the new CA joins the bundle beside the old (restart);
 *    `new-ca-added` once the member runs with it;
 * 2. when every unit is `new-ca-added` or later: the new certificate (files
 *    only), `cert-updated`;
 * 3. when every unit is `cert-updated`: the old CA leaves the bundle
 *    (restart), `no-rotation`.
 */
import type { TlsKind } from './request.js';
import { normalisePem } from './trust-bundle.js';

export type TlsState = 'no-tls' | 'to-tls' | 'tls' | 'to-no-tls';
export type CaRotation = 'no-rotation' | 'new-ca-detected' | 'new-ca-added' | 'cert-updated';

/** One side's record in the unit's peer databag. */
export interface TlsRecord {
  readonly state: TlsState;
  readonly rotation: CaRotation;
}

/** A certificate the provider issued for this unit's current CSR, already checked against its key and request. */
export interface Offered {
  readonly certificate: string;
  readonly ca: string;
}

/**
 * The TLS files a member runs with on one side. `cas` are the provider's CAs
 * only; other trusted certificates (client-cas, etcd-client leaves) are the
 * caller's to add to the bundle it writes.
 */
export interface TlsFilesContent {
  readonly certificate: string;
  readonly cas: readonly string[];
}

export interface SideInput {
  readonly kind: TlsKind;
  /** The relation exists and is not being broken in this hook. */
  readonly related: boolean;
  readonly offered: Offered | undefined;
  /** What the member runs with now; undefined: plain http on this side. */
  readonly installed: TlsFilesContent | undefined;
  readonly record: TlsRecord;
  /** The other units' records for this side. */
  readonly peers: readonly TlsRecord[];
  /** The member has started: one that has not starts with TLS as wanted, no restart. */
  readonly started: boolean;
}

export type SideStep =
  | { readonly kind: 'steady' }
  /** Only the records change. */
  | { readonly kind: 'record'; readonly record: TlsRecord }
  /** Waiting for the provider's certificate, or for the other units to finish a rotation phase. */
  | { readonly kind: 'wait'; readonly record: TlsRecord; readonly reason: string }
  | {
      readonly kind: 'apply';
      /** What the member runs with afterwards; 'off': plain http on this side. */
      readonly files: TlsFilesContent | 'off';
      readonly restart: boolean;
      /** Announce the member's peer URL with this scheme (`member update`) before the restart: peer side, started members. */
      readonly announce: 'https' | 'http' | undefined;
      /** Published before applying (what the others wait on), and once applied. */
      readonly before: TlsRecord;
      readonly after: TlsRecord;
    };

const STEADY: SideStep = { kind: 'steady' };
const MID_ROTATION: readonly CaRotation[] = ['new-ca-detected', 'new-ca-added'];
const same = (a: TlsRecord, b: TlsRecord): boolean => a.state === b.state && a.rotation === b.rotation;
const settle = (current: TlsRecord, wanted: TlsRecord): SideStep => (same(current, wanted) ? STEADY : { kind: 'record', record: wanted });

/** The next step for one side of one unit. Pure. */
export function nextSideStep(input: SideInput): SideStep {
  const { installed, offered, record, started } = input;
  const announce = (scheme: 'https' | 'http'): 'https' | 'http' | undefined => (input.kind === 'peer' && started ? scheme : undefined);
  const off: TlsRecord = { state: 'no-tls', rotation: 'no-rotation' };
  const on: TlsRecord = { state: 'tls', rotation: 'no-rotation' };

  if (!input.related) {
    if (installed === undefined) return settle(record, off);
    return { kind: 'apply', files: 'off', restart: started, announce: announce('http'), before: { state: 'to-no-tls', rotation: 'no-rotation' }, after: off };
  }
  if (offered === undefined) {
    if (installed !== undefined) return STEADY; // running with TLS; a renewal will come
    return { kind: 'wait', record: { state: 'to-tls', rotation: 'no-rotation' }, reason: 'waiting for the certificate' };
  }
  const ca = normalisePem(offered.ca);
  if (installed === undefined) {
    return { kind: 'apply', files: { certificate: offered.certificate, cas: [ca] }, restart: started, announce: announce('https'), before: { state: 'to-tls', rotation: 'no-rotation' }, after: on };
  }

  const trusted = installed.cas.map(normalisePem);
  const othersTrustNewCa = input.peers.every((p) => p.state !== 'tls' || p.rotation === 'new-ca-added' || p.rotation === 'cert-updated');
  const othersPastPhaseTwo = input.peers.every((p) => !MID_ROTATION.includes(p.rotation));

  if (!trusted.includes(ca)) {
    // Rotation phase 1: trust the new CA beside the old.
    return {
      kind: 'apply',
      files: { certificate: installed.certificate, cas: [...trusted, ca] },
      restart: started,
      announce: undefined,
      before: { state: 'tls', rotation: 'new-ca-detected' },
      after: { state: 'tls', rotation: 'new-ca-added' },
    };
  }
  if (normalisePem(installed.certificate) !== normalisePem(offered.certificate)) {
    const newFiles = { certificate: offered.certificate, cas: trusted };
    if (MID_ROTATION.includes(record.rotation)) {
      // Phase 2: the new certificate, once every member trusts its CA.
      if (!othersTrustNewCa) return { kind: 'wait', record: { state: 'tls', rotation: 'new-ca-added' }, reason: 'waiting for every unit to trust the new CA' };
      return { kind: 'apply', files: newFiles, restart: false, announce: undefined, before: { state: 'tls', rotation: 'new-ca-added' }, after: { state: 'tls', rotation: 'cert-updated' } };
    }
    // A renewal under a CA already trusted: etcd reads the files at the next handshake.
    return { kind: 'apply', files: newFiles, restart: false, announce: undefined, before: record, after: { ...record, state: 'tls' } };
  }
  if (MID_ROTATION.includes(record.rotation)) return { kind: 'record', record: { state: 'tls', rotation: 'cert-updated' } }; // phase 2 applied, record lost
  if (trusted.length > 1) {
    // Phase 3: the old CAs go once no unit still serves a certificate from them.
    if (!othersPastPhaseTwo) return { kind: 'wait', record: { state: 'tls', rotation: 'cert-updated' }, reason: 'waiting for every unit to use its new certificate' };
    return { kind: 'apply', files: { certificate: installed.certificate, cas: [ca] }, restart: started, announce: undefined, before: { state: 'tls', rotation: 'cert-updated' }, after: on };
  }
  return settle(record, on);
}

/**
 * Both sides together. Peer TLS comes first on a running member (Canonical:
 * a client certificate waits while peer TLS is being enabled), so one restart
 * changes one side; a member that has not started takes both at once.
 */
export function nextTlsSteps(peer: SideInput, client: SideInput): { readonly peer: SideStep; readonly client: SideStep } {
  const peerStep = nextSideStep(peer);
  const clientStep = nextSideStep(client);
  if (!peer.started || peerStep.kind !== 'apply' || !peerStep.restart || clientStep.kind !== 'apply' || !clientStep.restart) return { peer: peerStep, client: clientStep };
  return { peer: peerStep, client: { kind: 'wait', record: clientStep.before, reason: 'waiting for peer TLS' } };
}

/** The maintenance text Canonical shows for a side in transition, if any. */
export function transitionStatus(kind: TlsKind, step: SideStep, record: TlsRecord): string | undefined {
  const r = step.kind === 'apply' ? step.before : step.kind === 'wait' || step.kind === 'record' ? step.record : record;
  if (r.state === 'to-tls') return `Enabling ${kind} TLS...`;
  if (r.state === 'to-no-tls') return `Disabling ${kind} TLS...`;
  if (MID_ROTATION.includes(r.rotation) || r.rotation === 'cert-updated') return `Rotating ${kind} CA...`;
  return undefined;
}

/** Whether a unit with `record` has done the step that ends in `after` (phase 1 is done once the new CA is added, whatever came next). */
export function reached(record: TlsRecord, after: TlsRecord): boolean {
  if (record.state !== after.state) return false;
  if (after.rotation === 'new-ca-added') return record.rotation === 'new-ca-added' || record.rotation === 'cert-updated';
  return record.rotation === after.rotation;
}

/** A record that says the unit is between two TLS states or inside a CA rotation's restart. */
export const inTransition = (record: TlsRecord): boolean => record.state === 'to-tls' || record.state === 'to-no-tls' || record.rotation === 'new-ca-detected';
