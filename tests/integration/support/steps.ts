/**
 * The operator's steps on a simulated model, as the integration tests take
 * them: run a `sim` verb that must succeed, run an action, wait for the model
 * to settle into a state, and keep a client writing through an operation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { StatusJson } from '../../sim/status.js';
import type { SimModel } from '../../sim/testing.js';
import { clientUrls } from './cluster.js';
import { rootPassword } from './model-state.js';
import { ContinuousWriter } from './writer.js';

/**
 * Runs `sim <args>` and returns its stdout.
 * @throws Error naming the verb and its stderr when it exits non-zero.
 */
export async function simOk(model: SimModel, ...args: string[]): Promise<string> {
  const r = await model.sim(...args);
  if (r.exitCode !== 0) throw new Error(`sim ${args.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
}

/** `sim run --format json` as DESIGN.md fixes it. */
export interface ActionJson {
  readonly status: 'completed' | 'failed';
  readonly message?: string;
  readonly results: Record<string, string>;
  readonly log?: string[];
}

/** Runs `action` on `unit` (or `<app>/leader`) with `key=value` params; a failed action resolves too. */
export async function runAction(model: SimModel, unit: string, action: string, ...params: string[]): Promise<ActionJson> {
  const r = await model.sim('run', unit, action, ...params, '--format', 'json');
  return JSON.parse(r.stdout) as ActionJson;
}

/**
 * Waits for the model to settle, then for `check` to hold on its status
 * (timers such as update-status may still queue hooks). `sim wait` exits
 * non-zero while a unit sits in a hook error that Juju keeps retrying, so
 * only the deadline ends the wait.
 * @throws Error with the last status when `check` does not hold within `timeoutMs`.
 */
export async function settle(model: SimModel, check: (s: StatusJson) => boolean = () => true, timeoutMs = 240_000): Promise<StatusJson> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await model.sim('wait', '--timeout', String(Math.max(1, Math.round((deadline - Date.now()) / 1000))));
    const status = await model.status();
    if (check(status)) return status;
    if (Date.now() > deadline) throw new Error(`the model did not reach the expected state:\n${JSON.stringify(status, null, 1)}`);
    await sleep(1000);
  }
}

/** Every unit active and idle, and the application active. */
export const allActive = (s: StatusJson): boolean =>
  s.application.status === 'active' && Object.values(s.units).every((u) => u['workload-status'] === 'active' && u['agent-status'] === 'idle');

/** Every unit active and idle on etcd `version`, the application active. */
export const allOn = (version: string) => (s: StatusJson): boolean =>
  allActive(s) && Object.values(s.units).every((u) => u['etcd-version'] === version);

/**
 * Runs `body` while a client writes continuously to every member (failing
 * over as etcd clients do), then checks that every acknowledged write is on
 * every member still in the model.
 */
export async function withWriter(
  model: SimModel,
  body: (writer: ContinuousWriter) => Promise<void>,
  options: { readonly ratePerSecond?: number } = {},
): Promise<void> {
  const writer = ContinuousWriter.start({ endpoints: clientUrls(await model.status()), password: rootPassword(model), ...options });
  try {
    await writer.waitForMore(20);
    await body(writer);
    await writer.waitForMore(20);
  } catch (error) {
    // The body's failure is the one to report; the writes are checked too, but a
    // member down at that moment must not hide why the body failed.
    await writer.stop();
    const verdict = await writer.verify(clientUrls(await model.status())).catch((e: unknown) => `not verified: ${String(e)}`);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n(writes after the failure: ${JSON.stringify(verdict)})`, { cause: error });
  }
  const report = await writer.stop();
  const verdict = await writer.verify(clientUrls(await model.status()));
  expect(report.acknowledged, JSON.stringify(report.failures)).toBeGreaterThan(0);
  expect(verdict.lost, `acknowledged writes missing: ${JSON.stringify(verdict.endpoints)}`).toEqual([]);
}

/** Records each distinct `<workload-status>  <message>` that `unit` shows, polling `sim status`, until stopped. */
export function watchStatuses(model: SimModel, unit: string): { stop(): Promise<string[]> } {
  const seen: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const u = (await model.status()).units[unit];
      const line = `${u?.['workload-status']}  ${u?.message}`;
      if (seen.at(-1) !== line) seen.push(line);
      await sleep(200);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}
