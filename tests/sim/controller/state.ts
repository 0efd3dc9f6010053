/**
 * What the controller keeps on disk: the core's model of the whole Juju model
 * (applications, units with their hook queues, relations, secrets) plus the
 * simulator's own per-unit bookkeeping (directories, armed faults) and action
 * outcomes. Plain JSON, rewritten atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { CoreModel } from '../../../lib/juju/testing/fake-juju/core/index.js';
import type { SimHome } from '../home.js';
import { writeFileAtomic } from '../home.js';
import type { InjectedFault } from './faults.js';

export type { QueuedAction, QueuedEvent, QueuedHook } from '../../../lib/juju/testing/fake-juju/core/index.js';

/** An action's outcome, as `sim run` reports it. */
export interface ActionOutcome {
  readonly id: string;
  readonly unit: string;
  readonly action: string;
  readonly status: 'completed' | 'failed';
  readonly message: string;
  readonly results: Record<string, unknown>;
  readonly logs: string[];
}

/** The simulator's side of a unit: where its machine lives, and faults armed on it. */
export interface SimUnit {
  readonly name: string;
  readonly root: string;
  readonly charmDir: string;
  /** `fail-next-hook`: the next hook (of this name, if given) is reported as failed. */
  failNext?: { hook?: string };
  /** `inject-fault`: armed until a snap command of one of the unit's hooks matches it. */
  fault?: InjectedFault;
}

export interface SimSettings {
  updateStatusMs: number;
  /** Multiplies Juju's retry back-off (5, 10, 20, 40 s … 5 min). */
  retryScale: number;
  /** When set: one hook at a time in the model, the next unit picked by a PRNG with this seed. */
  seed?: number;
  hookTimeoutMs: number;
  /** Queue `start` after `upgrade-charm`/`config-changed` on refresh. */
  startAfterRefresh: boolean;
  /** `sim wait` counts a unit as settled in error after this many failed attempts of one hook. */
  settleAfterFailures: number;
  /** Test guard: the controller tears the model down when this process is gone. */
  testParentPid?: number;
}

export interface SimState {
  readonly version: 2;
  readonly subnet: string;
  settings: SimSettings;
  model: CoreModel;
  units: Record<string, SimUnit>;
  /** Outcomes of finished actions, by id. */
  actionResults: Record<string, ActionOutcome>;
}

const StateSchema = z.looseObject({
  version: z.literal(2),
  subnet: z.string().regex(/^127\.\d+\.\d+$/),
  settings: z.looseObject({ updateStatusMs: z.number(), retryScale: z.number() }),
  model: z.looseObject({
    applications: z.record(z.string(), z.looseObject({ name: z.string() })),
    units: z.record(z.string(), z.looseObject({ name: z.string(), app: z.string(), queue: z.array(z.unknown()) })),
    relations: z.array(z.looseObject({ id: z.number(), ends: z.array(z.looseObject({ app: z.string(), endpoint: z.string() })) })),
  }),
  units: z.record(z.string(), z.looseObject({ name: z.string(), root: z.string() })),
});

/** The saved state, or undefined when the model has none yet. Throws when the file is malformed. */
export function loadState(home: SimHome): SimState | undefined {
  if (!existsSync(home.stateFile)) return undefined;
  const parsed = StateSchema.safeParse(JSON.parse(readFileSync(home.stateFile, 'utf8')));
  if (!parsed.success) throw new Error(`${home.stateFile} is malformed: ${z.prettifyError(parsed.error)}`);
  return parsed.data as unknown as SimState;
}

export function saveState(home: SimHome, state: SimState): void {
  writeFileAtomic(home.stateFile, JSON.stringify(state));
}
