/**
 * Test helper: a simulated model in a fresh temporary SIM_HOME, destroyed in afterAll
 * even when a test fails. The controller is started with this process as its "test
 * parent", so it (and the snapd supervisors) tear everything down if the test process dies.
 *
 * @example
 * ```ts
 * const model = useSimModel({ units: 3 });
 * it('deploys', async () => {
 *   await model().wait();
 *   expect((await model().status()).units['charmed-etcd/0']?.leader).toBe(true);
 * });
 * ```
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { build } from '../../scripts/build.mjs';
import { runCli } from './cli/main.js';
import { destroyModel } from './cli/destroy.js';
import { readLog } from './debug-log.js';
import type { LogLine } from './debug-log.js';
import { isAlive, readPidFiles, simHome, unitRootsOnDisk } from './home.js';
import type { SimHome } from './home.js';
import { daemonPid, supervisorPid } from './snapd/index.js';
import type { StatusJson } from './status.js';

const CLI = fileURLToPath(new URL('./cli/main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * With SIM_KEEP_HOOK_LOGS=<dir>, a destroyed model's hooks.jsonl and debug log are kept there,
 * named after the test file, so a suite run can be profiled hook by hook.
 */
function keepHookLog(home: SimHome): void {
  const dir = process.env.SIM_KEEP_HOOK_LOGS;
  if (dir === undefined || dir === '' || !existsSync(home.hookLog)) return;
  const file = expect.getState().testPath ?? 'unknown';
  const name = `${path.relative(REPO, file).replaceAll('/', '_')}.${Date.now()}.jsonl`;
  mkdirSync(dir, { recursive: true });
  copyFileSync(home.hookLog, path.join(dir, name));
  if (existsSync(home.debugLog)) copyFileSync(home.debugLog, path.join(dir, name.replace(/\.jsonl$/, '.debug-log')));
}

export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** One finished hook or action as the controller recorded it (SIM_HOME/hooks.jsonl). */
export interface HookRecord {
  readonly unit: string;
  readonly event: string;
  readonly kind: 'hook' | 'action';
  readonly startedAt: string;
  readonly durationMs: number;
  readonly exitCode: number | null;
  readonly toolCalls: ReadonlyArray<{ tool: string; exitCode: number; ms: number | null; serverMs: number }>;
}

export interface SimModel {
  readonly home: SimHome;
  /** The environment the CLI runs with (SIM_HOME, test guard, fast update-status and retries). */
  readonly env: Readonly<Record<string, string>>;
  /** Runs a verb in this process (same code as the CLI); never throws for a failing verb. */
  sim(...args: string[]): Promise<CliResult>;
  /** Spawns the real CLI (`node --import tsx tests/sim/cli/main.ts`). */
  spawnSim(...args: string[]): Promise<CliResult>;
  /** `sim wait`; throws with the output when the model does not settle cleanly. */
  wait(timeoutSeconds?: number): Promise<void>;
  /** `sim status --format json`. */
  status(): Promise<StatusJson>;
  debugLog(unit?: string): LogLine[];
  hookRecords(): HookRecord[];
  /** Every live pid the simulator knows of: controller, hooks, supervisors and etcd daemons. */
  recordedPids(): number[];
  destroy(): Promise<void>;
}

export interface SimModelOptions {
  /** Units to deploy; 0 leaves deploying to the test. Default 1. */
  readonly units?: number;
  /** Extra deploy arguments (`--config k=v`, `--seed 3`, ...). */
  readonly deployArgs?: readonly string[];
  /** A charm directory to publish and deploy (default: the charm built fresh into the temp dir). */
  readonly charmDir?: string;
  /** Deploy with `--path` instead of publishing. */
  readonly local?: boolean;
  readonly updateStatusInterval?: string;
  readonly retryScale?: number;
  /** Extra environment for the CLI (e.g. `SIM_START_AFTER_REFRESH=1`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Builds the charm into a fresh directory (no race with other test files building build/charm). */
export async function buildCharmInto(dir: string): Promise<string> {
  await build({ out: dir, env: { ...process.env, CHARM_VERSION: process.env['CHARM_VERSION'] ?? '3.6/1.0.0' } });
  return dir;
}

/** Creates a model (deploying `units` units unless 0). The caller must `destroy()` it. */
export async function createSimModel(options: SimModelOptions = {}): Promise<SimModel> {
  const work = mkdtempSync(path.join(tmpdir(), 'sim-'));
  const home = simHome(path.join(work, 'home'));
  const env: Record<string, string> = {
    SIM_HOME: home.dir,
    SIM_TEST_PARENT_PID: String(process.pid),
    SIM_UPDATE_STATUS_INTERVAL: options.updateStatusInterval ?? '5m',
    SIM_RETRY_SCALE: String(options.retryScale ?? 0.02),
    ...options.env,
  };
  const fullEnv = (): Record<string, string | undefined> => ({ ...process.env, ...env });
  const sim = async (...args: string[]): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const exitCode = await runCli(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) }, fullEnv(), work);
    return { stdout, stderr, exitCode };
  };
  const spawnSim = async (...args: string[]): Promise<CliResult> => {
    const r = await execa(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO, env: fullEnv(), reject: false });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode ?? 1 };
  };
  const model: SimModel = {
    home,
    env,
    sim,
    spawnSim,
    async wait(timeoutSeconds = 240) {
      const r = await sim('wait', '--timeout', String(timeoutSeconds));
      if (r.exitCode !== 0) throw new Error(`sim wait failed (${r.exitCode}):\n${r.stderr}\n${r.stdout.split('\n').slice(-20).join('\n')}`);
    },
    async status() {
      const r = await sim('status', '--format', 'json');
      if (r.exitCode !== 0) throw new Error(`sim status failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as StatusJson;
    },
    debugLog: (unit) => readLog(home.debugLog, unit),
    hookRecords: () =>
      existsSync(home.hookLog)
        ? readFileSync(home.hookLog, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => JSON.parse(l) as HookRecord)
        : [],
    recordedPids() {
      const pids = [...readPidFiles(home).values()];
      for (const root of unitRootsOnDisk(home)) {
        for (const pid of [supervisorPid(root), daemonPid(root)]) if (pid !== undefined) pids.push(pid);
      }
      return pids;
    },
    async destroy() {
      keepHookLog(home);
      await destroyModel(home);
      rmSync(work, { recursive: true, force: true });
    },
  };
  try {
    const charm = options.charmDir ?? (await buildCharmInto(path.join(work, 'charm')));
    const units = options.units ?? 1;
    if (units > 0) {
      let source: string[];
      if (options.local) source = ['--path', charm];
      else {
        const published = await sim('publish', charm);
        if (published.exitCode !== 0) throw new Error(`sim publish failed: ${published.stderr}`);
        source = ['--revision', published.stdout.trim()];
      }
      const r = await sim('deploy', ...source, '-n', String(units), ...(options.deployArgs ?? []));
      if (r.exitCode !== 0) throw new Error(`sim deploy failed: ${r.stderr}`);
    }
  } catch (error) {
    await model.destroy();
    throw error;
  }
  return model;
}

/**
 * Registers beforeAll/afterAll for one model shared by the test file; returns its getter.
 * The model is destroyed in afterAll even when tests fail.
 */
export function useSimModel(options: SimModelOptions = {}): () => SimModel {
  let model: SimModel | undefined;
  beforeAll(async () => {
    model = await createSimModel(options);
  });
  afterAll(async () => {
    await model?.destroy();
  });
  return () => {
    if (!model) throw new Error('the simulated model is not ready (beforeAll failed?)');
    return model;
  };
}

/** True while `pid` runs (zombies count as gone). */
export const pidAlive = (pid: number): boolean => isAlive(pid);
