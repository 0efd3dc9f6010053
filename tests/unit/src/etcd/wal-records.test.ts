import { describe, expect, it } from 'vitest';
import { decodeWal, unreplayableIn37, wireFields } from '../../../../src/etcd/wal-records.js';
import { upgrades36To37, walReplayRefusal } from '../../../../src/refresh/compat.js';

import { entry, file, msg, snapshot, state, v2Put, v3Put } from '../support/wal-frames.js';

describe('decodeWal and unreplayableIn37', () => {
  it('finds 3.5 v2 entries after the latest snapshot, and none once a later snapshot covers them', () => {
    const wal = decodeWal([file(snapshot(0), entry(1, v3Put), entry(2, v2Put), entry(3, v3Put), state(3))]);
    expect(wal.entries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(wal.commit).toBe(3);
    expect(unreplayableIn37(wal)).toEqual([2]);
    // A second file, starting with the snapshot etcd 3.6 took at 3.
    const later = decodeWal([file(snapshot(0), entry(1, v3Put), entry(2, v2Put), entry(3, v3Put), state(3)), file(snapshot(3), entry(4, v3Put), state(4))]);
    expect(later.snapshots).toEqual([0, 3]);
    expect(unreplayableIn37(later)).toEqual([]);
  });

  it('ignores a snapshot above the commit index, as etcd does', () => {
    const wal = decodeWal([file(snapshot(0), entry(1, v2Put), entry(2, v3Put), state(1), snapshot(2))]);
    expect(unreplayableIn37(wal)).toEqual([1]);
  });

  it('lets a rewritten index drop the entries after it', () => {
    const wal = decodeWal([file(snapshot(0), entry(1, v3Put), entry(2, v2Put), entry(3, v2Put), entry(2, v3Put), state(2))]);
    expect(wal.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(unreplayableIn37(wal)).toEqual([]);
  });

  it('stops at a torn last frame and skips empty and conf-change entries', () => {
    const torn = file(snapshot(0), entry(1, new Uint8Array()), entry(2, v2Put, 1), entry(3, v3Put), state(3)).slice(0, -70);
    const wal = decodeWal([torn]);
    expect(unreplayableIn37(wal)).toEqual([]);
  });

  it('treats invalid wire data as unreplayable', () => {
    expect(wireFields(new Uint8Array([0x2f, 0x30]))).toBeUndefined();
    const wal = decodeWal([file(snapshot(0), entry(1, new Uint8Array([0x0f])), state(1))]);
    expect(unreplayableIn37(wal)).toEqual([1]);
  });
});

describe('walReplayRefusal', () => {
  it('refuses 3.6 -> 3.7 while 3.5 entries remain, and nothing else', () => {
    expect(walReplayRefusal('3.6.13', '3.7.3', [3, 10])).toBe(
      "Cannot refresh to etcd 3.7.3 yet: this member's WAL holds 2 etcd 3.5 entries since its last snapshot, which 3.7 cannot replay",
    );
    expect(walReplayRefusal('3.6.13', '3.7.3', [])).toBeUndefined();
    expect(walReplayRefusal('3.6.13', '3.7.3', undefined)).toBeUndefined();
    expect(walReplayRefusal('3.6.13', '3.6.16', [3])).toBeUndefined();
    expect(walReplayRefusal('3.7.3', '3.7.3', [3])).toBeUndefined();
    expect(walReplayRefusal(undefined, '3.7.3', [3])).toBeUndefined();
    expect(upgrades36To37('3.6.16', '3.7.3')).toBe(true);
    expect(upgrades36To37('3.5.30', '3.6.13')).toBe(false);
    expect(upgrades36To37('3.7.3', '3.6.16')).toBe(false);
  });
});
