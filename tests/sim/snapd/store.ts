import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { etcdBinDir } from '../../support/etcd-binaries.js';

/** The snap the store serves; the only one the fake snapd knows. */
export const CHARMED_ETCD = 'charmed-etcd';

const RevisionSchema = z.object({
  revision: z.string().regex(/^[1-9][0-9]*$/),
  version: z.string().min(1),
  /** The channel this revision was released to, as `snap info` lists it. */
  channel: z.string().min(1),
  /** A bad release: its daemon exits at start. */
  broken: z.boolean(),
  /** charmed-etcd: directory holding this revision's `etcd`, `etcdctl` and (3.5+) `etcdutl`. */
  'bin-dir': z.string().min(1).optional(),
  /** Any other snap: its unpacked tree (`meta/snap.yaml`, optional `meta/hooks/install`, its files), mounted as is. */
  'snap-dir': z.string().min(1).optional(),
});

const SnapSchema = z.object({
  summary: z.string(),
  publisher: z.object({
    username: z.string(),
    'display-name': z.string(),
    validation: z.enum(['verified', 'starred', 'unproven']),
  }),
  /** Track used when no channel is given (`snap install NAME`). */
  'default-track': z.string(),
  revisions: z.array(RevisionSchema),
});

const StoreSchema = z.object({
  schema: z.literal(1),
  snaps: z.record(z.string(), SnapSchema),
});

export type StoreRevision = z.infer<typeof RevisionSchema>;
export type StoreSnap = z.infer<typeof SnapSchema>;
export type Store = z.infer<typeof StoreSchema>;

/** One row of the store's listing, as the simulator shows it (`sim snap-store`). */
export interface StoreListing {
  readonly revision: string;
  readonly version: string;
  readonly channel: string;
  readonly broken: boolean;
}

/** The label and behaviour of the bad release (revision 4). */
export const BROKEN_VERSION = '3.5.31';

/** Script standing in for the bad release's `etcd`: answers `--version`, fails to start. */
const brokenEtcdScript = (version: string): string => `#!/bin/sh
# charmed-etcd ${version}: a bad release made by the simulator's store. Its daemon never starts.
for arg in "$@"; do
  if [ "$arg" = "--version" ]; then
    printf 'etcd Version: ${version}\\nGit SHA: 0000000\\nGo Version: go1.23.0\\nGo OS/Arch: linux/amd64\\n'
    exit 0
  fi
done
echo '{"level":"fatal","msg":"failed to start etcd ${version}","error":"panic: runtime error: invalid memory address or nil pointer dereference (bad release)"}' >&2
exit 1
`;

/** Writes JSON through a temporary file and a rename, so readers never see half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
}

/** Makes the bad release's binary directory next to the store file and returns it. */
function makeBrokenRelease(storeFile: string, version: string, donorBinDir: string): string {
  const dir = path.join(path.dirname(storeFile), 'snap-store-binaries', version);
  mkdirSync(dir, { recursive: true });
  const etcd = path.join(dir, 'etcd');
  writeFileSync(etcd, brokenEtcdScript(version));
  chmodSync(etcd, 0o755);
  // Its client tools work: only the daemon is bad.
  for (const tool of ['etcdctl', 'etcdutl']) {
    const link = path.join(dir, tool);
    const target = path.join(donorBinDir, tool);
    if (!existsSync(link) && existsSync(target)) symlinkSync(target, link);
  }
  return dir;
}

/**
 * Creates the store at `storeFile` (the path the simulator passes as `SIM_SNAP_STORE`):
 * revision 1 → etcd 3.4.23, 2 → 3.5.16, 3 → 3.5.30, 4 → 3.5.31, a bad release whose daemon
 * fails to start, 5 → 3.6.13 (the version the charm pins), 6 → 3.6.16, 7 → 3.7.3. The default
 * track is 3.6, as the real snap's. Safe to call again: it rewrites the same content.
 * @throws Error when the real etcd binaries are not provided (naming the command that fixes it).
 */
export function createStore(storeFile: string): Store {
  const file = path.resolve(storeFile);
  const bin = (version: string): string => etcdBinDir(version);
  const store: Store = {
    schema: 1,
    snaps: {
      [CHARMED_ETCD]: {
        summary: 'Distributed reliable key-value store for the most critical data of a distributed system',
        publisher: { username: 'canonical', 'display-name': 'Canonical', validation: 'verified' },
        'default-track': '3.6',
        revisions: [
          { revision: '1', version: '3.4.23', channel: '3.4/stable', broken: false, 'bin-dir': bin('3.4.23') },
          { revision: '2', version: '3.5.16', channel: '3.5/stable', broken: false, 'bin-dir': bin('3.5.16') },
          { revision: '3', version: '3.5.30', channel: '3.5/stable', broken: false, 'bin-dir': bin('3.5.30') },
          {
            revision: '4',
            version: BROKEN_VERSION,
            channel: '3.5/candidate',
            broken: true,
            'bin-dir': makeBrokenRelease(file, BROKEN_VERSION, bin('3.5.30')),
          },
          { revision: '5', version: '3.6.13', channel: '3.6/stable', broken: false, 'bin-dir': bin('3.6.13') },
          { revision: '6', version: '3.6.16', channel: '3.6/stable', broken: false, 'bin-dir': bin('3.6.16') },
          { revision: '7', version: '3.7.3', channel: '3.7/stable', broken: false, 'bin-dir': bin('3.7.3') },
        ],
      },
    },
  };
  writeJsonAtomic(file, store);
  return store;
}

/**
 * Publishes the snap unpacked in `snapDir` (its `meta/snap.yaml` names it and its version) as the
 * next revision of that snap, released to `channel` (default `latest/stable`). Any snap: a test
 * charm's workload as much as charmed-etcd. Returns the new revision.
 * @throws Error when `meta/snap.yaml` is missing or has no name or version.
 */
export function addSnapRevision(storeFile: string, snapDir: string, channel = 'latest/stable'): StoreRevision {
  const store = readStore(storeFile);
  const meta = z
    .looseObject({ name: z.string().regex(/^[a-z0-9-]+$/), version: z.string().min(1), summary: z.string().optional() })
    .safeParse(yaml.load(readFileSync(path.join(snapDir, 'meta', 'snap.yaml'), 'utf8')));
  if (!meta.success) throw new Error(`${snapDir}/meta/snap.yaml: ${z.prettifyError(meta.error)}`);
  const { name, version } = meta.data;
  const snap = (store.snaps[name] ??= {
    summary: meta.data.summary ?? name,
    publisher: { username: 'sim', 'display-name': 'Simulator', validation: 'unproven' },
    'default-track': 'latest',
    revisions: [],
  });
  const revision: StoreRevision = {
    revision: String(Math.max(0, ...snap.revisions.map((r) => Number(r.revision))) + 1),
    version,
    channel: fullChannel(channel, snap['default-track']),
    broken: false,
    'snap-dir': path.resolve(snapDir),
  };
  snap.revisions.push(revision);
  writeJsonAtomic(storeFile, store);
  return revision;
}

/**
 * Reads and validates the store file.
 * @throws Error when the file is missing or does not hold a store.
 */
export function readStore(storeFile: string): Store {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(storeFile, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the snap store ${storeFile}: ${(err as Error).message}`, { cause: err });
  }
  const parsed = StoreSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`the snap store ${storeFile} is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The store's revisions of `name` (default charmed-etcd), lowest first; empty for an unknown snap. */
export function listRevisions(store: Store, name: string = CHARMED_ETCD): StoreListing[] {
  const snap = store.snaps[name];
  if (!snap) return [];
  return [...snap.revisions]
    .sort((a, b) => Number(a.revision) - Number(b.revision))
    .map(({ revision, version, channel, broken }) => ({ revision, version, channel, broken }));
}

/** The revision `revision` of `name`, or undefined when the store has no such revision. */
export function lookupRevision(store: Store, name: string, revision: string): StoreRevision | undefined {
  return store.snaps[name]?.revisions.find((r) => r.revision === revision);
}

/** The store's revision carrying etcd `version` (highest if several), or undefined. */
export function revisionForVersion(store: Store, version: string, name: string = CHARMED_ETCD): string | undefined {
  return listRevisions(store, name)
    .filter((r) => r.version === version)
    .at(-1)?.revision;
}

/** The highest revision that is not a bad release, or undefined. */
export function newestWorkingRevision(store: Store, name: string = CHARMED_ETCD): StoreListing | undefined {
  return listRevisions(store, name)
    .filter((r) => !r.broken)
    .at(-1);
}

/**
 * Normalises a channel as snapd does: `stable` → `<default track>/stable`, `3.5` → `3.5/stable`,
 * `latest/x` → `<default track>/x` (the snap has a default track).
 */
export function fullChannel(channel: string, defaultTrack: string): string {
  const risks = ['stable', 'candidate', 'beta', 'edge'];
  const parts = channel.split('/');
  if (parts.length === 1) {
    const only = parts[0] ?? '';
    return risks.includes(only) ? `${defaultTrack}/${only}` : `${only}/stable`;
  }
  const [track, risk] = parts as [string, string];
  return `${track === 'latest' ? defaultTrack : track}/${risk}`;
}

/** The revision a channel currently serves: the highest revision released to it. */
export function resolveChannel(store: Store, name: string, channel: string): StoreRevision | undefined {
  const snap = store.snaps[name];
  if (!snap) return undefined;
  const wanted = fullChannel(channel, snap['default-track']);
  return [...snap.revisions]
    .filter((r) => r.channel === wanted)
    .sort((a, b) => Number(a.revision) - Number(b.revision))
    .at(-1);
}
