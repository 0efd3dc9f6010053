import type { z } from 'zod';
import { ActionError } from '../errors/action-error.js';
import { actionFail, actionGet, actionLog, actionSet, assertActionResultKey } from '../hooktools/action.js';
import type { HookToolRunner } from '../hooktools/runner.js';
import { once } from './once.js';
import { describeIssue } from './zod-issue.js';

/** Result values: scalars, or nested objects whose keys become dotted keys. */
export type ActionResultValue = string | number | boolean | null | readonly unknown[] | { readonly [key: string]: ActionResultValue };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function flatten(prefix: string, value: unknown, out: Map<string, string>): void {
  if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(prefix === '' ? key : `${prefix}.${key}`, inner, out);
    return;
  }
  assertActionResultKey(prefix);
  out.set(prefix, typeof value === 'string' ? value : JSON.stringify(value) ?? '');
}

/**
 * The running action: typed params, results gathered and sent with one
 * `action-set` at flush, an optional failure message, and progress logs
 * (`action-log`, sent at once because the user is watching).
 */
export class ActionScope {
  readonly name: string;
  readonly uuid: string;
  readonly #tools: HookToolRunner;
  readonly #params: () => Promise<Record<string, unknown>>;
  readonly #results = new Map<string, string>();
  #failure: string | undefined;

  constructor(tools: HookToolRunner, name: string, uuid: string) {
    this.#tools = tools;
    this.name = name;
    this.uuid = uuid;
    this.#params = once(() => actionGet(this.#tools));
  }

  /**
   * The params (`action-get`, read once) validated by `schema`.
   * @throws {ActionError} naming the parameter when they do not match.
   */
  async params<S extends z.ZodType>(schema: S): Promise<z.output<S>> {
    const parsed = schema.safeParse(await this.#params());
    if (parsed.success) return parsed.data;
    const { path, message } = describeIssue(parsed.error);
    throw new ActionError(`invalid parameter${path.length > 0 ? ` "${path.join('.')}"` : 's'} for action ${this.name}: ${message}`, {
      cause: parsed.error,
    });
  }

  /**
   * Adds results. Nested objects become dotted keys; non-strings are JSON-encoded.
   * Every key is checked against Juju's rules first; nothing is staged if one fails.
   * @throws {ActionError} for a key Juju would refuse (before any tool runs).
   */
  setResults(results: Readonly<Record<string, ActionResultValue>>): void {
    const flat = new Map<string, string>();
    flatten('', results, flat);
    for (const [key, value] of flat) this.#results.set(key, value);
  }

  /** The results staged so far, as flat dotted keys. */
  get results(): Readonly<Record<string, string>> {
    return Object.fromEntries(this.#results);
  }

  /** Marks the action failed with `message` (sent at flush; the handler carries on). */
  fail(message: string): void {
    this.#failure = message;
  }

  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** Shows progress to the user now (`action-log`). */
  async log(message: string): Promise<void> {
    await actionLog(this.#tools, message);
  }

  /** Sends the results (one `action-set`) and the failure, if any. */
  async flush(): Promise<void> {
    if (this.#results.size > 0) {
      await actionSet(this.#tools, Object.fromEntries(this.#results));
      this.#results.clear();
    }
    if (this.#failure !== undefined) {
      await actionFail(this.#tools, this.#failure);
      this.#failure = undefined;
    }
  }
}
