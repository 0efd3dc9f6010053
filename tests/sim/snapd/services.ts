import type { SnapdContext } from './context.js';
import { SnapError, snapNotFound } from './errors.js';
import { tabulate } from './format.js';
import { readSnapYaml, servicesOf } from './snap-meta.js';
import { readState, writeState, type SnapdState } from './state.js';
import { servicePid, superviseRequest, supervisorPid } from './supervisor-client.js';

/** A service picked by a command line argument; `explicit` when named as `<snap>.<app>`. */
export interface ServiceRef {
  readonly snap: string;
  readonly app: string;
  readonly explicit: boolean;
}

export const serviceName = (ref: Pick<ServiceRef, 'snap' | 'app'>): string => `${ref.snap}.${ref.app}`;

/**
 * Resolves `snap` / `snap.app` arguments to services of installed snaps, as snapd does.
 * @throws SnapError `snap "x" not found` for a snap that is not installed, or
 *   `snap "x" has no service "y"` for an app that is not a service.
 */
export function resolveServices(state: SnapdState, root: string, args: readonly string[]): ServiceRef[] {
  const refs: ServiceRef[] = [];
  for (const arg of args) {
    const dot = arg.indexOf('.');
    const snap = dot < 0 ? arg : arg.slice(0, dot);
    const installed = state.snaps[snap];
    if (!installed) throw snapNotFound(snap);
    const services = servicesOf(readSnapYaml(root, snap, installed.revision));
    if (dot < 0) {
      for (const app of services) refs.push({ snap, app, explicit: false });
      continue;
    }
    const app = arg.slice(dot + 1);
    if (!services.includes(app)) throw new SnapError(`snap "${snap}" has no service "${app}"`);
    refs.push({ snap, app, explicit: true });
  }
  // One entry per service; an explicit mention wins.
  const byName = new Map<string, ServiceRef>();
  for (const ref of refs) {
    const prev = byName.get(serviceName(ref));
    if (!prev || ref.explicit) byName.set(serviceName(ref), ref);
  }
  return [...byName.values()];
}

/**
 * Asks the unit's supervisor to start, stop or restart services, starting a supervisor when
 * needed. With `onlyIfRunning`, nothing is done (and no supervisor started) when none runs.
 */
export async function controlServices(
  ctx: SnapdContext,
  op: 'start' | 'stop' | 'restart',
  services: readonly string[],
  opts: { onlyIfRunning?: boolean } = {},
): Promise<void> {
  if (services.length === 0) return;
  if (opts.onlyIfRunning && supervisorPid(ctx.root) === undefined && !services.some((s) => servicePid(ctx.root, s))) {
    return;
  }
  try {
    await superviseRequest(ctx.root, { op, services: [...services] }, ctx.launcher);
  } catch (err) {
    throw new SnapError(`cannot perform the following tasks:\n- ${op} of [${services.join(' ')}] (${(err as Error).message})`);
  }
}

/** Records `--enable` / `--disable` for services. */
function setEnabled(ctx: SnapdContext, state: SnapdState, refs: readonly ServiceRef[], enabled: boolean): void {
  for (const ref of refs) {
    const installed = state.snaps[ref.snap];
    if (installed) installed.services[ref.app] = { enabled };
  }
  writeState(ctx.root, state);
}

/** `snap start [--enable] <snap>[.<app>]...`: prints `Started.` */
export async function start(ctx: SnapdContext, args: readonly string[], enable: boolean): Promise<void> {
  const state = readState(ctx.root);
  const refs = resolveServices(state, ctx.root, args);
  if (enable) setEnabled(ctx, state, refs, true);
  await controlServices(ctx, 'start', refs.map(serviceName));
  ctx.stdout('Started.\n');
}

/** `snap stop [--disable] <snap>[.<app>]...`: returns once the processes are gone; prints `Stopped.` */
export async function stop(ctx: SnapdContext, args: readonly string[], disable: boolean): Promise<void> {
  const state = readState(ctx.root);
  const refs = resolveServices(state, ctx.root, args);
  await controlServices(ctx, 'stop', refs.map(serviceName), { onlyIfRunning: true });
  if (disable) setEnabled(ctx, state, refs, false);
  ctx.stdout('Stopped.\n');
}

/**
 * `snap restart <snap>[.<app>]...`: a service named explicitly is restarted whatever its state;
 * services picked by snap name only when running or enabled (as snapd). Prints `Restarted.`
 */
export async function restart(ctx: SnapdContext, args: readonly string[]): Promise<void> {
  const state = readState(ctx.root);
  const refs = resolveServices(state, ctx.root, args).filter(
    (ref) =>
      ref.explicit ||
      servicePid(ctx.root, serviceName(ref)) !== undefined ||
      state.snaps[ref.snap]?.services[ref.app]?.enabled === true,
  );
  await controlServices(ctx, 'restart', refs.map(serviceName));
  ctx.stdout('Restarted.\n');
}

/** `snap services [<snap>[.<app>]...]`: the Service / Startup / Current / Notes table. */
export function services(ctx: SnapdContext, args: readonly string[]): void {
  const state = readState(ctx.root);
  const names = args.length > 0 ? args : Object.keys(state.snaps).sort();
  const refs = resolveServices(state, ctx.root, names);
  if (refs.length === 0) {
    ctx.stderr('There are no services provided by installed snaps.\n');
    return;
  }
  const rows = refs
    .sort((a, b) => serviceName(a).localeCompare(serviceName(b)))
    .map((ref) => [
      serviceName(ref),
      state.snaps[ref.snap]?.services[ref.app]?.enabled ? 'enabled' : 'disabled',
      servicePid(ctx.root, serviceName(ref)) !== undefined ? 'active' : 'inactive',
      '-',
    ]);
  ctx.stdout(tabulate([['Service', 'Startup', 'Current', 'Notes'], ...rows]));
}
