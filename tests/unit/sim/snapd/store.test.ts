import { describe, expect, it } from 'vitest';
import {
  fullChannel,
  listRevisions,
  lookupRevision,
  newestWorkingRevision,
  resolveChannel,
  revisionForVersion,
  type Store,
} from '../../../sim/snapd/store.js';

const store: Store = {
  schema: 1,
  snaps: {
    'charmed-etcd': {
      summary: 's',
      publisher: { username: 'canonical', 'display-name': 'Canonical', validation: 'verified' },
      'default-track': '3.5',
      revisions: [
        { revision: '3', version: '3.5.30', channel: '3.5/stable', broken: false, 'bin-dir': '/b/3' },
        { revision: '1', version: '3.4.23', channel: '3.4/stable', broken: false, 'bin-dir': '/b/1' },
        { revision: '4', version: '3.5.31', channel: '3.5/candidate', broken: true, 'bin-dir': '/b/4' },
        { revision: '2', version: '3.5.16', channel: '3.5/stable', broken: false, 'bin-dir': '/b/2' },
      ],
    },
  },
};

describe('the snap store', () => {
  it('lists revisions lowest first with version, channel and whether the release is broken', () => {
    expect(listRevisions(store)).toEqual([
      { revision: '1', version: '3.4.23', channel: '3.4/stable', broken: false },
      { revision: '2', version: '3.5.16', channel: '3.5/stable', broken: false },
      { revision: '3', version: '3.5.30', channel: '3.5/stable', broken: false },
      { revision: '4', version: '3.5.31', channel: '3.5/candidate', broken: true },
    ]);
    expect(listRevisions(store, 'other')).toEqual([]);
  });

  it('looks revisions up by number and by etcd version', () => {
    expect(lookupRevision(store, 'charmed-etcd', '2')?.version).toBe('3.5.16');
    expect(lookupRevision(store, 'charmed-etcd', '9')).toBeUndefined();
    expect(revisionForVersion(store, '3.4.23')).toBe('1');
    expect(revisionForVersion(store, '9.9.9')).toBeUndefined();
  });

  it('never offers the bad release as the newest working revision', () => {
    expect(newestWorkingRevision(store)?.revision).toBe('3');
  });

  it('normalises channels against the default track, as snapd does', () => {
    expect(fullChannel('stable', '3.5')).toBe('3.5/stable');
    expect(fullChannel('latest/edge', '3.5')).toBe('3.5/edge');
    expect(fullChannel('3.4', '3.5')).toBe('3.4/stable');
    expect(fullChannel('3.4/candidate', '3.5')).toBe('3.4/candidate');
  });

  it('resolves a channel to the highest revision released there', () => {
    expect(resolveChannel(store, 'charmed-etcd', 'latest/stable')?.revision).toBe('3');
    expect(resolveChannel(store, 'charmed-etcd', '3.4')?.revision).toBe('1');
    expect(resolveChannel(store, 'charmed-etcd', 'candidate')?.revision).toBe('4');
    expect(resolveChannel(store, 'charmed-etcd', '3.6/stable')).toBeUndefined();
  });
});
