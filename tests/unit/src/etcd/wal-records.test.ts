import { describe, expect, it } from 'vitest';
import { decodeWal, unreplayableIn37, wireFields } from '../../../../src/etcd/wal-records.js';
import { upgrades36To37, walReplayRefusal } from '../../../../src/refresh/compat.js';

// A minimal protobuf and WAL frame encoder, the way etcd's wal/encoder.go frames records.
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
};
const vField = (field: number, n: number) => [...varint(field * 8), ...varint(n)];
const bField = (field: number, b: Uint8Array | string) => {
  const bytes = typeof b === 'string' ? Buffer.from(b) : b;
  return [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];
};
const msg = (...parts: number[][]) => new Uint8Array(parts.flat());
function frame(type: number, data: Uint8Array): number[] {
  const rec = msg(vField(1, type), vField(2, 12345), bField(3, data));
  const pad = (8 - (rec.length % 8)) % 8;
  const len = Buffer.alloc(8);
  len.writeUInt32LE(rec.length, 0);
  len.writeUInt32LE(pad === 0 ? 0 : ((0x80 | pad) << 24) >>> 0, 4);
  return [...len, ...rec, ...Array<number>(pad).fill(0)];
}
const entry = (index: number, data: Uint8Array, type = 0) => frame(2, msg(vField(1, type), vField(2, 2), vField(3, index), bField(4, data)));
const snapshot = (index: number) => frame(5, msg(vField(1, index), vField(2, 2)));
const state = (commit: number) => frame(3, msg(vField(1, 2), vField(3, commit)));
/** 3.5's publish: a raw v2 pb.Request {ID, Method, Path, Val}. */
const v2Put = msg(vField(1, 77), bField(2, 'PUT'), bField(3, '/0/members/6b53c6b8a5c20e9c/attributes'), bField(4, '{"name":"etcd0"}'));
/** A v3 InternalRaftRequest {header{ID}, put{key, value}}. */
const v3Put = msg(bField(100, msg(vField(1, 9))), bField(4, msg(bField(1, 'k'), bField(2, 'v'))));
const file = (...frames: number[][]) => new Uint8Array([...frames.flat(), ...Array<number>(64).fill(0)]);

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
