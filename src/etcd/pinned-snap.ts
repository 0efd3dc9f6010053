import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { z } from 'zod';

/** The snap revision this charm revision installs on this machine. */
export interface PinnedSnap {
  readonly name: string;
  readonly revision: string;
  /** The etcd version this charm revision pins (`workload`), when the file says. */
  readonly workload?: string;
}

export type PinnedSnapResult = { readonly ok: true; readonly snap: PinnedSnap } | { readonly ok: false; readonly error: string };

const schema = z.object({
  workload: z.string().optional(),
  snap: z.object({ name: z.string().min(1), revisions: z.record(z.string(), z.union([z.string().min(1), z.number().int()])) }),
});

/**
 * Parses `refresh_versions.toml` for `architecture` (a `uname -m` name). Never
 * throws: a bad file or a missing architecture is `{ok: false}` with a message
 * fit for a blocked status.
 */
export function pinnedSnap(text: string, architecture: string): PinnedSnapResult {
  let data: unknown;
  try {
    data = parse(text);
  } catch {
    return { ok: false, error: 'refresh_versions.toml is not valid TOML' };
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) return { ok: false, error: 'refresh_versions.toml has no [snap] name and revisions' };
  const revision = parsed.data.snap.revisions[architecture];
  if (revision === undefined) return { ok: false, error: `No etcd snap revision for architecture ${architecture}` };
  const workload = parsed.data.workload;
  return { ok: true, snap: { name: parsed.data.snap.name, revision: String(revision), ...(workload === undefined ? {} : { workload }) } };
}

/** Reads and parses `<charmDir>/refresh_versions.toml` (a missing file is `{ok: false}`). */
export async function readPinnedSnap(charmDir: string, architecture: string): Promise<PinnedSnapResult> {
  let text: string;
  try {
    text = await readFile(path.join(charmDir, 'refresh_versions.toml'), 'utf8');
  } catch {
    return { ok: false, error: 'refresh_versions.toml missing from the charm' };
  }
  return pinnedSnap(text, architecture);
}
