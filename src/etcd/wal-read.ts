import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { WalDecoder, unreplayableIn37 } from './wal-records.js';

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
  const decoder = new WalDecoder();
  // One file at a time: each is 64 MB, preallocated.
  for (const name of names) decoder.add(await readFile(path.join(dir, name)));
  return unreplayableIn37(decoder.content());
}
