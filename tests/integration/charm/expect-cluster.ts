/** Assertions shared by the charm's integration tests: what an operator checks after each operation. */
import { expect } from 'vitest';
import type { SimModel } from '../../sim/testing.js';
import { clientUrls, memberNameOf } from '../support/cluster.js';
import { rootPassword } from '../support/model-state.js';
import type { EndpointStatusLine, MemberLine } from '../support/unit-exec.js';
import { etcdctl, parseEndpointHealth, parseEndpointStatus, parseMemberList } from '../support/unit-exec.js';

/** `etcdctl member list` through `sim exec` on `unit`, as root. */
export async function memberList(sim: SimModel, unit: string): Promise<MemberLine[]> {
  const status = await sim.status();
  const r = await etcdctl(sim, unit, clientUrls(status), ['member', 'list', '-w', 'simple'], rootPassword(sim));
  expect(r.exitCode, r.stderr).toBe(0);
  return parseMemberList(r.stdout);
}

/** `etcdctl endpoint status --cluster` through `sim exec` on `unit`, as root. */
export async function endpointStatus(sim: SimModel, unit: string): Promise<EndpointStatusLine[]> {
  const status = await sim.status();
  const r = await etcdctl(sim, unit, clientUrls(status), ['endpoint', 'status', '--cluster', '-w', 'simple'], rootPassword(sim));
  expect(r.exitCode, r.stderr).toBe(0);
  return parseEndpointStatus(r.stdout);
}

/**
 * The model has exactly `units` units, all active and idle with an active
 * application; `etcdctl member list` (run on the first unit) shows one
 * started voting member per unit, named after it, at its address; and
 * `endpoint health --cluster` says every member is healthy.
 */
export async function expectHealthyCluster(sim: SimModel, units: number): Promise<void> {
  const status = await sim.status();
  const names = Object.keys(status.units);
  expect(names).toHaveLength(units);
  for (const [name, unit] of Object.entries(status.units)) {
    expect({ name, status: unit['workload-status'], message: unit.message, agent: unit['agent-status'] }).toEqual({ name, status: 'active', message: '', agent: 'idle' });
  }
  expect({ status: status.application.status, message: status.application.message }).toEqual({ status: 'active', message: '' });

  const first = names[0]!;
  const members = await memberList(sim, first);
  expect(members.map((m) => m.name).sort()).toEqual(names.map(memberNameOf).sort());
  for (const m of members) {
    const unit = status.units[m.name.replace(/(\d+)$/, '/$1')];
    expect({ name: m.name, status: m.status, learner: m.isLearner, client: m.clientUrls }).toEqual({
      name: m.name,
      status: 'started',
      learner: false,
      client: `http://${unit?.address}:2379`,
    });
  }

  const health = await etcdctl(sim, first, clientUrls(status), ['endpoint', 'health', '--cluster', '-w', 'json'], rootPassword(sim));
  expect(health.exitCode, health.stderr).toBe(0);
  const lines = parseEndpointHealth(health.stdout);
  expect(lines.map((l) => l.endpoint).sort()).toEqual(clientUrls(status).sort());
  expect(lines.filter((l) => !l.health)).toEqual([]);
}
