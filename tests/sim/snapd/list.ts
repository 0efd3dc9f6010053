import type { SnapdContext } from './context.js';
import { SnapError } from './errors.js';
import { shortPublisher, tabulate } from './format.js';
import { readState, writeState } from './state.js';

/**
 * `snap list [<snap>...]`: Name / Version / Rev / Tracking / Publisher / Notes, with `held` in
 * Notes for a snap whose refreshes are held.
 * @throws SnapError `no matching snaps installed` when named snaps are not installed.
 */
export function list(ctx: SnapdContext, names: readonly string[]): void {
  const state = readState(ctx.root);
  const all = Object.keys(state.snaps).sort();
  const shown = names.length > 0 ? all.filter((n) => names.includes(n)) : all;
  if (shown.length === 0) {
    if (names.length > 0) throw new SnapError('no matching snaps installed');
    ctx.stderr("No snaps are installed yet. Try 'snap install hello-world'.\n");
    return;
  }
  const rows = shown.map((name) => {
    const snap = state.snaps[name];
    if (!snap) throw new Error(`internal error: ${name} vanished from the state`);
    return [
      name,
      snap.version,
      snap.revision,
      snap.tracking === '' ? '-' : snap.tracking,
      shortPublisher(snap.publisher, ctx.unicode),
      snap.hold !== null ? 'held' : '-',
    ];
  });
  ctx.stdout(tabulate([['Name', 'Version', 'Rev', 'Tracking', 'Publisher', 'Notes'], ...rows]));
}

/** `snap refresh --hold [<snap>...]` (always "forever" here) and `--hold=<duration>`. */
export function hold(ctx: SnapdContext, names: readonly string[], value: string): void {
  const until = holdUntil(value);
  const state = readState(ctx.root);
  for (const name of names) {
    if (!state.snaps[name]) throw new SnapError(`snap "${name}" is not installed`);
  }
  if (names.length === 0) state['auto-refresh-hold'] = until;
  for (const name of names) {
    const snap = state.snaps[name];
    if (snap) snap.hold = until;
  }
  writeState(ctx.root, state);
  const when = until === 'forever' ? 'indefinitely' : `until ${until}`;
  ctx.stdout(
    names.length === 0
      ? `Auto-refresh of all snaps held ${when}\n`
      : `General refreshes of ${names.map((n) => `"${n}"`).join(', ')} held ${when}\n`,
  );
}

/** `snap refresh --unhold [<snap>...]`. */
export function unhold(ctx: SnapdContext, names: readonly string[]): void {
  const state = readState(ctx.root);
  for (const name of names) {
    if (!state.snaps[name]) throw new SnapError(`snap "${name}" is not installed`);
  }
  if (names.length === 0) state['auto-refresh-hold'] = null;
  for (const name of names) {
    const snap = state.snaps[name];
    if (snap) snap.hold = null;
  }
  writeState(ctx.root, state);
  ctx.stdout(
    names.length === 0
      ? 'Removed auto-refresh hold on all snaps\n'
      : `Removed general refresh hold of ${names.map((n) => `"${n}"`).join(', ')}\n`,
  );
}

/** Parses a hold value like snap: `forever`, or a Go duration (`24h`, `90m`, `1h30m`, `45s`). */
export function holdUntil(value: string, now: Date = new Date()): string {
  if (value === 'forever') return 'forever';
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new SnapError(`hold value must be a number of hours, minutes or seconds, or "forever": time: invalid duration "${value}"`);
  }
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * (unit[p[2] ?? 's'] ?? 0), 0);
  if (ms < 1000) throw new SnapError(`cannot hold refreshes for less than a second: ${value}`);
  return new Date(now.getTime() + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
