import { cpSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { layOutRevision, SNAP_APPS } from './charmed-etcd-snap.js';
import { snapCommonDir, snapDataDir, snapDir, snapMountBase } from './layout.js';
import type { StoreRevision, StoreSnap } from './store.js';

const AppSchema = z.object({
  command: z.string(),
  daemon: z.enum(['simple', 'forking', 'oneshot', 'notify']).optional(),
  'install-mode': z.enum(['enable', 'disable']).optional(),
  'restart-condition': z.string().optional(),
  /** systemd's RestartSec, as snap.yaml writes it (`20s`, `500ms`). */
  'restart-delay': z.string().regex(/^\d+(ms|s|m)$/).optional(),
  /** Extra environment of the app, `$VAR` expanded from the snap's variables. */
  environment: z.record(z.string(), z.string()).optional(),
});

const SnapYamlSchema = z.object({
  name: z.string(),
  version: z.string(),
  summary: z.string(),
  apps: z.record(z.string(), AppSchema),
});

export type SnapApp = z.infer<typeof AppSchema>;
export type SnapYaml = z.infer<typeof SnapYamlSchema>;

/** The snap.yaml of a charmed-etcd revision: the daemon plus a client app per shipped tool. */
export function snapYamlFor(name: string, rev: StoreRevision, snap: StoreSnap, shipped: readonly string[]): SnapYaml {
  const apps: Record<string, SnapApp> = { etcd: { ...SNAP_APPS.etcd, environment: { ...SNAP_APPS.etcd.environment } } };
  if (shipped.includes('etcdctl')) apps['etcdctl'] = { ...SNAP_APPS.etcdctl };
  if (shipped.includes('etcdutl')) apps['etcdutl'] = { ...SNAP_APPS.etcdutl };
  return { name, version: rev.version, summary: snap.summary, apps };
}

/**
 * Lays out `$ROOT/snap/<name>/<rev>/` as a mounted snap: the revision's files
 * (see charmed-etcd-snap.ts) and `meta/snap.yaml`. Replaces an earlier copy of
 * the same revision.
 */
export function mountRevision(root: string, name: string, rev: StoreRevision, snap: StoreSnap): SnapYaml {
  const dir = snapDir(root, name, rev.revision);
  rmSync(dir, { recursive: true, force: true });
  if (rev['snap-dir'] !== undefined) {
    // Any other snap: its own tree and snap.yaml, as snapd mounts the squashfs.
    cpSync(rev['snap-dir'], dir, { recursive: true });
    return readSnapYaml(root, name, rev.revision);
  }
  if (rev['bin-dir'] === undefined) throw new Error(`revision ${rev.revision} of ${name} has neither bin-dir nor snap-dir`);
  const shipped = layOutRevision(dir, rev['bin-dir'], snapCommonDir(root, name));
  const meta = snapYamlFor(name, rev, snap, shipped);
  writeFileSync(path.join(dir, 'meta', 'snap.yaml'), yaml.dump(meta));
  return meta;
}

/** systemd's RestartSec from snap.yaml's `restart-delay`, in ms (undefined: systemd's default). */
export function restartDelayMs(app: SnapApp): number | undefined {
  const match = /^(\d+)(ms|s|m)$/.exec(app['restart-delay'] ?? '');
  if (!match) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
  return Number(match[1]) * unit;
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

/** The environment of one app: the snap's variables plus the app's own `environment`, expanded. */
export function appEnvironment(base: Readonly<Record<string, string>>, app: SnapApp): Record<string, string> {
  const env = { ...base };
  for (const [key, value] of Object.entries(app.environment ?? {})) {
    env[key] = value.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_, v: string) => base[v] ?? '');
  }
  return env;
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
