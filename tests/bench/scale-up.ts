/**
 * Scale-up: `add-unit` on a healthy model, timed until the new unit is active
 * and its etcd is a started voting member (promoted from learner) serving with a leader.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchModel } from './bench-model.js';
import { describeUnits, hooksSince } from './bench-model.js';
import { GatewayClient } from './gateway-client.js';
import type { LoadedData } from './load-data.js';
import { memberFirstStart } from './member-restarts.js';
import { round } from './stats.js';

export interface ScaleUpFigure {
  readonly bench: 'scale-up';
  readonly seconds: number;
  readonly from_units: number;
  readonly to_units: number;
  /** When the new member first showed as a learner, and when as a voter (s after add-unit). */
  readonly learner_s: number | null;
  readonly voter_s: number;
  /** Hooks run in the model meanwhile, and how many failed (Juju retries those). */
  readonly hooks: number;
  readonly failed_hooks: number;
  /** The new member's own time from etcd's start to serving (its snapshot and catch-up included), from its log; null without a ready line. */
  readonly member_ready_s: number | null;
  /** The data the cluster held (the data-size benchmark). */
  readonly data?: LoadedData;
}

/** Adds one unit and measures. Throws when it is not a healthy voter within `timeoutSeconds`. */
export async function measureScaleUp(model: BenchModel, timeoutSeconds: number): Promise<ScaleUpFigure> {
  const before = await model.status();
  const fromUnits = Object.keys(before.units).length;
  const endpoints = Object.values(await model.clientUrls());
  const client = new GatewayClient({ user: 'root', password: model.password }, 1000);
  const started = Date.now();
  const added = /Added (\S+)/.exec(await model.run('add-unit'))?.[1];
  if (added === undefined) throw new Error('sim add-unit did not name the new unit');
  const deadline = started + timeoutSeconds * 1000;
  let learnerAt: number | undefined;
  let voterAt: number | undefined;
  for (;;) {
    const status = await model.status();
    const unit = status.units[added];
    const url = unit ? `http://${unit.address}:2379` : undefined;
    let members: Awaited<ReturnType<GatewayClient['members']>> | undefined;
    for (const endpoint of endpoints) {
      members = await client.members(endpoint).catch(() => undefined);
      if (members) break;
    }
    const member = unit === undefined ? undefined : members?.find((m) => m.peerUrls.includes(`http://${unit.address}:2380`));
    if (member?.isLearner === true) learnerAt ??= Date.now();
    // A voter that has published its client URL has started.
    if (member !== undefined && !member.isLearner && member.clientUrls.length > 0) voterAt ??= Date.now();
    const active = unit?.['workload-status'] === 'active' && unit['agent-status'] === 'idle';
    if (active && voterAt !== undefined && url !== undefined && (await client.status(url).then((s) => s.hasLeader).catch(() => false))) {
      const now = Date.now();
      const first = memberFirstStart(model.unitRoot(added));
      return {
        bench: 'scale-up',
        seconds: round((now - started) / 1000, 2),
        from_units: fromUnits,
        to_units: Object.keys(status.units).length,
        learner_s: learnerAt === undefined ? null : round((learnerAt - started) / 1000, 2),
        voter_s: round((voterAt - started) / 1000, 2),
        ...hooksSince(model, started),
        member_ready_s: first?.readyAt === undefined ? null : round((first.readyAt - first.startedAt) / 1000, 2),
      };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${added} is not an active voting member ${timeoutSeconds} s after add-unit ` +
          `(member: ${member === undefined ? 'not added' : member.isLearner ? 'learner' : 'voter'})\n${describeUnits(status)}`,
      );
    }
    await sleep(250);
  }
}
