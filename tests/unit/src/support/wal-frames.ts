/**
 * A minimal protobuf and WAL frame encoder, framing records the way etcd's
 * wal/encoder.go does, for fixtures of src/etcd/wal-records.ts.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

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
export const msg = (...parts: number[][]) => new Uint8Array(parts.flat());

function frame(type: number, data: Uint8Array): number[] {
  const rec = msg(vField(1, type), vField(2, 12345), bField(3, data));
  const pad = (8 - (rec.length % 8)) % 8;
  const len = Buffer.alloc(8);
  len.writeUInt32LE(rec.length, 0);
  len.writeUInt32LE(pad === 0 ? 0 : ((0x80 | pad) << 24) >>> 0, 4);
  return [...len, ...rec, ...Array<number>(pad).fill(0)];
}

/** A raftpb.Entry record; type 0 normal, 1 conf change. */
export const entry = (index: number, data: Uint8Array, type = 0) => frame(2, msg(vField(1, type), vField(2, 2), vField(3, index), bField(4, data)));
export const snapshot = (index: number) => frame(5, msg(vField(1, index), vField(2, 2)));
export const state = (commit: number) => frame(3, msg(vField(1, 2), vField(3, commit)));
/** 3.5's publish: a raw v2 pb.Request {ID, Method, Path, Val}. */
export const v2Put = msg(vField(1, 77), bField(2, 'PUT'), bField(3, '/0/members/6b53c6b8a5c20e9c/attributes'), bField(4, '{"name":"etcd0"}'));
/** A v3 InternalRaftRequest {header{ID}, put{key, value}}. */
export const v3Put = msg(bField(100, msg(vField(1, 9))), bField(4, msg(bField(1, 'k'), bField(2, 'v'))));
/** One WAL file's bytes: the frames, then a zeroed (preallocated) tail. */
export const file = (...frames: number[][]) => new Uint8Array([...frames.flat(), ...Array<number>(64).fill(0)]);

const walDir = (memberDir: string) => path.join(memberDir, 'wal');

/** Writes the next WAL file of `memberDir` (names as etcd's: <seq>-<index>.wal in hex, fixed width). */
export function writeWalFile(memberDir: string, firstIndex: number, bytes: Uint8Array): void {
  mkdirSync(walDir(memberDir), { recursive: true });
  const seq = readdirSync(walDir(memberDir)).filter((n) => n.endsWith('.wal')).length;
  const hex = (n: number) => n.toString(16).padStart(16, '0');
  writeFileSync(path.join(walDir(memberDir), `${hex(seq)}-${hex(firstIndex)}.wal`), bytes);
}

/** The WAL a member upgraded from 3.5 to 3.6 has: 3.5's attribute and cluster-version entries after its latest snapshot. */
export function plantWalFrom35(memberDir: string): void {
  writeWalFile(memberDir, 0, file(snapshot(0), entry(1, v3Put), entry(2, v2Put), entry(3, v2Put), entry(4, v3Put), state(4)));
}
