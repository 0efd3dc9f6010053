import { relationList, relationRemoteApp } from '../hooktools/relation.js';
import type { HookToolRunner } from '../hooktools/runner.js';
import { Databag } from './databag.js';
import { once } from './once.js';

export interface RelationIdentity {
  /** This unit's name and application, to tell own bags from remote ones. */
  readonly unitName: string;
  readonly appName: string;
  /** The remote application when already known (from the hook's environment). */
  readonly remoteApp?: string;
}

/**
 * One relation as seen from this unit during one hook. Unit lists and
 * databags are read lazily, once; the databags handed out are the same objects
 * every time, so writes to them are flushed once by the model.
 */
export class Relation {
  readonly endpoint: string;
  readonly id: number;
  /** `endpoint:id`, as `-r` takes it. */
  readonly idString: string;
  readonly #tools: HookToolRunner;
  readonly #identity: RelationIdentity;
  readonly #bags = new Map<string, Databag>();
  readonly units: () => Promise<readonly string[]>;
  readonly #remoteApp: () => Promise<string>;

  /** @throws {TypeError} when `idString` is not `endpoint:<integer>`. */
  constructor(tools: HookToolRunner, idString: string, identity: RelationIdentity) {
    const match = /^([a-z0-9][a-z0-9-]*):(\d+)$/.exec(idString);
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new TypeError(`invalid relation id "${idString}": expected <endpoint>:<integer>`);
    }
    this.endpoint = match[1];
    this.id = Number(match[2]);
    this.idString = idString;
    this.#tools = tools;
    this.#identity = identity;
    /** `relation-list`: the remote units in the relation now (cached for the hook). */
    this.units = once(() => relationList(this.#tools, this.idString));
    const known = identity.remoteApp;
    this.#remoteApp = once(() => (known === undefined ? relationRemoteApp(this.#tools, this.idString) : Promise.resolve(known)));
  }

  /** The remote application's name (`relation-list --app` unless the hook's environment said). */
  remoteApp(): Promise<string> {
    return this.#remoteApp();
  }

  /** This unit's own databag (writable). */
  get localUnitData(): Databag {
    return this.unitData(this.#identity.unitName);
  }

  /** This application's databag (readable by all peers, writable by the leader). */
  get localAppData(): Databag {
    return this.appData(this.#identity.appName);
  }

  /** A unit's databag; only this unit's own bag is writable. */
  unitData(unit: string): Databag {
    return this.#bag(unit, false, unit === this.#identity.unitName);
  }

  /** An application's databag; only this unit's application's bag is writable. */
  appData(app: string): Databag {
    return this.#bag(app, true, app === this.#identity.appName);
  }

  /** The remote application's databag (read-only; in a peer relation it is this app's own bag). */
  async remoteAppData(): Promise<Databag> {
    return this.appData(await this.remoteApp());
  }

  /** The databags handed out so far, in order; the model flushes these. */
  databags(): readonly Databag[] {
    return [...this.#bags.values()];
  }

  #bag(owner: string, isApp: boolean, writable: boolean): Databag {
    const key = `${isApp ? 'app' : 'unit'}:${owner}`;
    let bag = this.#bags.get(key);
    if (bag === undefined) {
      bag = new Databag(this.#tools, this.idString, owner, { isApp, writable });
      this.#bags.set(key, bag);
    }
    return bag;
  }
}
