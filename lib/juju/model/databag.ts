import type { z } from 'zod';
import { DatabagError } from '../errors/databag-error.js';
import { relationGet, relationSet } from '../hooktools/relation.js';
import type { HookToolRunner } from '../hooktools/runner.js';
import { describeIssue } from './zod-issue.js';

export interface DatabagParseOptions {
  /** Each value is JSON text (the charm wrote it with `setJson`); decode before validating. */
  readonly json?: boolean;
}

/**
 * One relation databag (a unit's or an application's) for the length of one
 * hook: read at most once (`relation-get`), writes staged and sent at
 * {@link Databag.flush} as one `relation-set` carrying only the keys whose
 * value differs from what was read. Reads see the staged writes, as in Juju.
 */
export class Databag {
  readonly relationId: string;
  /** The unit (`app/0`) or application (`app`) whose bag this is. */
  readonly owner: string;
  readonly isApp: boolean;
  /** Only this unit's own bag and its application's bag can be written. */
  readonly writable: boolean;
  readonly #tools: HookToolRunner;
  #read: Promise<Readonly<Record<string, string>>> | undefined;
  #original: Readonly<Record<string, string>> | undefined;
  /** Staged values; an empty string deletes the key (relation-set semantics). */
  readonly #staged = new Map<string, string>();

  constructor(tools: HookToolRunner, relationId: string, owner: string, options: { isApp: boolean; writable: boolean }) {
    this.#tools = tools;
    this.relationId = relationId;
    this.owner = owner;
    this.isApp = options.isApp;
    this.writable = options.writable;
  }

  #load(): Promise<Readonly<Record<string, string>>> {
    this.#read ??= relationGet(this.#tools, this.relationId, this.owner, { app: this.isApp }).then(
      (bag) => {
        this.#original = bag;
        return bag;
      },
      (error: unknown) => {
        this.#read = undefined;
        throw error;
      },
    );
    return this.#read;
  }

  /**
   * The bag's content with this hook's staged writes applied.
   * @throws {RelationNotFoundError} when the relation is gone; {@link NotLeaderError} for a forbidden read.
   */
  async read(): Promise<Readonly<Record<string, string>>> {
    const merged: Record<string, string> = { ...(await this.#load()) };
    for (const [key, value] of this.#staged) {
      if (value === '') delete merged[key];
      else merged[key] = value;
    }
    return merged;
  }

  /** One value, or undefined when the key is absent. */
  async get(key: string): Promise<string | undefined> {
    return (await this.read())[key];
  }

  /**
   * The whole bag validated by `schema` (values JSON-decoded first with `json`).
   * @throws {DatabagError} naming the key and the rule when a value is unusable.
   */
  async parse<S extends z.ZodType>(schema: S, options: DatabagParseOptions = {}): Promise<z.output<S>> {
    const bag = await this.read();
    const input = options.json === true ? this.#decodeAll(bag) : bag;
    const parsed = schema.safeParse(input);
    if (parsed.success) return parsed.data;
    const { path, message } = describeIssue(parsed.error);
    const key = path[0] === undefined ? undefined : String(path[0]);
    throw this.#error(key, `${key === undefined ? '' : `key "${key}": `}${message}${path.length > 1 ? ` (at ${path.join('.')})` : ''}`, parsed.error);
  }

  /**
   * One JSON-encoded value validated by `schema`; undefined when the key is absent.
   * @throws {DatabagError} when the value is not JSON or does not match.
   */
  async getJson<S extends z.ZodType>(key: string, schema: S): Promise<z.output<S> | undefined> {
    const text = await this.get(key);
    if (text === undefined) return undefined;
    const parsed = schema.safeParse(this.#decode(key, text));
    if (parsed.success) return parsed.data;
    const { path, message } = describeIssue(parsed.error);
    throw this.#error(key, `key "${key}": ${message}${path.length > 0 ? ` (at ${path.join('.')})` : ''}`, parsed.error);
  }

  /**
   * Stages a value; `undefined` or `''` deletes the key.
   * @throws {TypeError} when the bag belongs to another unit or application.
   */
  set(key: string, value: string | undefined): void {
    if (!this.writable) {
      throw new TypeError(`cannot write the databag of ${this.owner} in relation ${this.relationId}: it is not this unit's or application's`);
    }
    if (key === '') throw new TypeError('databag keys must not be empty');
    this.#staged.set(key, value ?? '');
  }

  /** Stages `JSON.stringify(value)`; `undefined` deletes the key. */
  setJson(key: string, value: unknown): void {
    this.set(key, value === undefined ? undefined : JSON.stringify(value));
  }

  /** Stages several values at once (see {@link Databag.set}). */
  update(values: Readonly<Record<string, string | undefined>>): void {
    for (const [key, value] of Object.entries(values)) this.set(key, value);
  }

  /**
   * What `relation-set` would send now: staged keys whose value differs from
   * the value read (all staged keys when the bag was never read).
   */
  pendingChanges(): Readonly<Record<string, string>> {
    const changes: Record<string, string> = {};
    for (const [key, value] of this.#staged) {
      if (this.#original !== undefined && (this.#original[key] ?? '') === value) continue;
      changes[key] = value;
    }
    return changes;
  }

  /**
   * Sends the pending changes with one `relation-set --file -`, or nothing when
   * there are none. Resolves true when a tool ran.
   * @throws {NotLeaderError} when a non-leader wrote the app bag.
   */
  async flush(): Promise<boolean> {
    const changes = this.pendingChanges();
    const keys = Object.keys(changes);
    if (keys.length > 0) await relationSet(this.#tools, this.relationId, changes, { app: this.isApp });
    // Once read, the bag's known content now includes what was sent; a bag
    // never read stays unknown (the next read asks Juju, which sees our writes).
    if (this.#original !== undefined) {
      const base: Record<string, string> = { ...this.#original };
      for (const [key, value] of this.#staged) {
        if (value === '') delete base[key];
        else base[key] = value;
      }
      this.#original = base;
      this.#read = Promise.resolve(base);
    }
    this.#staged.clear();
    return keys.length > 0;
  }

  #decodeAll(bag: Readonly<Record<string, string>>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(bag).map(([key, text]) => [key, this.#decode(key, text)]));
  }

  #decode(key: string, text: string): unknown {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw this.#error(key, `key "${key}": not valid JSON: ${text.length > 80 ? `${text.slice(0, 80)}...` : text}`, error);
    }
  }

  #error(key: string | undefined, detail: string, cause: unknown): DatabagError {
    return new DatabagError(
      this.relationId,
      this.owner,
      key,
      `malformed data in relation ${this.relationId}, databag of ${this.owner}: ${detail}`,
      { cause },
    );
  }
}
