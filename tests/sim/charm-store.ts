/**
 * The model's charm store: published revisions (`ch:` charms) and local charms
 * (`--path`), each a directory of charm files, plus how a unit's charm directory
 * gets them (only the charm's own files are replaced; `.juju-charm` is rewritten).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'smol-toml';
import { z } from 'zod';
import { createStore, newestWorkingRevision, readStore, revisionForVersion } from './snapd/index.js';
import { InputError } from './parse.js';
import type { SimHome } from './home.js';
import { writeFileAtomic } from './home.js';

/** The repository root (where metadata.yaml and build/ live). */
export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const BUILT_CHARM_DIR = path.join(REPO_ROOT, 'build', 'charm');
const CHARM_YAML = ['metadata.yaml', 'config.yaml', 'actions.yaml'] as const;

/** A charm the store holds (the core's type: what a unit runs and how `.juju-charm` names it). */
export type { CharmRef } from '../../lib/juju/testing/fake-juju/core/index.js';
import type { CharmRef } from '../../lib/juju/testing/fake-juju/core/index.js';

const MetaSchema = z.object({
  kind: z.enum(['store', 'local']),
  revision: z.number().int().positive(),
  url: z.string(),
  dir: z.string(),
  name: z.string(),
  source: z.string(),
  workload: z.string().optional(),
  'charm-version': z.string().optional(),
  'snap-revision': z.string().optional(),
});
export type CharmMeta = z.infer<typeof MetaSchema>;

const metaFile = (home: SimHome, dir: string): string => path.join(home.charmStoreDir, `${dir}.json`);

/** Every charm in the store, lowest revision first. Throws when a record is malformed. */
export function listCharms(home: SimHome): CharmMeta[] {
  if (!existsSync(home.charmStoreDir)) return [];
  return readdirSync(home.charmStoreDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const parsed = MetaSchema.safeParse(JSON.parse(readFileSync(path.join(home.charmStoreDir, f), 'utf8')));
      if (!parsed.success) throw new Error(`charm store record ${f} is malformed: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    })
    .sort((a, b) => (a.kind === b.kind ? a.revision - b.revision : a.kind === 'store' ? -1 : 1));
}

/** The repository's own charm name (charmed-etcd): what `--revision R` means when no charm is named. */
export const repoCharmName = (): string => /^name:\s*(\S+)/m.exec(readFileSync(path.join(REPO_ROOT, 'metadata.yaml'), 'utf8'))?.[1] ?? 'charmed-etcd';

/**
 * The published revision `revision` of charm `name` (default the repository's charm); revisions
 * count per charm, as on Charmhub. Throws {@link InputError} when the store has no such revision.
 */
export function storeCharm(home: SimHome, revision: number, name: string = repoCharmName()): CharmRef {
  const meta = listCharms(home).find((c) => c.kind === 'store' && c.revision === revision && c.name === name);
  if (!meta) throw new InputError(`charm ${name} revision ${revision} not found in the simulator's charm store (see: sim publish)`);
  return { kind: meta.kind, revision: meta.revision, url: meta.url, dir: meta.dir };
}

/** The fake snap store of the model, created on first use. Throws when etcd binaries are missing. */
export function ensureSnapStore(home: SimHome): string {
  if (!existsSync(home.snapStoreFile)) createStore(home.snapStoreFile);
  return home.snapStoreFile;
}

/** Copies a charm into `target`, taking metadata/config/actions.yaml from the repo when the source lacks them. */
function copyCharm(source: string, target: string): string {
  if (!existsSync(path.join(source, 'dispatch'))) throw new InputError(`${source} is not a built charm (no dispatch); run: npm run build`);
  mkdirSync(target, { recursive: true });
  cpSync(source, target, { recursive: true, preserveTimestamps: true });
  for (const file of CHARM_YAML) {
    const dest = path.join(target, file);
    const fromRepo = path.join(REPO_ROOT, file);
    if (!existsSync(dest) && existsSync(fromRepo)) cpSync(fromRepo, dest);
  }
  const metadata = readFileSync(path.join(target, 'metadata.yaml'), 'utf8');
  const name = /^name:\s*(\S+)/m.exec(metadata)?.[1];
  if (!name) throw new InputError(`${source}: metadata.yaml has no name`);
  return name;
}

const nextRevision = (home: SimHome, kind: 'store' | 'local', name?: string): number =>
  Math.max(0, ...listCharms(home).filter((c) => c.kind === kind && (name === undefined || c.name === name)).map((c) => c.revision)) + 1;

/** The `name:` of a charm directory's metadata.yaml (the repository's when it has none). */
function charmNameIn(source: string): string {
  const file = existsSync(path.join(source, 'metadata.yaml')) ? path.join(source, 'metadata.yaml') : path.join(REPO_ROOT, 'metadata.yaml');
  const name = /^name:\s*(\S+)/m.exec(readFileSync(file, 'utf8'))?.[1];
  if (!name) throw new InputError(`${source}: metadata.yaml has no name`);
  return name;
}

export interface PublishOptions {
  /** Built charm directory; default build/charm. */
  readonly dir?: string;
  /** etcd version whose snap revision the charm pins; default the one the built charm pins, else the store's newest working one. */
  readonly workload?: string;
  /** `charm = ...` in refresh_versions.toml; default the built one. */
  readonly charmVersion?: string;
}

/**
 * Publishes a copy of a built charm as the next store revision, its
 * refresh_versions.toml pinned to the snap store's revision for `workload`.
 * Throws {@link InputError} when the charm is not built or the store has no such etcd.
 */
export function publishCharm(home: SimHome, options: PublishOptions = {}): CharmMeta {
  const source = path.resolve(options.dir ?? BUILT_CHARM_DIR);
  const charmName = charmNameIn(source);
  // Another charm than the repository's, pinning no snap revision: published as it is.
  if (charmName !== repoCharmName() && !existsSync(path.join(source, 'refresh_versions.toml'))) return publishPlain(home, source, charmName);
  const store = readStore(ensureSnapStore(home));
  const sourceToml = path.join(source, 'refresh_versions.toml');
  const builtToml: Record<string, unknown> = existsSync(sourceToml) ? parse(readFileSync(sourceToml, 'utf8')) : {};
  // By default the etcd the charm itself pins (what ships), as long as the store has it.
  const pinned = typeof builtToml['workload'] === 'string' && revisionForVersion(store, builtToml['workload']) ? builtToml['workload'] : undefined;
  const workload = options.workload ?? pinned ?? newestWorkingRevision(store)?.version;
  if (!workload) throw new InputError('the snap store has no working etcd revision');
  const snapRevision = revisionForVersion(store, workload);
  if (!snapRevision) throw new InputError(`the snap store has no revision of etcd ${workload} (see: sim snap-store)`);
  const revision = nextRevision(home, 'store', charmName);
  const dir = charmName === repoCharmName() ? String(revision) : `${charmName}-${revision}`;
  const target = path.join(home.charmStoreDir, dir);
  rmSync(target, { recursive: true, force: true });
  const name = copyCharm(source, target);
  const tomlFile = path.join(target, 'refresh_versions.toml');
  const toml = builtToml;
  const charmVersion = options.charmVersion ?? (typeof toml['charm'] === 'string' ? toml['charm'] : undefined);
  const snap = (typeof toml['snap'] === 'object' && toml['snap'] !== null ? toml['snap'] : { name: 'charmed-etcd' }) as Record<string, unknown>;
  const published = {
    ...(charmVersion === undefined ? {} : { charm: charmVersion }),
    ...toml,
    workload,
    snap: { ...snap, revisions: { x86_64: snapRevision, aarch64: snapRevision } },
  };
  if (charmVersion !== undefined) published.charm = charmVersion;
  writeFileSync(tomlFile, `${stringify(published)}\n`);
  const meta: CharmMeta = {
    kind: 'store',
    revision,
    url: `ch:amd64/noble/${name}-${revision}`,
    dir,
    name,
    source,
    workload,
    'snap-revision': snapRevision,
    ...(charmVersion === undefined ? {} : { 'charm-version': charmVersion }),
  };
  writeFileAtomic(metaFile(home, dir), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** The next store revision of a charm that pins no snap: its files as they are. */
function publishPlain(home: SimHome, source: string, name: string): CharmMeta {
  const revision = nextRevision(home, 'store', name);
  const dir = `${name}-${revision}`;
  const target = path.join(home.charmStoreDir, dir);
  rmSync(target, { recursive: true, force: true });
  copyCharm(source, target);
  const meta: CharmMeta = { kind: 'store', revision, url: `ch:amd64/noble/${name}-${revision}`, dir, name, source };
  writeFileAtomic(metaFile(home, dir), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}

/** Adds a local charm (`--path DIR`) as `local:<name>-<n>`. Throws {@link InputError} when DIR is not a charm. */
export function addLocalCharm(home: SimHome, source: string): CharmRef {
  const revision = nextRevision(home, 'local');
  const dir = `local-${revision}`;
  const target = path.join(home.charmStoreDir, dir);
  rmSync(target, { recursive: true, force: true });
  const name = copyCharm(path.resolve(source), target);
  const meta: CharmMeta = { kind: 'local', revision, url: `local:${name}-${revision}`, dir, name, source: path.resolve(source) };
  writeFileAtomic(metaFile(home, dir), `${JSON.stringify(meta, null, 2)}\n`);
  return { kind: 'local', revision, url: meta.url, dir };
}

/** Relative paths of every file (not directory) under `dir`. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk('');
  return out;
}

/**
 * Puts `next` into a unit's charm directory as Juju's uniter does on deploy and
 * refresh: the files of `previous` (the charm's own) are removed, `next`'s copied
 * in, any other file (such as `.charm_refresh_v3/`) left alone, and `.juju-charm`
 * rewritten with a fresh mtime.
 */
export function installCharm(home: SimHome, charmDir: string, next: CharmRef, previous: CharmRef | undefined): void {
  mkdirSync(charmDir, { recursive: true });
  if (previous) {
    const old = filesUnder(path.join(home.charmStoreDir, previous.dir));
    for (const rel of old) rmSync(path.join(charmDir, rel), { force: true });
    // Directories the old charm emptied go too (deepest first); others stay.
    const dirs = [...new Set(old.map((rel) => path.dirname(rel)).filter((d) => d !== '.'))].sort((a, b) => b.length - a.length);
    for (const rel of dirs) {
      try {
        rmdirSync(path.join(charmDir, rel));
      } catch {
        // not empty: it holds files that are not the charm's
      }
    }
  }
  cpSync(path.join(home.charmStoreDir, next.dir), charmDir, { recursive: true, preserveTimestamps: true });
  const marker = path.join(charmDir, '.juju-charm');
  const before = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  writeFileSync(marker, next.url);
  // The refresh library detects a code change by this mtime: make sure it moves.
  const now = Math.max(Date.now(), before + 1000) / 1000;
  utimesSync(marker, now, now);
}
