/**
 * A benchmark's model: the simulator driven through its CLI verbs exactly as an
 * operator drives Juju (publish, deploy, add-secret, config, wait, status), with
 * a known root password so a client can write to the cluster.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { unitRoot } from '../sim/home.js';
import { createSimModel } from '../sim/testing.js';
import type { SimModel } from '../sim/testing.js';
import type { StatusJson } from '../sim/status.js';

export const APP = 'charmed-etcd';

export interface BenchModel {
  readonly sim: SimModel;
  /** The root password, set through a `system-users` user secret (never printed). */
  readonly password: string;
  /** `sim <verb> ...`; throws with the verb's output when it exits non-zero. */
  run(...args: string[]): Promise<string>;
  status(): Promise<StatusJson>;
  /** Client URLs of the units, by unit name. */
  clientUrls(): Promise<Record<string, string>>;
  /** The unit's filesystem root (where its snap, etcd log and data live). */
  unitRoot(unit: string): string;
  destroy(): Promise<void>;
}

export interface BenchModelOptions {
  readonly units: number;
  /** The built charm directory (built once per benchmark run). */
  readonly charmDir: string;
  /** etcd version the first published revision pins (the deployed one). */
  readonly workload: string;
  readonly charmVersion: string;
  /** Seconds `sim wait` may take for the deploy. */
  readonly settleSeconds?: number;
  /** Juju's hook retry back-off times this (1 = Juju's own 5 s, 10 s, 20 s ...). */
  readonly retryScale?: number;
}

/**
 * Publishes the charm pinned to `workload`, deploys `units` units, sets the root
 * password through a granted user secret, and waits until every unit is active.
 * Throws (after destroying the model) when the model does not settle.
 */
export async function deployBenchModel(options: BenchModelOptions): Promise<BenchModel> {
  // Update-status only on demand: the benchmarks must not race the interval timer.
  const sim = await createSimModel({ units: 0, charmDir: options.charmDir, updateStatusInterval: '24h', retryScale: options.retryScale ?? 1 });
  const run = async (...args: string[]): Promise<string> => {
    const r = await sim.sim(...args);
    if (r.exitCode !== 0) throw new Error(`sim ${args.join(' ')} exited ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout;
  };
  const password = randomBytes(18).toString('base64url');
  const model: BenchModel = {
    sim,
    password,
    run,
    status: () => sim.status(),
    async clientUrls() {
      const status = await sim.status();
      return Object.fromEntries(Object.entries(status.units).map(([name, u]) => [name, `http://${u.address}:2379`]));
    },
    unitRoot: (unit) => unitRoot(sim.home, unit),
    destroy: () => sim.destroy(),
  };
  try {
    const revision = (await run('publish', options.charmDir, '--workload', options.workload, '--charm-version', options.charmVersion)).trim();
    await run('deploy', '--revision', revision, '-n', String(options.units));
    const uri = (await run('add-secret', 'bench-system-users', `root=${password}`)).trim();
    await run('grant-secret', 'bench-system-users', APP);
    await run('config', `system-users=${uri}`);
    await sim.wait(options.settleSeconds ?? 900);
    await waitForActive(model, options.units, 120);
  } catch (error) {
    await sim.destroy();
    throw error;
  }
  return model;
}

/** Units that are active and idle with `version` running, by name (all of them when `version` is undefined). */
export function readyUnits(status: StatusJson, version?: string): string[] {
  return Object.entries(status.units)
    .filter(([, u]) => u['workload-status'] === 'active' && u['agent-status'] === 'idle')
    .filter(([, u]) => version === undefined || u['etcd-version'] === version)
    .map(([name]) => name);
}

/** Polls status until `count` units are active; throws with the status table when time runs out. */
export async function waitForActive(model: BenchModel, count: number, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const status = await model.status();
    if (readyUnits(status).length >= count) return;
    if (Date.now() > deadline) throw new Error(`the model has not ${count} active units after ${timeoutSeconds} s:\n${describeUnits(status)}`);
    await sleep(500);
  }
}

/** One line per unit: name, workload status and message, snap revision, etcd version. */
export function describeUnits(status: StatusJson): string {
  return Object.entries(status.units)
    .map(([name, u]) => `  ${name}: ${u['workload-status']} ${JSON.stringify(u.message)} agent=${u['agent-status']} snap=${u['snap-revision'] ?? '-'} etcd=${u['etcd-version'] ?? '-'}`)
    .join('\n');
}

/** How many hooks (not actions) started at or after `since`, and how many of them failed. */
export function hooksSince(model: BenchModel, since: number): { hooks: number; failed_hooks: number } {
  const hooks = model.sim.hookRecords().filter((r) => r.kind === 'hook' && Date.parse(r.startedAt) >= since);
  return { hooks: hooks.length, failed_hooks: hooks.filter((r) => r.exitCode !== 0).length };
}
