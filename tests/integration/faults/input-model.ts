/**
 * Helpers for the fault-injection tests on bad data and bad input: write or
 * read any unit's databags as Juju would let an operator (`juju exec` +
 * relation-set/relation-get), take a snapshot of everything a bad input must
 * not change (etcd daemons, their start count, rendered config, snap
 * revisions, etcd's member list), and check that units stayed calm (every
 * hook exited 0, every agent idle).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { EtcdClient } from '../../../src/etcd/client.js';
import { unitPaths } from '../../../src/etcd/paths.js';
import { unitRoot } from '../../sim/home.js';
import type { SimModel } from '../../sim/testing.js';
import { clientUrls, daemonPids } from '../support/cluster.js';
import type { ExecContext } from '../support/juju-exec.js';
import { jujuExec } from '../support/juju-exec.js';
import { rootPassword } from '../support/model-state.js';

export type Endpoint = 'etcd-peers' | 'refresh-v-three';
export const ENDPOINTS: readonly Endpoint[] = ['etcd-peers', 'refresh-v-three'];

async function relationId(ctx: ExecContext, endpoint: Endpoint): Promise<string> {
  const r = await ctx.tool('relation-ids', [endpoint]);
  const id = r.stdout.trim().split('\n')[0];
  if (r.exitCode !== 0 || id === undefined || id === '') throw new Error(`no ${endpoint} relation: ${r.stderr}`);
  return id;
}

/**
 * Writes `values` into `unit`'s own databag of `endpoint` (or, with `app`, the
 * application databag; the unit must lead) and commits them like a hook that
 * exits 0, so the peers see relation-changed.
 * @throws Error when relation-set fails.
 */
export async function writeBag(sim: SimModel, unit: string, endpoint: Endpoint, values: Readonly<Record<string, string>>, options: { readonly app?: boolean } = {}): Promise<void> {
  await jujuExec(sim, unit, async (ctx) => {
    const id = await relationId(ctx, endpoint);
    const body = Object.entries(values).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n');
    const r = await ctx.tool('relation-set', ['-r', id, ...(options.app === true ? ['--app'] : []), '--file', '-'], `${body}\n`);
    if (r.exitCode !== 0) throw new Error(`relation-set on ${unit} failed: ${r.stderr}`);
  });
}

/** One databag as read through relation-get: `unit` or `app` of one relation. */
export interface BagRead {
  readonly endpoint: Endpoint;
  readonly owner: string;
  readonly data: Readonly<Record<string, string>>;
}

const bagSchemaParse = (text: string): Record<string, string> => {
  const parsed = JSON.parse(text === '' ? '{}' : text) as unknown;
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`relation-get printed ${text.slice(0, 80)}`);
  return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
};

/**
 * Every databag of both peer relations as `unit` reads them with relation-get:
 * each unit's bag and the application bag.
 * @throws Error when a relation-get fails.
 */
export async function readAllBags(sim: SimModel, unit: string): Promise<BagRead[]> {
  return jujuExec(sim, unit, async (ctx) => {
    const out: BagRead[] = [];
    for (const endpoint of ENDPOINTS) {
      const id = await relationId(ctx, endpoint);
      const listed = await ctx.tool('relation-list', ['-r', id]);
      const units = [unit, ...listed.stdout.split('\n').map((u) => u.trim()).filter((u) => u !== '' && u !== unit)];
      for (const owner of units) {
        const r = await ctx.tool('relation-get', ['-r', id, '--format', 'json', '-', owner]);
        if (r.exitCode !== 0) throw new Error(`relation-get ${owner} on ${endpoint} failed: ${r.stderr}`);
        out.push({ endpoint, owner, data: bagSchemaParse(r.stdout.trim()) });
      }
      const app = await ctx.tool('relation-get', ['-r', id, '--app', '--format', 'json', '-', unit]);
      if (app.exitCode !== 0) throw new Error(`relation-get --app on ${endpoint} failed: ${app.stderr}`);
      out.push({ endpoint, owner: 'app', data: bagSchemaParse(app.stdout.trim()) });
    }
    return out;
  });
}

/** What a rejected input or ignored bad datum must leave exactly as it was. */
export interface ClusterSnapshot {
  readonly pids: Readonly<Record<string, number | undefined>>;
  /** "starting an etcd server" lines in each unit's etcd log. */
  readonly etcdStarts: Readonly<Record<string, number>>;
  readonly configFiles: Readonly<Record<string, string>>;
  readonly snapRevisions: Readonly<Record<string, string | null | undefined>>;
  /** `id learner?` of every etcd member, sorted. */
  readonly members: readonly string[];
}

const etcdStartCount = (sim: SimModel, unit: string): number =>
  readFileSync(unitPaths(unitRoot(sim.home, unit)).logFile, 'utf8').split('\n').filter((l) => l.includes('"msg":"starting an etcd server"')).length;

/** Takes a {@link ClusterSnapshot} of `units` (etcd's member list read as root through every endpoint). */
export async function snapshotCluster(sim: SimModel, units: readonly string[]): Promise<ClusterSnapshot> {
  const status = await sim.status();
  const client = new EtcdClient({ endpoints: clientUrls(status), credentials: { user: 'root', password: rootPassword(sim) } });
  const members = (await client.memberList()).map((m) => `${m.id}${m.isLearner ? ' learner' : ''}`).sort();
  return {
    pids: daemonPids(sim, units),
    etcdStarts: Object.fromEntries(units.map((u) => [u, etcdStartCount(sim, u)])),
    configFiles: Object.fromEntries(units.map((u) => [u, readFileSync(unitPaths(unitRoot(sim.home, u)).configFile, 'utf8')])),
    snapRevisions: Object.fromEntries(units.map((u) => [u, status.units[u]?.['snap-revision']])),
    members,
  };
}

/** Hooks (not actions) that started at or after `since` (an ISO time). */
export const hooksSince = (sim: SimModel, since: string) => sim.hookRecords().filter((r) => r.kind === 'hook' && r.startedAt >= since);

/** Debug-log lines the charm logged (juju-log) at `level` since `since`. */
export const charmLogSince = (sim: SimModel, since: string, level: string) =>
  sim.debugLog().filter((l) => l.at >= since && l.level === level && l.logger === `unit.${l.unit}.juju-log`);

/**
 * The units stayed calm since `since`: every hook exited 0 (no retry loop),
 * each unit ran few hooks (no loop of relation-changed), every agent is idle.
 */
export async function expectCalm(sim: SimModel, since: string, maxHooksPerUnit = 8): Promise<void> {
  const hooks = hooksSince(sim, since);
  expect(hooks.filter((h) => h.exitCode !== 0).map((h) => `${h.unit} ${h.event} exited ${h.exitCode}`)).toEqual([]);
  const perUnit = new Map<string, number>();
  for (const h of hooks) perUnit.set(h.unit, (perUnit.get(h.unit) ?? 0) + 1);
  for (const [unit, count] of perUnit) expect(count, `${unit} ran ${count} hooks since ${since}`).toBeLessThanOrEqual(maxHooksPerUnit);
  const status = await sim.status();
  for (const [unit, u] of Object.entries(status.units)) expect(u['agent-status'], `${unit} agent`).toBe('idle');
}
