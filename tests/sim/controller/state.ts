/**
 * What the controller keeps on disk: the fake Juju model (shared with the
 * in-process harness) plus the simulator's own per-unit bookkeeping (hook
 * queues, failures, charm revisions). Plain JSON, rewritten atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FakeModel } from '../../../lib/juju/testing/fake-juju/model.js';
import type { CharmRef } from '../charm-store.js';
import type { SimHome } from '../home.js';
import { writeFileAtomic } from '../home.js';
import type { InjectedFault } from './faults.js';

/** A hook waiting in a unit's queue, with what its environment needs. */
export interface QueuedHook {
  readonly kind: 'hook';
  readonly name: string;
  readonly relationId?: number;
  readonly endpoint?: string;
  /** `''` for created/broken and app-bag changes. */
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
  readonly storageId?: string;
  readonly secretId?: string;
  readonly secretLabel?: string;
  readonly secretRevision?: number;
}

/** An action queued on a unit (validated, defaults filled). */
export interface QueuedAction {
  readonly kind: 'action';
  readonly id: string;
  readonly name: string;
  readonly params: Record<string, unknown>;
}

export type QueuedEvent = QueuedHook | QueuedAction;

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

export interface SimUnit {
  readonly name: string;
  readonly number: number;
  readonly address: string;
  readonly root: string;
  readonly charmDir: string;
  readonly storageId: string;
  /** The charm the unit's directory holds now. */
  charm: CharmRef;
  /** A refresh not yet applied (the unit was running a hook). */
  pendingCharm?: CharmRef;
  queue: QueuedHook[];
  actions: QueuedAction[];
  started: boolean;
  /** Relation ids whose scope the unit has entered (after its `-relation-created`). */
  inScope: number[];
  /** The head of `queue` failed: automatic retry at `retryAt`, or never (`resolved` needed). */
  failure?: { attempts: number; retryAt: number };
  /** `fail-next-hook`: the next hook (of this name, if given) is reported as failed. */
  failNext?: { hook?: string };
  /** `inject-fault`: armed until a snap command of one of the unit's hooks matches it. */
  fault?: InjectedFault;
  dying: boolean;
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
  readonly version: 1;
  readonly subnet: string;
  settings: SimSettings;
  model: FakeModel;
  units: Record<string, SimUnit>;
  /** The charm the application is set to (what new units get). */
  charm: CharmRef;
  nextUnit: number;
  nextStorage: number;
  /** Outcomes of finished actions, by id. */
  actionResults: Record<string, ActionOutcome>;
  prngState: number;
}

const StateSchema = z.looseObject({
  version: z.literal(1),
  subnet: z.string().regex(/^127\.\d+\.\d+$/),
  settings: z.looseObject({ updateStatusMs: z.number(), retryScale: z.number() }),
  model: z.looseObject({ application: z.looseObject({ name: z.string() }), units: z.record(z.string(), z.unknown()) }),
  units: z.record(z.string(), z.looseObject({ name: z.string(), queue: z.array(z.unknown()) })),
  charm: z.looseObject({ url: z.string() }),
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
