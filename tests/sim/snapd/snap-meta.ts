import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { snapCommonDir, snapDataDir, snapDir, snapMountBase } from './layout.js';
import type { StoreRevision, StoreSnap } from './store.js';

const AppSchema = z.object({
  command: z.string(),
  daemon: z.enum(['simple', 'forking', 'oneshot', 'notify']).optional(),
  'install-mode': z.enum(['enable', 'disable']).optional(),
  'restart-condition': z.string().optional(),
});

const SnapYamlSchema = z.object({
  name: z.string(),
  version: z.string(),
  summary: z.string(),
  apps: z.record(z.string(), AppSchema),
});

export type SnapApp = z.infer<typeof AppSchema>;
export type SnapYaml = z.infer<typeof SnapYamlSchema>;

/** The binaries a charmed-etcd revision ships, and the app each one backs. */
const TOOLS = ['etcd', 'etcdctl', 'etcdutl'] as const;

/** The snap.yaml of a charmed-etcd revision: the daemon plus a client app per shipped tool. */
export function snapYamlFor(name: string, rev: StoreRevision, snap: StoreSnap): SnapYaml {
  const apps: Record<string, SnapApp> = {
    // As the charmed-etcd snap: a simple daemon, not started at install, always restarted.
    etcd: {
      command: 'bin/etcd --config-file $SNAP_DATA/etcd.conf.yml',
      daemon: 'simple',
      'install-mode': 'disable',
      'restart-condition': 'always',
    },
  };
  for (const tool of TOOLS.slice(1)) {
    if (existsSync(path.join(rev['bin-dir'], tool))) apps[tool] = { command: `bin/${tool}` };
  }
  return { name, version: rev.version, summary: snap.summary, apps };
}

/**
 * Lays out `$ROOT/snap/<name>/<rev>/` as a mounted snap: `bin/` (links into the store's binaries)
 * and `meta/snap.yaml`. Replaces an earlier copy of the same revision.
 */
export function mountRevision(root: string, name: string, rev: StoreRevision, snap: StoreSnap): SnapYaml {
  const dir = snapDir(root, name, rev.revision);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'bin'), { recursive: true });
  mkdirSync(path.join(dir, 'meta'), { recursive: true });
  for (const tool of TOOLS) {
    const target = path.join(rev['bin-dir'], tool);
    if (existsSync(target)) symlinkSync(target, path.join(dir, 'bin', tool));
  }
  const meta = snapYamlFor(name, rev, snap);
  writeFileSync(path.join(dir, 'meta', 'snap.yaml'), yaml.dump(meta));
  return meta;
}

/**
 * Reads `meta/snap.yaml` of an installed revision.
 * @throws Error when the revision is not mounted or its snap.yaml is malformed.
 */
export function readSnapYaml(root: string, name: string, revision: string): SnapYaml {
  const file = path.join(snapDir(root, name, revision), 'meta', 'snap.yaml');
  const parsed = SnapYamlSchema.safeParse(yaml.load(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The revision `$ROOT/snap/<name>/current` points at, or undefined when the snap is not mounted. */
export function currentRevision(root: string, name: string): string | undefined {
  try {
    return path.basename(readlinkSync(path.join(snapMountBase(root, name), 'current')));
  } catch {
    return undefined;
  }
}

/** Names of the snap's services (apps with a `daemon`). */
export const servicesOf = (meta: SnapYaml): string[] =>
  Object.entries(meta.apps)
    .filter(([, app]) => app.daemon !== undefined)
    .map(([app]) => app);

/** The environment snapd gives a snap's apps and services. */
export function snapEnvironment(root: string, name: string, revision: string, version: string): Record<string, string> {
  return {
    SNAP: snapDir(root, name, revision),
    SNAP_DATA: snapDataDir(root, name, revision),
    SNAP_COMMON: snapCommonDir(root, name),
    SNAP_REVISION: revision,
    SNAP_NAME: name,
    SNAP_INSTANCE_NAME: name,
    SNAP_VERSION: version,
    SNAP_ARCH: process.arch === 'arm64' ? 'arm64' : 'amd64',
  };
}

/**
 * Turns an app's `command` into argv: `$VAR`/`${VAR}` expanded from `env`, the first word resolved
 * against `$SNAP`, as snapd does.
 */
export function commandArgv(command: string, env: Readonly<Record<string, string>>): string[] {
  const words = command
    .trim()
    .split(/\s+/)
    .map((w) => w.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_, v: string) => env[v] ?? ''));
  const [first = '', ...rest] = words;
  return [path.isAbsolute(first) ? first : path.join(env['SNAP'] ?? '', first), ...rest];
}
