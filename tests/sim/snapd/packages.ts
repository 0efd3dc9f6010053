import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lchownSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { SnapdContext } from './context.js';
import { storeOf } from './context.js';
import { channelNotFound, notInstalled, revisionNotFound, SnapError, SnapNotice, snapNotFound } from './errors.js';
import { longPublisher } from './format.js';
import { snapCommonDir, snapDataBase, snapDataDir, snapDir, snapMountBase } from './layout.js';
import { readSnapYaml, mountRevision, servicesOf, snapEnvironment, type SnapYaml } from './snap-meta.js';
import { readState, writeState, type InstalledSnap } from './state.js';
import { fullChannel, lookupRevision, resolveChannel, type Store, type StoreRevision } from './store.js';
import { controlServices } from './services.js';

/** Revisions snapd keeps on disk (refresh.retain). */
const RETAIN = 2;

export interface ChannelOptions {
  readonly revision?: string | undefined;
  readonly channel?: string | undefined;
}

/** Points `<dir>/current` at `revision`, atomically (a new link renamed over the old one). */
function linkCurrent(dir: string, revision: string): void {
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.current.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(revision, tmp);
  renameSync(tmp, path.join(dir, 'current'));
}

/** The revision a request names: `--revision`, else what the channel serves. */
function pickRevision(store: Store, name: string, opts: ChannelOptions, tracking: string): StoreRevision {
  if (!store.snaps[name]) throw snapNotFound(name);
  if (opts.revision !== undefined) {
    const rev = lookupRevision(store, name, opts.revision);
    if (!rev) throw revisionNotFound(name, opts.revision);
    return rev;
  }
  const rev = resolveChannel(store, name, opts.channel ?? tracking);
  if (!rev) throw channelNotFound(name, opts.channel ?? tracking);
  return rev;
}

/** `name (channel) version from Publisher <action>`, as snap prints after a change. */
function done(ctx: SnapdContext, name: string, snap: InstalledSnap, channel: string | undefined, action: string): void {
  const chan = channel !== undefined && channel !== 'stable' && channel !== 'latest/stable' ? ` (${channel})` : '';
  ctx.stdout(`${name}${chan} ${snap.version} from ${longPublisher(snap.publisher, ctx.unicode)} ${action}\n`);
}

/**
 * `snap install NAME [--revision R | --channel C]`: mounts the revision, creates `$SNAP_DATA` and
 * `$SNAP_COMMON`, links `current`, and starts the services whose install-mode is not `disable`.
 * @throws SnapNotice when the snap is already installed; SnapError for unknown snaps or revisions.
 */
export async function install(ctx: SnapdContext, name: string, opts: ChannelOptions): Promise<void> {
  const state = readState(ctx.root);
  if (state.snaps[name]) throw new SnapNotice(`snap "${name}" is already installed, see 'snap help refresh'`);
  const store = storeOf(ctx);
  const storeSnap = store.snaps[name];
  if (!storeSnap) throw snapNotFound(name);
  const defaultTracking = `${storeSnap['default-track']}/stable`;
  const rev = pickRevision(store, name, opts, defaultTracking);
  openPathTo(ctx.root);
  const meta = mountRevision(ctx.root, name, rev, storeSnap);
  mkdirSync(snapDataDir(ctx.root, name, rev.revision), { recursive: true });
  mkdirSync(snapCommonDir(ctx.root, name), { recursive: true });
  linkCurrent(snapMountBase(ctx.root, name), rev.revision);
  linkCurrent(snapDataBase(ctx.root, name), rev.revision);
  runInstallHook(ctx.root, name, rev.revision, meta.version);
  const services = Object.fromEntries(
    servicesOf(meta).map((app) => [app, { enabled: meta.apps[app]?.['install-mode'] !== 'disable' }]),
  );
  const installed: InstalledSnap = {
    revision: rev.revision,
    version: rev.version,
    tracking: opts.channel !== undefined ? fullChannel(opts.channel, storeSnap['default-track']) : defaultTracking,
    sequence: [rev.revision],
    hold: null,
    config: {},
    services,
    publisher: storeSnap.publisher,
  };
  state.snaps[name] = installed;
  writeState(ctx.root, state);
  const autostart = Object.entries(services).filter(([, s]) => s.enabled).map(([app]) => `${name}.${app}`);
  if (autostart.length > 0) await controlServices(ctx, 'start', autostart);
  done(ctx, name, installed, opts.revision === undefined ? opts.channel : undefined, 'installed');
}

/**
 * `snap refresh NAME [--revision R | --channel C]`, as snapd does it: stop the services, mount the
 * new revision, copy `$SNAP_DATA` of the old revision to the new one, switch `current`, start the
 * enabled services, and drop revisions beyond the two kept.
 * @throws SnapNotice when not installed or already at that revision; SnapError for unknown revisions.
 */
export async function refresh(ctx: SnapdContext, name: string, opts: ChannelOptions): Promise<void> {
  const state = readState(ctx.root);
  const installed = state.snaps[name];
  if (!installed) throw notInstalled(name);
  const store = storeOf(ctx);
  const storeSnap = store.snaps[name];
  if (!storeSnap) throw snapNotFound(name);
  const rev = pickRevision(store, name, opts, installed.tracking);
  if (opts.channel !== undefined) installed.tracking = fullChannel(opts.channel, storeSnap['default-track']);
  if (rev.revision === installed.revision) {
    writeState(ctx.root, state);
    throw new SnapNotice(`snap "${name}" has no updates available`);
  }
  const oldRevision = installed.revision;
  const oldMeta = readSnapYaml(ctx.root, name, oldRevision);
  await controlServices(ctx, 'stop', servicesOf(oldMeta).map((app) => `${name}.${app}`), { onlyIfRunning: true });

  const meta = mountRevision(ctx.root, name, rev, storeSnap);
  copySnapData(ctx.root, name, oldRevision, rev.revision);
  linkCurrent(snapMountBase(ctx.root, name), rev.revision);
  linkCurrent(snapDataBase(ctx.root, name), rev.revision);

  installed.revision = rev.revision;
  installed.version = rev.version;
  installed.services = servicesAfterRefresh(installed.services, meta);
  installed.sequence = [...installed.sequence.filter((r) => r !== rev.revision), rev.revision];
  for (const dropped of installed.sequence.splice(0, Math.max(0, installed.sequence.length - RETAIN))) {
    rmSync(snapDir(ctx.root, name, dropped), { recursive: true, force: true });
    rmSync(snapDataDir(ctx.root, name, dropped), { recursive: true, force: true });
  }
  writeState(ctx.root, state);

  // snapd starts what is enabled; a service that was started but never enabled stays stopped.
  const start = Object.entries(installed.services).filter(([, s]) => s.enabled).map(([app]) => `${name}.${app}`);
  if (start.length > 0) await controlServices(ctx, 'start', start);
  done(ctx, name, installed, opts.revision === undefined ? opts.channel : undefined, 'refreshed');
}

/** snapd's copy-snap-data (`cp -av`): the new revision's data dir becomes a copy of the old one's, owners and modes kept. */
function copySnapData(root: string, name: string, from: string, to: string): void {
  const source = snapDataDir(root, name, from);
  const target = snapDataDir(root, name, to);
  rmSync(target, { recursive: true, force: true });
  if (existsSync(source)) {
    cpSync(source, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    copyOwners(source, target);
  } else mkdirSync(target, { recursive: true });
}

/** Gives every entry under `target` the owner and mode of its twin under `source` (cpSync keeps neither owner). */
function copyOwners(source: string, target: string): void {
  const st = lstatSync(source);
  lchownSync(target, st.uid, st.gid);
  if (!st.isSymbolicLink()) chmodSync(target, st.mode & 0o7777);
  if (st.isDirectory()) for (const entry of readdirSync(source)) copyOwners(path.join(source, entry), path.join(target, entry));
}

/**
 * Runs the revision's install hook as snapd does: as root, with the snap's
 * environment, after `$SNAP_DATA` and `$SNAP_COMMON` exist.
 * @throws SnapError with the hook's output when it fails (snapd then undoes the install).
 */
function runInstallHook(root: string, name: string, revision: string, version: string): void {
  const hook = path.join(snapDir(root, name, revision), 'meta', 'hooks', 'install');
  if (!existsSync(hook)) return;
  try {
    execFileSync(hook, [], {
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...snapEnvironment(root, name, revision, version) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const out = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new SnapError(`cannot perform the following tasks:\n- Run install hook of "${name}" snap if present (run hook "install": ${out})`);
  }
}

/**
 * A real machine's `/` is world-traversable; a unit root made under a private
 * temp dir is not, and snap_daemon could not reach its own files. Adds o+x to
 * the root and every ancestor that lacks it (nothing else changes).
 */
function openPathTo(root: string): void {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    if (dir === path.dirname(dir)) break;
  }
}

/** Keeps each service's enablement; services new in this revision follow their install-mode. */
function servicesAfterRefresh(before: InstalledSnap['services'], meta: SnapYaml): InstalledSnap['services'] {
  return Object.fromEntries(
    servicesOf(meta).map((app) => [app, before[app] ?? { enabled: meta.apps[app]?.['install-mode'] !== 'disable' }]),
  );
}

/**
 * `snap remove NAME [--revision R] [--purge]`: stops the services and removes the snap's files and
 * all its data (`$SNAP_DATA` of every revision and `$SNAP_COMMON`), or one inactive revision.
 * @throws SnapNotice when not installed; SnapError when asked to remove the active revision.
 */
export async function remove(ctx: SnapdContext, name: string, revision: string | undefined): Promise<void> {
  const state = readState(ctx.root);
  const installed = state.snaps[name];
  if (!installed) throw notInstalled(name);
  if (revision !== undefined) {
    if (revision === installed.revision) {
      throw new SnapError(`cannot remove active revision ${revision} of snap "${name}" (revert first?)`);
    }
    if (!installed.sequence.includes(revision)) {
      throw new SnapError(`revision ${revision} of snap "${name}" is not installed`);
    }
    rmSync(snapDir(ctx.root, name, revision), { recursive: true, force: true });
    rmSync(snapDataDir(ctx.root, name, revision), { recursive: true, force: true });
    installed.sequence = installed.sequence.filter((r) => r !== revision);
    writeState(ctx.root, state);
    ctx.stdout(`${name} (revision ${revision}) removed\n`);
    return;
  }
  const meta = readSnapYaml(ctx.root, name, installed.revision);
  await controlServices(ctx, 'stop', servicesOf(meta).map((app) => `${name}.${app}`), { onlyIfRunning: true });
  rmSync(snapMountBase(ctx.root, name), { recursive: true, force: true });
  rmSync(snapDataBase(ctx.root, name), { recursive: true, force: true });
  delete state.snaps[name];
  writeState(ctx.root, state);
  ctx.stdout(`${name} removed\n`);
}
