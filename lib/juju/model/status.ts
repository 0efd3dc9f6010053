import { statusGet, statusSet } from '../hooktools/status.js';
import type { SettableStatusName, StatusValue } from '../hooktools/status.js';
import type { HookToolRunner } from '../hooktools/runner.js';
import { once } from './once.js';

/**
 * The unit's or the application's status during one hook: `status-get` at most
 * once, the last `set` sent by one `status-set` at flush, and none when it
 * equals what was read.
 */
export class StatusSlot {
  readonly application: boolean;
  readonly #tools: HookToolRunner;
  readonly #get: () => Promise<StatusValue>;
  #read: StatusValue | undefined;
  #staged: StatusValue<SettableStatusName> | undefined;

  constructor(tools: HookToolRunner, application: boolean) {
    this.#tools = tools;
    this.application = application;
    this.#get = once(async () => {
      const value = await statusGet(this.#tools, { application });
      this.#read = value;
      return value;
    });
  }

  /**
   * The status this hook will leave: the staged one, else the current one.
   * @throws {NotLeaderError} for the application status on a non-leader.
   */
  async get(): Promise<StatusValue> {
    return this.#staged ?? (await this.#get());
  }

  /** Stages a status; the last one staged is sent at flush. */
  set(status: StatusValue<SettableStatusName>): void {
    this.#staged = { name: status.name, message: status.message };
  }

  /** The staged status, if any. */
  get pending(): StatusValue<SettableStatusName> | undefined {
    return this.#staged;
  }

  /** Sends the staged status unless it equals the one read. Resolves true when a tool ran. */
  async flush(): Promise<boolean> {
    const staged = this.#staged;
    if (staged === undefined) return false;
    this.#staged = undefined;
    if (this.#read !== undefined && this.#read.name === staged.name && this.#read.message === staged.message) return false;
    await statusSet(this.#tools, staged, { application: this.application });
    this.#read = staged;
    return true;
  }
}
