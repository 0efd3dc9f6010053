/**
 * A read-only decoder of etcd's WAL files (server/storage/wal in 3.5-3.7:
 * decoder.go, wal.go ReadAll and ValidSnapshotEntries), just far enough to say
 * which raft entries a member replays at its next start. Pure: bytes in.
 *
 * Frame: an 8-byte little-endian length (low 56 bits; a set top bit puts the
 * padding count in the low 3 bits of the top byte), then a walpb.Record
 * {type=1, crc=2, data=3}, padded to 8 bytes. A zero length is the
 * preallocated tail; a frame cut short is a torn last write. CRCs are not
 * checked: etcd does that itself at start.
 */

/** walpb record types (wal.go). */
const ENTRY = 2;
const STATE = 3;
const SNAPSHOT = 5;

export interface WalEntry {
  readonly index: number;
  readonly term: number;
  /** raftpb.EntryType: 0 normal, 1 conf change, 2 conf change v2. */
  readonly type: number;
  readonly data: Uint8Array;
}

export interface WalContent {
  /** Index of every snapshot record, in file order (a new WAL starts with one at 0). */
  readonly snapshots: readonly number[];
  /** The commit index of the last HardState record. */
  readonly commit: number;
  /** Every entry, later records overwriting from their index on (as ReadAll does). */
  readonly entries: readonly WalEntry[];
}

/** One protobuf field at the top level of a message: wire type 0 (varint) or 2 (bytes); others fail. */
export interface WireField {
  readonly field: number;
  readonly wire: number;
  readonly varint?: number;
  readonly bytes?: Uint8Array;
}

/** The top-level fields of a protobuf message, or undefined if its wire format is invalid. */
export function wireFields(buf: Uint8Array): WireField[] | undefined {
  const out: WireField[] = [];
  let at = 0;
  const varint = (): number | undefined => {
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (at >= buf.length) return undefined;
      const byte = buf[at++]!;
      // Indexes and lengths stay below 2^53; higher bits (e.g. random request ids) only lose precision.
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return undefined;
  };
  while (at < buf.length) {
    const tag = varint();
    if (tag === undefined) return undefined;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0) return undefined;
    if (wire === 0) {
      const v = varint();
      if (v === undefined) return undefined;
      out.push({ field, wire, varint: v });
    } else if (wire === 2) {
      const n = varint();
      if (n === undefined || at + n > buf.length) return undefined;
      out.push({ field, wire, bytes: buf.subarray(at, at + n) });
      at += n;
    } else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (at + n > buf.length) return undefined;
      out.push({ field, wire });
      at += n;
    } else {
      return undefined; // groups (3, 4) and 6, 7: nothing etcd writes
    }
  }
  return out;
}

const num = (fields: readonly WireField[], field: number): number => fields.find((f) => f.field === field)?.varint ?? 0;
const bytesOf = (fields: readonly WireField[], field: number): Uint8Array | undefined => fields.find((f) => f.field === field)?.bytes;

/** Decodes the WAL files of one member, in name order (their content, not their paths). */
export function decodeWal(files: readonly Uint8Array[]): WalContent {
  const snapshots: number[] = [];
  let commit = 0;
  const byIndex = new Map<number, WalEntry>();
  let last = 0;
  for (const file of files) {
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    let at = 0;
    while (at + 8 <= file.length) {
      const lo = view.getUint32(at, true);
      const hi = view.getUint32(at + 4, true);
      if (lo === 0 && hi === 0) break;
      const size = lo + (hi & 0x00ffffff) * 2 ** 32;
      const pad = hi & 0x80000000 ? (hi >>> 24) & 0x7 : 0;
      if (at + 8 + size > file.length) break; // torn last write
      const record = wireFields(file.subarray(at + 8, at + 8 + size));
      at += 8 + size + pad;
      if (record === undefined) break;
      const data = bytesOf(record, 3) ?? new Uint8Array();
      const type = num(record, 1);
      if (type === ENTRY) {
        const e = wireFields(data);
        if (e === undefined) continue;
        const entry: WalEntry = { type: num(e, 1), term: num(e, 2), index: num(e, 3), data: bytesOf(e, 4) ?? new Uint8Array() };
        // A rewritten index drops everything after it (uncommitted entries of an old term).
        for (let i = entry.index; i <= last; i++) byIndex.delete(i);
        byIndex.set(entry.index, entry);
        last = entry.index;
      } else if (type === STATE) {
        const s = wireFields(data);
        if (s !== undefined) commit = num(s, 3);
      } else if (type === SNAPSHOT) {
        const s = wireFields(data);
        if (s !== undefined) snapshots.push(num(s, 1));
      }
    }
  }
  return { snapshots, commit, entries: [...byIndex.values()].sort((a, b) => a.index - b.index) };
}

/**
 * The indexes of the entries a member replays at its next start (those after
 * its latest snapshot record at or below the commit index: 3.7's
 * ValidSnapshotEntries and recoverSnapshot, etcdserver/bootstrap.go) that
 * etcd 3.7 cannot apply. 3.5 proposed a member's attributes at every start,
 * and the cluster version, as raw v2 `pb.Request`s (server.go publish and
 * updateClusterVersionV2; their Method is field 2). 3.6 still converts them
 * (apply_v2.go v2ToV3Request); 3.7 reserved field 2 of InternalRaftRequest and
 * fails to unmarshal them (etcdserver/apply/apply.go: "unmarshal should never
 * fail"). 3.6 and 3.7 never write field 2. Pure.
 */
export function unreplayableIn37(wal: WalContent): number[] {
  const start = wal.snapshots.filter((s) => s <= wal.commit).at(-1) ?? 0;
  return wal.entries
    .filter((e) => e.index > start && e.type === 0 && e.data.length > 0)
    .filter((e) => {
      const fields = wireFields(e.data);
      return fields === undefined || fields.some((f) => f.field === 2);
    })
    .map((e) => e.index);
}
