import { describe, expect, it } from 'vitest';
import { nextSideStep, nextTlsSteps, transitionStatus, type SideInput, type TlsRecord } from '../../../../src/tls/phase.js';

const pem = (body: string): string => `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
const OLD_CA = pem('OLD-CA');
const NEW_CA = pem('NEW-CA');
const OLD_CERT = pem('CERT-FROM-OLD');
const NEW_CERT = pem('CERT-FROM-NEW');
const RENEWED = pem('CERT-FROM-OLD-RENEWED');
const off: TlsRecord = { state: 'no-tls', rotation: 'no-rotation' };
const on: TlsRecord = { state: 'tls', rotation: 'no-rotation' };
const rec = (rotation: TlsRecord['rotation'], state: TlsRecord['state'] = 'tls'): TlsRecord => ({ state, rotation });

const base: SideInput = { kind: 'peer', related: true, offered: { certificate: OLD_CERT, ca: OLD_CA }, installed: { certificate: OLD_CERT, cas: [OLD_CA] }, record: on, peers: [on, on], started: true };

describe('nextSideStep: turning TLS on and off', () => {
  it.each<[string, Partial<SideInput>, unknown]>([
    ['no relation, nothing installed', { related: false, installed: undefined, offered: undefined, record: off }, { kind: 'steady' }],
    ['no relation, a record left from before', { related: false, installed: undefined, offered: undefined, record: rec('no-rotation', 'to-no-tls') }, { kind: 'record', record: off }],
    ['related, no certificate yet', { offered: undefined, installed: undefined, record: off }, { kind: 'wait', record: rec('no-rotation', 'to-tls'), reason: 'waiting for the certificate' }],
    ['related, certificate offered, running member: announce https, restart', { installed: undefined, record: rec('no-rotation', 'to-tls') }, { kind: 'apply', files: { certificate: OLD_CERT, cas: [OLD_CA] }, restart: true, announce: 'https', before: rec('no-rotation', 'to-tls'), after: on }],
    ['related, certificate offered, member not started: first start with TLS', { installed: undefined, started: false, record: off }, { kind: 'apply', files: { certificate: OLD_CERT, cas: [OLD_CA] }, restart: false, announce: undefined, before: rec('no-rotation', 'to-tls'), after: on }],
    ['client side: no peer URL to announce', { kind: 'client', installed: undefined }, { kind: 'apply', files: { certificate: OLD_CERT, cas: [OLD_CA] }, restart: true, announce: undefined, before: rec('no-rotation', 'to-tls'), after: on }],
    ['relation broken on a running member: announce http, restart with TLS off', { related: false }, { kind: 'apply', files: 'off', restart: true, announce: 'http', before: rec('no-rotation', 'to-no-tls'), after: off }],
    ['running with TLS, the provider has not answered the new CSR yet', { offered: undefined }, { kind: 'steady' }],
    ['steady with TLS', {}, { kind: 'steady' }],
    ['renewal under the same CA: files only', { offered: { certificate: RENEWED, ca: OLD_CA } }, { kind: 'apply', files: { certificate: RENEWED, cas: [OLD_CA] }, restart: false, announce: undefined, before: on, after: on }],
  ])('%s', (_, change, step) => {
    expect(nextSideStep({ ...base, ...change })).toEqual(step);
  });
});

describe('nextSideStep: CA rotation in three phases', () => {
  const rotating = { ...base, offered: { certificate: NEW_CERT, ca: NEW_CA } };

  it('phase 1: a new CA joins the bundle beside the old, with a restart, before any certificate changes', () => {
    expect(nextSideStep(rotating)).toEqual({
      kind: 'apply',
      files: { certificate: OLD_CERT, cas: [OLD_CA, NEW_CA] },
      restart: true,
      announce: undefined,
      before: rec('new-ca-detected'),
      after: rec('new-ca-added'),
    });
  });

  it('phase 2 waits while any unit on TLS does not yet run with the new CA', () => {
    const input = { ...rotating, installed: { certificate: OLD_CERT, cas: [OLD_CA, NEW_CA] }, record: rec('new-ca-added') };
    expect(nextSideStep({ ...input, peers: [rec('new-ca-added'), rec('no-rotation')] })).toEqual({ kind: 'wait', record: rec('new-ca-added'), reason: 'waiting for every unit to trust the new CA' });
    expect(nextSideStep({ ...input, peers: [rec('new-ca-added'), rec('new-ca-detected')] }).kind).toBe('wait');
    expect(nextSideStep({ ...input, peers: [rec('new-ca-added'), rec('cert-updated')] })).toEqual({
      kind: 'apply',
      files: { certificate: NEW_CERT, cas: [OLD_CA, NEW_CA] },
      restart: false,
      announce: undefined,
      before: rec('new-ca-added'),
      after: rec('cert-updated'),
    });
  });

  it('phase 3 drops the old CA, with a restart, only once no unit is still in phases 1-2', () => {
    const input = { ...rotating, installed: { certificate: NEW_CERT, cas: [OLD_CA, NEW_CA] }, record: rec('cert-updated') };
    expect(nextSideStep({ ...input, peers: [rec('cert-updated'), rec('new-ca-added')] })).toEqual({ kind: 'wait', record: rec('cert-updated'), reason: 'waiting for every unit to use its new certificate' });
    expect(nextSideStep({ ...input, peers: [rec('cert-updated'), on] })).toEqual({
      kind: 'apply',
      files: { certificate: NEW_CERT, cas: [NEW_CA] },
      restart: true,
      announce: undefined,
      before: rec('cert-updated'),
      after: on,
    });
  });

  it('ends with the record back to no-rotation and then stays steady', () => {
    const done = { ...rotating, installed: { certificate: NEW_CERT, cas: [NEW_CA] } };
    expect(nextSideStep({ ...done, record: rec('cert-updated') })).toEqual({ kind: 'record', record: on });
    expect(nextSideStep({ ...done, record: on })).toEqual({ kind: 'steady' });
  });

  it('is idempotent where a hook died after the files and before the record', () => {
    // Phase 1 files written, record still new-ca-detected: the CA is trusted, so phase 2 is next (after the wait).
    const afterPhaseOneFiles = { ...rotating, installed: { certificate: OLD_CERT, cas: [OLD_CA, NEW_CA] }, record: rec('new-ca-detected'), peers: [rec('new-ca-added')] };
    expect(nextSideStep(afterPhaseOneFiles)).toMatchObject({ kind: 'apply', after: rec('cert-updated') });
    // Phase 2 files written, record still new-ca-added: only the record.
    expect(nextSideStep({ ...rotating, installed: { certificate: NEW_CERT, cas: [OLD_CA, NEW_CA] }, record: rec('new-ca-added') })).toEqual({ kind: 'record', record: rec('cert-updated') });
  });

  it('shows Canonical texts while a side is in transition', () => {
    expect(transitionStatus('peer', nextSideStep(rotating), on)).toBe('Rotating peer CA...');
    expect(transitionStatus('client', nextSideStep({ ...base, kind: 'client', installed: undefined }), off)).toBe('Enabling client TLS...');
    expect(transitionStatus('peer', nextSideStep({ ...base, related: false }), on)).toBe('Disabling peer TLS...');
    expect(transitionStatus('peer', nextSideStep(base), on)).toBeUndefined();
  });
});

describe('nextTlsSteps', () => {
  const enabling = { ...base, installed: undefined, record: off };

  it('enables peer TLS first on a running member; the client side waits', () => {
    const steps = nextTlsSteps(enabling, { ...enabling, kind: 'client' });
    expect(steps.peer).toMatchObject({ kind: 'apply', announce: 'https', restart: true });
    expect(steps.client).toEqual({ kind: 'wait', record: rec('no-rotation', 'to-tls'), reason: 'waiting for peer TLS' });
    expect(transitionStatus('client', steps.client, off)).toBe('Enabling client TLS...');
  });

  it('lets a member that has not started take both sides at once', () => {
    const steps = nextTlsSteps({ ...enabling, started: false }, { ...enabling, kind: 'client', started: false });
    expect(steps.peer).toMatchObject({ kind: 'apply', restart: false });
    expect(steps.client).toMatchObject({ kind: 'apply', restart: false });
  });

  it('moves the client side on its own once peer TLS is steady', () => {
    const steps = nextTlsSteps(base, { ...enabling, kind: 'client' });
    expect(steps.peer).toEqual({ kind: 'steady' });
    expect(steps.client).toMatchObject({ kind: 'apply', restart: true, announce: undefined });
  });
});
