/**
 * One hook or action on one unit of the refresh model, through the decide/effect loop,
 * as the charm runs it: what it wrote to the peer databags becomes the commit the core
 * gets (Juju fans -relation-changed out from it), and a failed snap refresh exits 1.
 */
import type { CommitResult } from '../../../../../lib/juju/testing/fake-juju/commit.js';
import { emptyCommit } from '../../../../../lib/juju/testing/fake-juju/commit.js';
import type { QueuedEvent } from '../../../../../lib/juju/testing/fake-juju/core/index.js';
import { decide } from '../../../../../lib/refresh/decide.js';
import type { ActionOutcome, EffectResults, RefreshDecision } from '../../../../../lib/refresh/types.js';
import { performEffect } from './effects.js';
import { cancelOrphanedDowngrade } from './etcd-model.js';
import { APP } from './fixtures.js';
import { commitBag, PEER, peerRelation, refreshEventOf } from './juju.js';
import { workloadOfSnap } from './releases.js';
import { snapshotOf } from './snapshot.js';
import type { UnitState } from './unit.js';
import type { RefreshWorld } from './world.js';

export interface Ran {
  readonly exitCode: number;
  readonly commit: CommitResult;
  readonly outcome: ActionOutcome | undefined;
}

export const runEvent = (world: RefreshWorld, unit: UnitState, queued: QueuedEvent): Ran => {
  const event = refreshEventOf(queued);
  let effects: EffectResults = {};
  let decision: RefreshDecision | undefined;
  let filesApplied = 0;
  let refused: string | undefined;
  // Read once per event, as the adapter does; effects only add results.
  const base = snapshotOf(world, unit, event);
  for (let round = 0; round < 6; round += 1) {
    decision = decide({ ...base, workloadRunning: unit.workloadUp, effects });
    for (const op of decision.files.slice(filesApplied)) {
      if (op.op === 'write') unit.files.set(op.name, op.content);
      else unit.files.delete(op.name);
    }
    filesApplied = decision.files.length;
    const request = decision.request;
    if (request === undefined) break;
    const performed = performEffect(world, unit, event, request);
    refused ??= performed.refused;
    effects = { ...effects, ...performed.effects };
  }
  world.faults.once = {}; // one-shot faults are for this event only
  unit.refusal = refused;
  world.settleEtcd();
  if (decision === undefined || decision.request !== undefined) throw new Error('decide did not settle');
  if (unit.name === world.leader) world.appStatus = decision.appStatus;
  const outcome = decision.action;
  // The charm exits non-zero after a failed snap refresh so that Juju retries: databag writes are lost.
  // Not after a refusal: nothing was stopped, the unit shows why (src/refresh/wiring.ts).
  if (decision.snapRefreshFailed && event.kind === 'hook' && refused === undefined) return { exitCode: 1, commit: emptyCommit(false), outcome };
  const inProgress = decision.inProgress !== false || (decision.refreshCompletedThisEvent && world.relationUnits().length > 1);
  if (unit.name === world.leader && event.kind === 'hook' && !inProgress && unit.workloadUp && cancelOrphanedDowngrade(world.etcd, workloadOfSnap(unit.snap!))) {
    world.trace.push(`${unit.name} (leader) cancelled an etcd downgrade no unit carries out`);
    world.settleEtcd();
  }
  const commit = emptyCommit(true);
  const relationId = peerRelation(world.core).id;
  if (commitBag(unit.bag, decision.unitBag)) commit.relationChanges.push({ relationId, endpoint: PEER, bag: 'unit', owner: unit.name });
  if (unit.name === world.leader && commitBag(world.appBag, decision.appBag)) commit.relationChanges.push({ relationId, endpoint: PEER, bag: 'app', owner: APP });
  return { exitCode: 0, commit, outcome };
};
