import type { z } from 'zod';
import type { JujuContext } from './context.js';
import { ConfigError } from './errors/config-error.js';
import { configGet } from './hooktools/config.js';
import type { ConfigValue } from './hooktools/config.js';
import { goalState } from './hooktools/goal-state.js';
import type { GoalState } from './hooktools/goal-state.js';
import { isLeader } from './hooktools/leader.js';
import { networkGet } from './hooktools/network.js';
import type { NetworkInfo } from './hooktools/network.js';
import { closePort, openedPorts, openPort } from './hooktools/port.js';
import type { PortSpec } from './hooktools/port.js';
import { relationIds } from './hooktools/relation.js';
import type { HookToolRunner } from './hooktools/runner.js';
import { storageGet, storageList } from './hooktools/storage.js';
import type { StorageInstance } from './hooktools/storage.js';
import { applicationVersionSet } from './hooktools/version.js';
import { ActionScope } from './model/action.js';
import { once, onceBy } from './model/once.js';
import { peerRelationIds } from './model/peer-relation-ids.js';
import { Relation } from './model/relation.js';
import { Secrets } from './model/secrets.js';
import { StatusSlot } from './model/status.js';
import { describeIssue } from './model/zod-issue.js';

export interface ModelOptions {
  /**
   * The charm's peer endpoints (metadata.yaml `peers`): their relation ids are
   * remembered across hooks, which saves a `relation-ids` call per endpoint a hook.
   */
  readonly peerEndpoints?: readonly string[];
}

/**
 * What the charm sees of Juju during one hook. Every read runs its hook tool at
 * most once (cached for the hook); writes to databags, statuses, the workload
 * version and action results are staged and sent by {@link Model.flush}, each
 * with at most one tool call and none when nothing changed. If the charm fails
 * before `flush`, nothing staged reaches Juju.
 */
export class Model {
  readonly context: JujuContext;
  readonly unitStatus: StatusSlot;
  /** Leader only: Juju refuses the application status to other units. */
  readonly appStatus: StatusSlot;
  readonly secrets: Secrets;
  /** The running action, when this process is one. */
  readonly action: ActionScope | undefined;
  readonly #tools: HookToolRunner;
  readonly #relations = new Map<string, Relation>();
  readonly #config: () => Promise<Readonly<Record<string, ConfigValue>>>;
  readonly #parsedConfig = new Map<z.ZodType, unknown>();
  readonly #isLeader: () => Promise<boolean>;
  readonly #relationIds: (endpoint: string) => Promise<readonly string[]>;
  readonly #network: (binding: string) => Promise<NetworkInfo>;
  readonly #goalState: () => Promise<GoalState>;
  readonly #openedPorts: () => Promise<readonly PortSpec[]>;
  readonly #storageList: (name: string) => Promise<readonly string[]>;
  readonly #storageGet: (id: string) => Promise<StorageInstance>;
  #workloadVersion: string | undefined;

  constructor(context: JujuContext, tools: HookToolRunner, options: ModelOptions = {}) {
    this.context = context;
    this.#tools = tools;
    this.unitStatus = new StatusSlot(tools, false);
    this.appStatus = new StatusSlot(tools, true);
    this.secrets = new Secrets(tools);
    const event = context.event;
    this.action = event.kind === 'action' ? new ActionScope(tools, event.name, event.uuid) : undefined;
    this.#config = once(() => configGet(tools));
    this.#isLeader = once(() => isLeader(tools));
    this.#relationIds = onceBy(this.#relationIdsReader(tools, options.peerEndpoints ?? []));
    this.#network = onceBy((binding: string) => networkGet(tools, binding));
    this.#goalState = once(() => goalState(tools));
    this.#openedPorts = once(() => openedPorts(tools));
    this.#storageList = onceBy((name: string) => storageList(tools, name === '' ? undefined : name));
    this.#storageGet = onceBy((id: string) => storageGet(tools, id));
  }

  /**
   * `relation-ids`, except for the peer endpoints named in the options: their
   * one relation's id is remembered in the charm directory once seen (see
   * model/peer-relation-ids.ts), and forgotten by its `-relation-broken`.
   */
  #relationIdsReader(tools: HookToolRunner, peerEndpoints: readonly string[]): (endpoint: string) => Promise<readonly string[]> {
    if (peerEndpoints.length === 0) return (endpoint) => relationIds(tools, endpoint);
    const memory = peerRelationIds(this.context.charmDir);
    const event = this.context.event;
    const broken = event.kind === 'hook' && event.relation !== undefined && event.name === `${event.relation.endpoint}-relation-broken`;
    if (broken && peerEndpoints.includes(event.relation!.endpoint)) memory.forget(event.relation!.endpoint);
    return async (endpoint) => {
      if (!peerEndpoints.includes(endpoint) || broken) return relationIds(tools, endpoint);
      const known = memory.get(endpoint);
      if (known !== undefined) return [known];
      const ids = await relationIds(tools, endpoint);
      if (ids.length === 1) memory.remember(endpoint, ids[0]!);
      return ids;
    };
  }

  get unitName(): string {
    return this.context.unitName;
  }

  get appName(): string {
    return this.context.appName;
  }

  get unitNumber(): number {
    return this.context.unitNumber;
  }

  /** `is-leader`, asked once per hook. */
  isLeader(): Promise<boolean> {
    return this.#isLeader();
  }

  /** The raw configuration (`config-get`, once per hook). */
  rawConfig(): Promise<Readonly<Record<string, ConfigValue>>> {
    return this.#config();
  }

  /**
   * The configuration validated by the charm's `schema` (cached per schema).
   * @throws {ConfigError} naming the option, its value and the rule it breaks.
   */
  async config<S extends z.ZodType>(schema: S): Promise<z.output<S>> {
    if (this.#parsedConfig.has(schema)) return this.#parsedConfig.get(schema) as z.output<S>;
    const raw = await this.#config();
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const { path, message } = describeIssue(parsed.error);
      const option = path.length > 0 ? String(path[0]) : '(config)';
      const value = raw[option];
      throw new ConfigError(
        option,
        `invalid config option "${option}"${value === undefined ? '' : ` = ${JSON.stringify(value)}`}: ${message}`,
        { cause: parsed.error },
      );
    }
    this.#parsedConfig.set(schema, parsed.data);
    return parsed.data;
  }

  /** The live relations on `endpoint` (`relation-ids`, once per endpoint). */
  async relations(endpoint: string): Promise<readonly Relation[]> {
    const ids = await this.#relationIds(endpoint);
    return ids.map((id) => this.relationById(id));
  }

  /**
   * The one relation on `endpoint` (peer relations), or undefined when none.
   * @throws {TypeError} when the endpoint has several relations.
   */
  async relation(endpoint: string): Promise<Relation | undefined> {
    const all = await this.relations(endpoint);
    if (all.length > 1) throw new TypeError(`endpoint ${endpoint} has ${all.length} relations; use relations()`);
    return all[0];
  }

  /** The relation with this `endpoint:id` (no tool runs); the same object every time. */
  relationById(idString: string): Relation {
    let relation = this.#relations.get(idString);
    if (relation === undefined) {
      const info = this.context.event.kind === 'hook' ? this.context.event.relation : undefined;
      const remoteApp = info !== undefined && info.idString === idString ? info.remoteApp : undefined;
      relation = new Relation(this.#tools, idString, {
        unitName: this.unitName,
        appName: this.appName,
        ...(remoteApp === undefined ? {} : { remoteApp }),
      });
      this.#relations.set(idString, relation);
    }
    return relation;
  }

  /** The relation this hook is about, for relation hooks. */
  eventRelation(): Relation | undefined {
    const info = this.context.event.kind === 'hook' ? this.context.event.relation : undefined;
    return info === undefined ? undefined : this.relationById(info.idString);
  }

  /** `network-get <binding>`, once per binding. */
  network(binding: string): Promise<NetworkInfo> {
    return this.#network(binding);
  }

  /**
   * The address other units should use to reach this unit on `binding`.
   * @throws {Error} when Juju reports no ingress address.
   */
  async ingressAddress(binding: string): Promise<string> {
    const info = await this.#network(binding);
    const address = info.ingressAddresses[0];
    if (address === undefined) throw new Error(`network-get ${binding} reported no ingress address`);
    return address;
  }

  /** `goal-state`, once per hook. */
  goalState(): Promise<GoalState> {
    return this.#goalState();
  }

  /** Ports opened before this hook (`opened-ports`, once). */
  openedPorts(): Promise<readonly PortSpec[]> {
    return this.#openedPorts();
  }

  /** Opens `port` (Juju commits it if the hook succeeds); no tool runs if it is already open. */
  async openPort(port: PortSpec): Promise<void> {
    if ((await this.#openedPorts()).includes(port)) return;
    await openPort(this.#tools, port);
  }

  /** Closes `port`; no tool runs if it was not open. */
  async closePort(port: PortSpec): Promise<void> {
    if (!(await this.#openedPorts()).includes(port)) return;
    await closePort(this.#tools, port);
  }

  /** Attached storage instances, of one storage name or all (`storage-list`, once per name). */
  storageIds(name?: string): Promise<readonly string[]> {
    return this.#storageList(name ?? '');
  }

  /** Kind and location of a storage instance (`storage-get`, once per id). */
  storage(id: string): Promise<StorageInstance> {
    return this.#storageGet(id);
  }

  /** Stages the workload version shown by `juju status` (sent at flush). */
  setWorkloadVersion(version: string): void {
    this.#workloadVersion = version;
  }

  /**
   * Sends everything staged: each written databag with one `relation-set`
   * (only changed keys), the action's results and failure, the workload version,
   * then the unit and application statuses (one `status-set` each, none when
   * unchanged). Call once, at the end of a successful hook.
   * @throws the first hook-tool error (typed per `lib/juju/errors`); later writes are not sent.
   */
  async flush(): Promise<void> {
    for (const relation of this.#relations.values()) {
      for (const bag of relation.databags()) await bag.flush();
    }
    await this.action?.flush();
    if (this.#workloadVersion !== undefined) {
      await applicationVersionSet(this.#tools, this.#workloadVersion);
      this.#workloadVersion = undefined;
    }
    await this.unitStatus.flush();
    await this.appStatus.flush();
  }
}
