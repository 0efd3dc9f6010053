import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeWal, unreplayableIn37 } from './wal-records.js';

/**
 * The indexes of the entries in `<memberDir>/wal` that etcd 3.7 would fail to
 * replay (see unreplayableIn37), or undefined when the member has no WAL.
 * Read-only: safe while etcd runs, whose unwritten tail is zeros.
 */
export async function walEntriesUnreplayableIn37(memberDir: string): Promise<number[] | undefined> {
  const dir = path.join(memberDir, 'wal');
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.wal')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (names.length === 0) return undefined;
  // WAL names are <seq>-<index>.wal in hex, fixed width: name order is write order.
  const files = await Promise.all(names.map((n) => readFile(path.join(dir, n))));
  return unreplayableIn37(decodeWal(files));
}
