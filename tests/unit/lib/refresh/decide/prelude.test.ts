import { describe, expect, test } from 'vitest';
import { charmCodeHistory, charmVersions } from '../../../../../lib/refresh/decide/charm-code.js';
import { emptyDraft } from '../../../../../lib/refresh/decide/draft.js';
import { teardown } from '../../../../../lib/refresh/decide/teardown.js';
import { action, clusterSnapshot, hook, NEW, OLD } from '../support/fixtures.js';

const two = [{ n: 1, snap: NEW.snap }, { n: 0, snap: NEW.snap }];

describe('teardown', () => {
  test.each([
    ['another unit departs', hook('refresh-v-three-relation-departed', 'charmed-etcd/0'), false, false, 'next', []],
    ['this unit departs', hook('refresh-v-three-relation-departed', 'charmed-etcd/1'), false, false, 'done', ['machines_unit_tearing_down', 'machines_unit_tearing_down_logged']],
    ['marker set, not yet logged', hook('update-status'), true, false, 'done', ['machines_unit_tearing_down_logged']],
    ['marker set and logged', hook('update-status'), true, true, 'done', []],
    ['departure seen again', hook('refresh-v-three-relation-departed', 'charmed-etcd/1'), true, true, 'done', []],
  ])('%s', (_name, event, tearingDown, tearingDownLogged, kind, files) => {
    const s = clusterSnapshot({ self: 1, units: two, event });
    const step = teardown({ ...s, local: { ...s.local, tearingDown, tearingDownLogged } }, emptyDraft(event));
    expect(step.kind).toBe(kind);
    expect(step.state.files.map((f) => f.name)).toEqual(files);
    expect(step.state.outcome).toBe(kind === 'done' ? 'unit-tearing-down' : undefined);
  });

  test('a refresh action fails while tearing down', () => {
    const s = clusterSnapshot({ self: 1, units: two, event: action('resume-refresh') });
    const step = teardown({ ...s, local: { ...s.local, tearingDown: true } }, emptyDraft(s.event));
    expect(step.state.action).toMatchObject({ status: 'failed', message: 'Unit tearing down' });
  });
});

describe('charm versions', () => {
  test.each([
    ['a valid pin', { ok: true, versions: { charm: '3.5/1.3.0', workload: '3.5.30', snapName: 'charmed-etcd', snapRevision: '13' } }, true, 'next', undefined],
    ['no pin for this architecture (leader)', { ok: false, error: 'no pin for riscv64' }, true, 'done', 'no pin for riscv64'],
    ['no pin for this architecture', { ok: false, error: 'no pin for riscv64' }, false, 'done', 'no pin for riscv64'],
    ['an unparsable charm version', { ok: true, versions: { charm: 'not a version', workload: '3.5.30', snapName: 'charmed-etcd', snapRevision: '13' } }, false, 'done', 'string'],
  ] as const)('%s', (_name, versions, leader, kind, blocked) => {
    const s = clusterSnapshot({ self: 0, units: [{ n: 0, snap: NEW.snap }], leader });
    const step = charmVersions({ ...s, charm: { ...s.charm, versions } }, emptyDraft(s.event));
    expect(step.kind).toBe(kind);
    if (blocked === undefined) {
      expect(step.state.draft.unitStatusHigh).toBeUndefined();
      return;
    }
    expect(step.state.draft.outcome).toBe('charm-versions-invalid');
    expect(step.state.draft.unitStatusHigh?.name).toBe('blocked');
    if (blocked !== 'string') expect(step.state.draft.unitStatusHigh?.message).toBe(blocked);
    expect(step.state.draft.appStatus).toEqual(leader ? step.state.draft.unitStatusHigh : undefined);
  });
});

describe('charm-code history', () => {
  const pinned = { charm: NEW.charm, workload: NEW.workload, snapName: 'charmed-etcd', snapRevision: NEW.snap };
  test.each([
    ['recorded code, any event', 'update-status', true, 'unchanged', true, true, []],
    ['replaced code on update-status: may be outdated', 'update-status', false, 'unchanged', false, false, ['delete machines_refresh_started']],
    ['replaced code on upgrade-charm: up to date', 'upgrade-charm', false, 'unchanged', true, false, ['delete machines_refresh_started', 'write machines_last_two_refreshes_to_up_to_date_charm_code_version.json']],
    ['replaced code on config-changed: up to date', 'config-changed', false, 'unchanged', true, false, ['delete machines_refresh_started', 'write machines_last_two_refreshes_to_up_to_date_charm_code_version.json']],
    ['no history yet (install)', 'install', true, 'absent', true, true, ['write machines_last_two_refreshes_to_up_to_date_charm_code_version.json']],
    ['an unreadable history starts anew', 'update-status', true, 'garbage', true, true, ['write machines_last_two_refreshes_to_up_to_date_charm_code_version.json']],
  ] as const)('%s', (_name, event, recorded, history, upToDate, startedKept, files) => {
    const base = clusterSnapshot({ self: 0, units: [{ n: 0, snap: OLD.snap, started: true }], codeUpToDate: recorded, event: hook(event) });
    const local =
      history === 'absent' ? (({ history: _h, ...rest }) => rest)(base.local) : history === 'garbage' ? { ...base.local, history: '{' } : base.local;
    const coded = charmCodeHistory({ ...base, local }, emptyDraft(base.event), pinned);
    expect(coded.code.codeUpToDate).toBe(upToDate);
    expect(coded.startedLocal).toBe(startedKept);
    expect(coded.draft.files.map((f) => `${f.op} ${f.name}`)).toEqual(files);
    expect(coded.draft.applicationVersion).toBe(upToDate ? NEW.workload : undefined);
    if (!upToDate) expect(coded.draft.log.some((l) => l.level === 'warning' && l.message.includes('2068500'))).toBe(true);
  });
});
