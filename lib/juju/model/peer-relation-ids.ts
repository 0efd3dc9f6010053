/**
 * The ids of a charm's peer relations, remembered across hooks in a file of
 * the charm directory, so that a hook asks `relation-ids` for a peer endpoint
 * only until it has once seen the relation. A peer relation is created by Juju
 * with the application and keeps its id until the application goes; no
 * operator can remove it (`juju remove-relation` refuses peers). Its
 * `-relation-broken` hook forgets the id, and until that hook has run the
 * relation is still there for this unit, so a remembered id is never stale.
 */
// Synchronous: a file of a few bytes, read once a hook, and forgetting must not wait on anything.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Beside the charm's other local state; it survives charm refreshes, as the charm directory does. */
export const PEER_RELATION_IDS_FILE = path.join('.lib_juju', 'peer-relation-ids.json');

const fileSchema = z.record(z.string(), z.string().regex(/^[a-z0-9][a-z0-9-]*:\d+$/));

export interface PeerRelationIds {
  /** The remembered id of `endpoint`'s relation, or undefined. */
  get(endpoint: string): string | undefined;
  /** Remembers `idString` for `endpoint` (written only when it changes; a write that fails is ignored). */
  remember(endpoint: string, idString: string): void;
  /** Forgets `endpoint`'s id (in its `-relation-broken`). */
  forget(endpoint: string): void;
}

/** The memory in `charmDir`. An unreadable or malformed file counts as empty: the hook just asks Juju. */
export function peerRelationIds(charmDir: string): PeerRelationIds {
  const file = path.join(charmDir, PEER_RELATION_IDS_FILE);
  let ids: Record<string, string> | undefined;
  const load = (): Record<string, string> => {
    if (ids !== undefined) return ids;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      ids = parsed.success ? { ...parsed.data } : {};
    } catch {
      ids = {};
    }
    return ids;
  };
  const save = (next: Record<string, string>): void => {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a hook killed mid-write leaves the old file or the new one.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next)}\n`);
    renameSync(temporary, file);
  };
  return {
    get: (endpoint) => load()[endpoint],
    remember(endpoint, idString) {
      const current = load();
      if (current[endpoint] === idString) return;
      current[endpoint] = idString;
      try {
        save(current);
      } catch {
        // Only a shortcut: the next hook asks Juju again.
      }
    },
    forget(endpoint) {
      const current = load();
      if (!(endpoint in current)) return;
      delete current[endpoint];
      save(current);
    },
  };
}
