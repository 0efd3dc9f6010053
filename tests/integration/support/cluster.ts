/**
 * Small operator-side helpers over a simulated charmed-etcd model: client
 * URLs, daemon pids, polling, and the hooks in which units restarted etcd.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { unitRoot } from '../../sim/home.js';
import { daemonPid } from '../../sim/snapd/index.js';
import type { StatusJson } from '../../sim/status.js';
import type { HookRecord, SimModel } from '../../sim/testing.js';

export const CLIENT_PORT = 2379;

/** Client URLs of the model's units, in unit order. */
export const clientUrls = (status: StatusJson): string[] => Object.values(status.units).map((u) => `http://${u.address}:${CLIENT_PORT}`);

/** The client URL of one unit. @throws Error for an unknown unit. */
export function clientUrlOf(status: StatusJson, unit: string): string {
  const u = status.units[unit];
  if (u === undefined) throw new Error(`no unit ${unit} in the status`);
  return `http://${u.address}:${CLIENT_PORT}`;
}

/** `charmed-etcd/3` → `charmed-etcd3`, the unit's etcd member name. */
export const memberNameOf = (unit: string): string => unit.replace('/', '');

/** The Juju leader's unit name. @throws Error when no unit leads. */
export function jujuLeader(status: StatusJson): string {
  const leader = Object.entries(status.units).find(([, u]) => u.leader)?.[0];
  if (leader === undefined) throw new Error('no unit is the Juju leader');
  return leader;
}

/** The pid of each unit's etcd daemon (undefined while it is not running). */
export function daemonPids(sim: SimModel, units: readonly string[]): Record<string, number | undefined> {
  return Object.fromEntries(units.map((u) => [u, daemonPid(unitRoot(sim.home, u))]));
}

/**
 * Polls `probe` until it returns a value (not undefined), and returns it.
 * @throws Error naming `what` (and the last probe's note) after `timeoutMs`.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 120_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A hook that ran on a unit, as an interval. */
export interface HookWindow {
  readonly unit: string;
  readonly event: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The hooks during which units logged `message` (juju-log lines are sent at
 * the end of the hook that wrote them, so each belongs to the latest hook of
 * that unit that started before it).
 */
export function hooksThatLogged(sim: SimModel, message: RegExp, since: string): HookWindow[] {
  const records: HookRecord[] = sim.hookRecords().filter((r) => r.kind === 'hook');
  return sim
    .debugLog()
    .filter((l) => l.at >= since && l.logger === `unit.${l.unit}.juju-log` && message.test(l.message))
    .map((line) => {
      const at = Date.parse(line.at);
      const hook = records
        .filter((r) => r.unit === line.unit && Date.parse(r.startedAt) <= at)
        .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt))[0];
      if (hook === undefined) throw new Error(`no hook of ${line.unit} ran before ${line.at}`);
      const start = Date.parse(hook.startedAt);
      return { unit: hook.unit, event: hook.event, start, end: start + hook.durationMs };
    });
}
