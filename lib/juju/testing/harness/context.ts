/**
 * The harness entry point.
 *
 * @example
 * ```ts
 * const ctx = new Context();                                   // reads the repo's metadata/config/actions.yaml
 * const peers = ctx.peerRelation({ endpoint: 'etcd-peers' });
 * const out = await ctx.run(ctx.on.start(), createState({ leader: true, relations: [peers] }), charmMain);
 * expect(out.state.unitStatus).toEqual({ status: 'active', message: '' });
 * ```
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { HookToolError } from '../../hooktools/runner.js';
import type { HookToolRunner } from '../../hooktools/runner.js';
import type { CharmMain } from '../../host.js';
import { parseActionsYaml, parseConfigYaml, parseMetadataYaml } from '../fake-juju/charm.js';
import type { CommitResult } from '../fake-juju/commit.js';
import { afterHook, beforeHook } from '../fake-juju/juju-effects.js';
import type { HookIdentity } from '../fake-juju/juju-effects.js';
import { secretIdFor } from '../fake-juju/model.js';
import type { ActionModel, CharmFiles, LogEntry, RotatePolicy } from '../fake-juju/model.js';
import { openHookSession } from '../fake-juju/session.js';
import { createCharmDir, readCharmDir, removeCharmDir } from './charm-dir.js';
import { DEFAULT_CHECKS, assertConsistent } from './consistency.js';
import type { ConsistencyCheck } from './consistency.js';
import { createEventFactory, eventEnv } from './events.js';
import type { EventFactory, HarnessEvent } from './events.js';
import { modelFromState, stateFromModel } from './state-model.js';
import type { Identity } from './state-model.js';
import { defaultUnitBag, frozenCopy } from './state.js';
import type { Bag, PeerRelation, Relation, Secret, SecretRevisionState, State, Status } from './state.js';

/** The repository root (where metadata.yaml lives), found from this file's location. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface CharmYaml {
  readonly metadata: string;
  readonly config?: string;
  readonly actions?: string;
}

export interface ContextOptions {
  /** Directory holding metadata.yaml, config.yaml and actions.yaml; default: the repo root. */
  readonly charmRoot?: string;
  /** Inline charm files instead of `charmRoot` (for tests of small made-up charms). */
  readonly charmYaml?: CharmYaml;
  /** Default: the name in metadata.yaml. */
  readonly appName?: string;
  readonly unitId?: number;
  readonly jujuVersion?: string;
  readonly modelName?: string;
  readonly modelUuid?: string;
  readonly machineId?: string;
  /** Clock for timestamps; default: a deterministic clock starting 2025-01-01, one second per reading. */
  readonly now?: () => Date;
  /** Consistency checks to run before the charm; default: all. */
  readonly checks?: readonly ConsistencyCheck[];
}

export interface ToolCallRecord {
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin?: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ActionResult {
  readonly status: 'completed' | 'failed';
  readonly message?: string;
  /** The `action-set` results (nested by dotted keys; leaves are strings). */
  readonly results: Readonly<Record<string, unknown>>;
  readonly logs: readonly string[];
}

export interface RunResult {
  readonly state: State;
  readonly exitCode: number;
  /** What the charm threw, if it threw (counted as exit 1). */
  readonly error?: unknown;
  /** `juju-log` lines of this run. */
  readonly logs: readonly LogEntry[];
  /** Every unit status the unit went through during the run, in order (the charm's and Juju's own). */
  readonly unitStatusHistory: readonly Status[];
  readonly appStatusHistory: readonly Status[];
  readonly workloadVersionHistory: readonly string[];
  /** The unit agent's status after the hook: `error` / `hook failed: "<hook>"` when the hook failed. */
  readonly agentStatus: Status & { readonly status: string };
  /** Present for action events. */
  readonly actionResult?: ActionResult;
  readonly toolCalls: readonly ToolCallRecord[];
  /** What the hook committed (nothing when it failed). */
  readonly commit: CommitResult;
  readonly warnings: readonly string[];
  /** The environment the charm was given. */
  readonly env: Readonly<Record<string, string>>;
  /** What the charm wrote to `host.stderr` (Juju copies it into the unit log at WARNING). */
  readonly stderr: string;
}

const readOptional = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

const deterministicClock = (): (() => Date) => {
  let t = Date.parse('2025-01-01T00:00:00.000Z');
  return () => new Date((t += 1000));
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Knows the charm (metadata, config, actions) and the unit's identity; builds
 * states' relations and secrets with ids unique to this context, builds events
 * (`ctx.on`), and runs a charm against a State.
 * Throws from the constructor when the charm files are missing or malformed.
 */
export class Context {
  readonly charm: CharmFiles;
  readonly appName: string;
  readonly unitId: number;
  readonly unitName: string;
  readonly on: EventFactory;
  private readonly identity: Identity;
  private readonly baseFiles: Record<string, string>;
  private readonly now: () => Date;
  private readonly checks: readonly ConsistencyCheck[];
  private counters = { relation: 0, secret: 0, action: 0, context: 0 };
  private readonly relationIds = new Set<number>();

  // An explicit id is taken as given; automatic ids skip every id this context has seen.
  private relationId(explicit: number | undefined): number {
    let id = explicit;
    if (id === undefined) {
      do id = this.counters.relation += 1;
      while (this.relationIds.has(id));
    }
    this.relationIds.add(id);
    return id;
  }

  constructor(options: ContextOptions = {}) {
    const yaml: CharmYaml = options.charmYaml ?? ((): CharmYaml => {
      const root = options.charmRoot ?? REPO_ROOT;
      const metadata = readOptional(path.join(root, 'metadata.yaml'));
      if (metadata === undefined) throw new Error(`no metadata.yaml in ${root}`);
      const out: Mutable<CharmYaml> = { metadata };
      const config = readOptional(path.join(root, 'config.yaml'));
      const actions = readOptional(path.join(root, 'actions.yaml'));
      if (config !== undefined) out.config = config;
      if (actions !== undefined) out.actions = actions;
      return out;
    })();
    this.charm = {
      metadata: parseMetadataYaml(yaml.metadata),
      config: yaml.config === undefined ? {} : parseConfigYaml(yaml.config),
      actions: yaml.actions === undefined ? {} : parseActionsYaml(yaml.actions),
    };
    this.baseFiles = { 'metadata.yaml': yaml.metadata };
    if (yaml.config !== undefined) this.baseFiles['config.yaml'] = yaml.config;
    if (yaml.actions !== undefined) this.baseFiles['actions.yaml'] = yaml.actions;
    this.appName = options.appName ?? this.charm.metadata.name;
    this.unitId = options.unitId ?? 0;
    this.unitName = `${this.appName}/${this.unitId}`;
    this.now = options.now ?? deterministicClock();
    this.checks = options.checks ?? DEFAULT_CHECKS;
    this.identity = {
      appName: this.appName,
      unitName: this.unitName,
      charm: this.charm,
      modelName: options.modelName ?? 'test-model',
      modelUuid: options.modelUuid ?? '6f2b1c8e-0d3a-4c55-9a61-2f7d0c1e9b42',
      jujuVersion: options.jujuVersion ?? '3.6.8',
      machineId: options.machineId ?? String(this.unitId),
    };
    this.on = createEventFactory({
      charm: this.charm,
      appName: this.appName,
      nextActionId: () => String((this.counters.action += 1)),
    });
  }

  private interfaceOf(endpoint: string): string {
    const m = this.charm.metadata;
    return (m.peers[endpoint] ?? m.provides[endpoint] ?? m.requires[endpoint])?.interface ?? '';
  }

  /** A non-peer relation; the id is the next one of this context. Unit bags carry Juju's address keys. */
  relation(init: {
    endpoint: string;
    id?: number;
    interface?: string;
    remoteApp?: string;
    localAppData?: Bag;
    localUnitData?: Bag;
    remoteAppData?: Bag;
    remoteUnitsData?: Readonly<Record<number, Bag>>;
  }): Relation {
    const remoteUnitsData = Object.fromEntries(
      Object.entries(init.remoteUnitsData ?? { 0: {} }).map(([n, bag]) => [n, { ...defaultUnitBag(), ...bag }]),
    );
    return frozenCopy({
      kind: 'relation',
      id: this.relationId(init.id),
      endpoint: init.endpoint,
      interface: init.interface ?? this.interfaceOf(init.endpoint),
      remoteApp: init.remoteApp ?? 'remote',
      localAppData: { ...init.localAppData },
      localUnitData: { ...defaultUnitBag(), ...init.localUnitData },
      remoteAppData: { ...init.remoteAppData },
      remoteUnitsData,
    });
  }

  /** A peer relation; `peersData` holds the other units (never this one). */
  peerRelation(init: {
    endpoint: string;
    id?: number;
    interface?: string;
    localAppData?: Bag;
    localUnitData?: Bag;
    peersData?: Readonly<Record<number, Bag>>;
  }): PeerRelation {
    return frozenCopy({
      kind: 'peer',
      id: this.relationId(init.id),
      endpoint: init.endpoint,
      interface: init.interface ?? this.interfaceOf(init.endpoint),
      localAppData: { ...init.localAppData },
      localUnitData: { ...defaultUnitBag(), ...init.localUnitData },
      peersData: Object.fromEntries(Object.entries(init.peersData ?? {}).map(([n, bag]) => [n, { ...defaultUnitBag(), ...bag }])),
    });
  }

  /**
   * A secret. Give `content` for a one-revision secret or `revisions` for several.
   * Without `owner` it is consumed: owned by `ownerApp` (default `remote`) and granted to this app.
   */
  secret(init: {
    id?: string;
    owner?: 'app' | 'unit';
    ownerApp?: string;
    content?: Bag;
    revisions?: readonly SecretRevisionState[];
    trackedRevision?: number;
    consumerLabel?: string;
    label?: string;
    description?: string;
    rotate?: RotatePolicy;
    expire?: string;
    grants?: Secret['grants'];
  }): Secret {
    const { content, ...rest } = init;
    return frozenCopy({
      ...rest,
      id: init.id ?? secretIdFor((this.counters.secret += 1) + 0x10000),
      revisions: init.revisions ?? [{ revision: 1, content: { ...content } }],
      grants: init.grants ?? [],
    });
  }

  /**
   * Runs `charmMain` for `event` against `state` and returns the new State with
   * everything observable about the run. Throws InconsistentStateError before the
   * charm runs when the scenario could not happen in Juju; a charm that throws
   * counts as exit 1 (see `error`).
   */
  async run(event: HarnessEvent, state: State, charmMain: CharmMain): Promise<RunResult> {
    const warnings = assertConsistent(
      { state, event, charm: this.charm, appName: this.appName, unitId: this.unitId },
      this.checks,
    );
    const id = this.identity;
    const model = modelFromState(state, id, event);
    const charmDir = createCharmDir(this.baseFiles, state.charmFiles);
    try {
      const contextId = `${this.unitName}-${event.name}-${((this.counters.context += 1) * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}`;
      const env = eventEnv(event, { ...id, charmDir, contextId });
      const hook: HookIdentity =
        event.kind === 'hook' && event.remoteUnit ? { kind: 'hook', name: event.name, remoteUnit: event.remoteUnit } : { kind: event.kind, name: event.name };
      const at = () => this.now().toISOString();
      const historyStart = model.history.length;
      beforeHook(model, this.unitName, hook, at());
      const session = openHookSession(model, { unit: this.unitName, env, now: this.now, cwd: charmDir });
      const toolCalls: ToolCallRecord[] = [];
      const tools: HookToolRunner = {
        run: async (tool, args, options) => {
          const result = session.call(tool, args, options?.stdin);
          const record: Mutable<ToolCallRecord> = { tool, args: [...args], exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
          if (options?.stdin !== undefined) record.stdin = options.stdin;
          toolCalls.push(record);
          if (result.exitCode !== 0) throw new HookToolError(tool, args, result.exitCode, result.stderr);
          return result.stdout;
        },
      };
      const stderrChunks: string[] = [];
      let exitCode: number;
      let error: unknown;
      let threw = false;
      try {
        exitCode = await charmMain({ env: { ...env }, tools, stderr: { write: (text: string) => stderrChunks.push(text) } });
        if (!Number.isInteger(exitCode)) exitCode = 1;
      } catch (caught) {
        threw = true;
        error = caught;
        exitCode = 1;
      }
      const commit = session.finish(exitCode);
      afterHook(model, this.unitName, hook, exitCode, at());
      const charmFiles = readCharmDir(charmDir, this.baseFiles, state.charmFiles);
      const newState = stateFromModel(state, model, id, charmFiles);
      const history = model.history.slice(historyStart);
      const unit = model.units[this.unitName];
      const result: Mutable<RunResult> = {
        state: newState,
        exitCode,
        logs: model.logs.slice(),
        unitStatusHistory: history.flatMap((h) => (h.kind === 'unit-status' ? [{ status: h.status, message: h.message }] : [])),
        appStatusHistory: history.flatMap((h) => (h.kind === 'app-status' ? [{ status: h.status, message: h.message }] : [])),
        workloadVersionHistory: history.flatMap((h) => (h.kind === 'workload-version' ? [h.version] : [])),
        agentStatus: { status: unit?.agentStatus.status ?? 'idle', message: unit?.agentStatus.message ?? '' } as Status,
        toolCalls,
        commit,
        warnings,
        env,
        stderr: stderrChunks.join(''),
      };
      if (threw) result.error = error;
      if (event.kind === 'action' && model.action) result.actionResult = actionOutcome(model.action, exitCode);
      return result;
    } finally {
      removeCharmDir(charmDir);
    }
  }
}

// Contract §3.5: exit ≠ 0 fails with "exit status N" (and nothing was committed);
// action-fail then exit 0 fails with its message (changes committed).
const actionOutcome = (action: ActionModel, exitCode: number): ActionResult => {
  const base = { results: structuredClone(action.results), logs: [...action.logs] };
  if (exitCode !== 0) return { status: 'failed', message: `exit status ${exitCode}`, ...base };
  if (action.failed) return { status: 'failed', message: action.failMessage ?? '', ...base };
  return { status: 'completed', ...base };
};
