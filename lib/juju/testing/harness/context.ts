/**
 * The harness entry point.
 *
 * @example
 * ```ts
 * const ctx = new Context();                                   // reads the repo's metadata/config/actions.yaml
 * const peers = ctx.peerRelation({ endpoint: 'etcd-peers' });
 * const out = await ctx.run(ctx.on.start(), createState({ leader: true, relations: [peers] }), charmMain);
 * expect(out.state.unitStatus).toEqual({ name: 'active', message: '' });
 * ```
 */
import type { CharmMain } from '../../host.js';
import { parseActionsYaml, parseConfigYaml, parseMetadataYaml } from '../fake-juju/charm.js';
import { secretIdFor } from '../fake-juju/model.js';
import type { CharmFiles, RotatePolicy } from '../fake-juju/model.js';
import { REPO_ROOT, readCharmYaml } from './charm-yaml.js';
import type { CharmYaml } from './charm-yaml.js';
import { DEFAULT_CHECKS, assertConsistent } from './consistency.js';
import type { ConsistencyCheck } from './consistency.js';
import { createEventFactory } from './events.js';
import type { EventFactory, HarnessEvent } from './events.js';
import { runHook } from './run-hook.js';
import type { RunResult } from './run-result.js';
import type { Identity } from './state-model.js';
import { defaultUnitBag, frozenCopy } from './state.js';
import type { Bag, PeerRelation, Relation, Secret, SecretRevisionState, State } from './state.js';

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

const deterministicClock = (): (() => Date) => {
  let t = Date.parse('2025-01-01T00:00:00.000Z');
  return () => new Date((t += 1000));
};

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
    const yaml: CharmYaml = options.charmYaml ?? readCharmYaml(options.charmRoot ?? REPO_ROOT);
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
    const contextId = (): string =>
      `${this.unitName}-${event.name}-${((this.counters.context += 1) * 2654435761 % 2 ** 32).toString(16).padStart(8, '0')}`;
    return runHook({ identity: this.identity, baseFiles: this.baseFiles, now: this.now, contextId, warnings }, event, state, charmMain);
  }
}
