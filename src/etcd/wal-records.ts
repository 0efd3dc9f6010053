/**
 * A read-only decoder of etcd's WAL files (server/storage/wal in 3.5-3.7:
 * decoder.go, wal.go ReadAll and ValidSnapshotEntries), just far enough to say
 * which raft entries a member replays at its next start. Pure: bytes in, fed
 * one file at a time (a WAL file is 64 MB preallocated); an entry keeps what
 * its payload is, not the payload.
 *
 * Frame: an 8-byte little-endian length (low 56 bits; a set top bit puts the
 * padding count in the low 3 bits of the top byte), then a walpb.Record
 * {type=1, crc=2, data=3}, padded to 8 bytes. A zero length is the
 * preallocated tail; a frame cut short is a torn last write. CRCs are not
 * checked: etcd does that itself at start. The protobuf wire format is read
 * with protobufjs's Reader.
 */
import protobuf from 'protobufjs/minimal.js';

/** walpb record types (wal.go). */
const ENTRY = 2;
const STATE = 3;
const SNAPSHOT = 5;

export interface WalEntry {
  readonly index: number;
  readonly term: number;
  /** raftpb.EntryType: 0 normal, 1 conf change, 2 conf change v2. */
  readonly type: number;
  /**
   * A normal entry whose payload 3.7 cannot apply: a raw v2 `pb.Request`
   * (its Method is field 2, which 3.7 reserved in InternalRaftRequest), or
   * bytes that are not protobuf at all. See unreplayableIn37.
   */
  readonly v2Request: boolean;
}

export interface WalContent {
  /** Index of every snapshot record, in file order (a new WAL starts with one at 0). */
  readonly snapshots: readonly number[];
  /** The commit index of the last HardState record. */
  readonly commit: number;
  /** Every entry, later records overwriting from their index on (as ReadAll does). */
  readonly entries: readonly WalEntry[];
}

/** One protobuf field at the top level of a message: wire type 0 (varint) or 2 (bytes); 1 and 5 are skipped over. */
export interface WireField {
  readonly field: number;
  readonly wire: number;
  readonly varint?: number;
  readonly bytes?: Uint8Array;
}

// Indexes and lengths stay below 2^53; higher bits (e.g. random request ids) only lose precision.
const toNumber = (v: number | protobuf.Long): number => (typeof v === 'number' ? v : (v.high >>> 0) * 2 ** 32 + (v.low >>> 0));

/** The top-level fields of a protobuf message, or undefined if its wire format is invalid (or uses groups, which etcd never writes). */
export function wireFields(buf: Uint8Array): WireField[] | undefined {
  const reader = protobuf.Reader.create(buf);
  const out: WireField[] = [];
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const field = tag >>> 3;
      const wire = tag & 7;
      if (field === 0) return undefined;
      if (wire === 0) out.push({ field, wire, varint: toNumber(reader.uint64()) });
      else if (wire === 2) out.push({ field, wire, bytes: reader.bytes() });
      else if (wire === 1 || wire === 5) {
        reader.skipType(wire);
        out.push({ field, wire });
      } else return undefined;
    }
  } catch {
    // protobufjs throws RangeError on a message cut short.
    return undefined;
  }
  return out;
}

const num = (fields: readonly WireField[], field: number): number => fields.find((f) => f.field === field)?.varint ?? 0;
const bytesOf = (fields: readonly WireField[], field: number): Uint8Array | undefined => fields.find((f) => f.field === field)?.bytes;

/** Whether a normal entry's payload is one 3.7 fails to unmarshal (3.6 and 3.7 never write field 2). */
function isV2Request(type: number, data: Uint8Array): boolean {
  if (type !== 0 || data.length === 0) return false;
  const fields = wireFields(data);
  return fields === undefined || fields.some((f) => f.field === 2);
}

/** Reads a member's WAL files in name order, one at a time (`add`), into its WalContent (`content`). */
export class WalDecoder {
  readonly #snapshots: number[] = [];
  #commit = 0;
  readonly #byIndex = new Map<number, WalEntry>();
  #last = 0;

  add(file: Uint8Array): void {
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
      this.#record(num(record, 1), bytesOf(record, 3) ?? new Uint8Array());
    }
  }

  #record(type: number, data: Uint8Array): void {
    const fields = wireFields(data);
    if (fields === undefined) return;
    if (type === ENTRY) {
      const entryType = num(fields, 1);
      const entry: WalEntry = { type: entryType, term: num(fields, 2), index: num(fields, 3), v2Request: isV2Request(entryType, bytesOf(fields, 4) ?? new Uint8Array()) };
      // A rewritten index drops everything after it (uncommitted entries of an old term).
      for (let i = entry.index; i <= this.#last; i++) this.#byIndex.delete(i);
      this.#byIndex.set(entry.index, entry);
      this.#last = entry.index;
    } else if (type === STATE) this.#commit = num(fields, 3);
    else if (type === SNAPSHOT) this.#snapshots.push(num(fields, 1));
  }

  content(): WalContent {
    return { snapshots: [...this.#snapshots], commit: this.#commit, entries: [...this.#byIndex.values()].sort((a, b) => a.index - b.index) };
  }
}

/** Decodes the WAL files of one member, in name order (their content, not their paths). */
export function decodeWal(files: readonly Uint8Array[]): WalContent {
  const decoder = new WalDecoder();
  for (const file of files) decoder.add(file);
  return decoder.content();
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
 * fail"). Pure.
 */
export function unreplayableIn37(wal: WalContent): number[] {
  const start = wal.snapshots.filter((s) => s <= wal.commit).at(-1) ?? 0;
  return wal.entries.filter((e) => e.index > start && e.v2Request).map((e) => e.index);
}
