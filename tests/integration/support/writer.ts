/**
 * A continuous writer: the "no data lost" check of the integration tests and
 * benchmarks. It writes `cw/<n>` = `n` (n = 1, 2, 3, ...) through etcd's JSON
 * gateway at a steady rate, one request in flight, as an application would,
 * using the charm's own {@link EtcdClient}: failover between endpoints
 * (unreachable member, learner, no leader), authentication as `root`, and
 * re-authentication when a token is refused (a restarted member forgets
 * simple tokens). Each write is recorded as acknowledged or failed; a failed
 * write is not retried under the same key (its outcome is unknown), so only
 * acknowledged keys are promised.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdError } from '../../../src/etcd/errors/etcd-error.js';
import { verifyWrites } from './verify-writes.js';
import type { VerifyReport } from './verify-writes.js';

export interface ContinuousWriterOptions {
  /** Client URLs (`http://<ip>:2379`); the writer fails over between them. */
  readonly endpoints: readonly string[];
  /** The `root` password. Never logged or reported. */
  readonly password: string;
  /** Writes per second; default 50. */
  readonly ratePerSecond?: number;
  /** Key prefix; default `cw/`. */
  readonly prefix?: string;
  /** Per-request timeout; default 2000 ms (a write slower than that counts as failed). */
  readonly timeoutMs?: number;
}

/** What {@link ContinuousWriter.stop} reports. */
export interface WriterReport {
  readonly attempted: number;
  readonly acknowledged: number;
  readonly failed: number;
  /** The longest time without an acknowledged write (from start to first, between writes, last to stop). */
  readonly longestGapMs: number;
  /** The highest acknowledged n; undefined when none was. */
  readonly lastAcknowledged: number | undefined;
  /** Failed writes counted by error name and message (endpoints included; passwords never are). */
  readonly failures: Readonly<Record<string, number>>;
}

const DEFAULT_RATE = 50;
const DEFAULT_PREFIX = 'cw/';
const DEFAULT_TIMEOUT_MS = 2000;

/** Keeps a failure's message short and groupable (a multi-endpoint summary can be long). */
const failureKey = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message.slice(0, 160)}`;
  return String(error).slice(0, 160);
};

export class ContinuousWriter {
  readonly prefix: string;
  readonly #password: string;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  #client: EtcdClient;
  #endpoints: readonly string[];
  #next = 1;
  #stopping = false;
  readonly #acknowledged: number[] = [];
  readonly #failed: number[] = [];
  readonly #failures = new Map<string, number>();
  readonly #startedAt: number;
  #lastAckAt: number;
  #longestGapMs = 0;
  readonly #loop: Promise<void>;

  private constructor(options: ContinuousWriterOptions) {
    const rate = options.ratePerSecond ?? DEFAULT_RATE;
    if (!(rate > 0)) throw new TypeError(`ratePerSecond must be positive, got ${rate}`);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#password = options.password;
    this.#intervalMs = 1000 / rate;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#endpoints = [...options.endpoints];
    this.#client = this.#newClient();
    this.#startedAt = Date.now();
    this.#lastAckAt = this.#startedAt;
    this.#loop = this.#run();
  }

  /**
   * Starts writing at once.
   * @throws TypeError when `endpoints` is empty or the rate is not positive.
   */
  static start(options: ContinuousWriterOptions): ContinuousWriter {
    return new ContinuousWriter(options);
  }

  /** Numbers acknowledged so far (in order). */
  get acknowledged(): readonly number[] {
    return this.#acknowledged;
  }

  /** Points the writer at a new set of endpoints (after a scale-up, say); takes effect on the next write. */
  setEndpoints(endpoints: readonly string[]): void {
    this.#endpoints = [...endpoints];
    this.#client = this.#newClient();
  }

  /**
   * Resolves once `count` more writes than now have been acknowledged.
   * @throws Error when that takes longer than `timeoutMs`, or the writer stops first.
   */
  async waitForMore(count: number, timeoutMs = 60_000): Promise<void> {
    const target = this.#acknowledged.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.#acknowledged.length < target) {
      if (this.#stopping) throw new Error('the writer stopped');
      if (Date.now() > deadline) {
        throw new Error(`the writer got ${this.#acknowledged.length}/${target} acknowledgements in ${timeoutMs} ms: ${JSON.stringify(Object.fromEntries(this.#failures))}`);
      }
      await sleep(100);
    }
  }

  /** Stops after the write in flight and reports. Safe to call twice. */
  async stop(): Promise<WriterReport> {
    this.#stopping = true;
    await this.#loop;
    const gapToEnd = Date.now() - this.#lastAckAt;
    return {
      attempted: this.#next - 1,
      acknowledged: this.#acknowledged.length,
      failed: this.#failed.length,
      longestGapMs: Math.max(this.#longestGapMs, gapToEnd),
      lastAcknowledged: this.#acknowledged.at(-1),
      failures: Object.fromEntries(this.#failures),
    };
  }

  /**
   * Reads every acknowledged key back from each of `endpoints` (each member on
   * its own) and reports the ones a member lacks or holds with a wrong value.
   */
  verify(endpoints: readonly string[]): Promise<VerifyReport> {
    return verifyWrites({ endpoints, password: this.#password, prefix: this.prefix, acknowledged: this.#acknowledged });
  }

  #newClient(): EtcdClient {
    return new EtcdClient({ endpoints: this.#endpoints, credentials: { user: 'root', password: this.#password }, timeoutMs: this.#timeoutMs });
  }

  async #run(): Promise<void> {
    let due = Date.now();
    while (!this.#stopping) {
      const n = this.#next++;
      try {
        await this.#client.put(`${this.prefix}${n}`, String(n));
        const now = Date.now();
        this.#longestGapMs = Math.max(this.#longestGapMs, now - this.#lastAckAt);
        this.#lastAckAt = now;
        this.#acknowledged.push(n);
      } catch (error) {
        if (!(error instanceof EtcdError)) {
          // A bug in the writer or the client, not an etcd failure: stop loudly.
          this.#stopping = true;
          throw error;
        }
        this.#failed.push(n);
        const key = failureKey(error);
        this.#failures.set(key, (this.#failures.get(key) ?? 0) + 1);
      }
      // A steady rate without bursts: after a slow write the schedule restarts from now.
      due = Math.max(due + this.#intervalMs, Date.now());
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
    }
  }
}
