import { z } from 'zod';
import { runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

const entry = z.object({ status: z.string(), since: z.string().optional() });
const goalStateSchema = z.object({
  units: z.record(z.string(), entry).nullable().default({}),
  relations: z.record(z.string(), z.record(z.string(), entry)).nullable().default({}),
});

export interface GoalStateEntry {
  readonly status: string;
  readonly since?: string;
}

export interface GoalState {
  /** This application's units and where Juju wants them (`active`, `dying`, ...). */
  readonly units: Readonly<Record<string, GoalStateEntry>>;
  /** Per endpoint, the remote apps and units and their goal status. */
  readonly relations: Readonly<Record<string, Readonly<Record<string, GoalStateEntry>>>>;
}

/** `goal-state --format=json`. */
export async function goalState(runner: HookToolRunner): Promise<GoalState> {
  const out = await runToolJson(runner, 'goal-state', ['--format=json'], goalStateSchema);
  const clean = (e: z.output<typeof entry>): GoalStateEntry => ({
    status: e.status,
    ...(e.since === undefined ? {} : { since: e.since }),
  });
  const units = Object.fromEntries(Object.entries(out.units ?? {}).map(([k, v]) => [k, clean(v)]));
  const relations = Object.fromEntries(
    Object.entries(out.relations ?? {}).map(([ep, m]) => [ep, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, clean(v)]))]),
  );
  return { units, relations };
}

/** Units of this application that Juju plans to keep (not dying), as ops computes planned units. */
export const plannedUnits = (state: GoalState): string[] =>
  Object.entries(state.units)
    .filter(([, e]) => e.status !== 'dying')
    .map(([name]) => name)
    .sort();
