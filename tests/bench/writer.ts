/**
 * A continuous writer for the write-availability benchmark: starts writes at a
 * fixed rate (each to its own key), fails over between endpoints until a write is
 * acknowledged or its deadline passes, and afterwards checks that every
 * acknowledged write is on every member.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GatewayClient, GatewayError } from './gateway-client.js';
import type { Credentials } from './gateway-client.js';

export interface WriterOptions {
  readonly endpoints: readonly string[];
  readonly credentials: Credentials;
  /** Keys are `<prefix><sequence>`. */
  readonly prefix: string;
  /** Writes started per second (the schedule does not slow down when etcd does). */
  readonly ratePerSecond: number;
  /** Per HTTP request. */
  readonly requestTimeoutMs?: number;
  /** A write not acknowledged within this time counts as failed. */
  readonly writeDeadlineMs?: number;
  /** Writes in flight at most; the schedule waits when this many are pending. */
  readonly maxInFlight?: number;
}

export interface WriterResult {
  readonly attempted: number;
  readonly acked: number;
  readonly failed: number;
  /** Keys of the acknowledged writes. */
  readonly ackedKeys: readonly string[];
  /** When each acknowledgement arrived (ms since epoch). */
  readonly ackTimes: readonly number[];
  readonly startedAt: number;
  readonly stoppedAt: number;
  /** A few distinct error messages seen (for the report). */
  readonly sampleErrors: readonly string[];
}

export interface RunningWriter {
  /** Stops starting writes, waits for those in flight, and resolves with the tally. */
  stop(): Promise<WriterResult>;
}

/** Starts writing at once. Never throws: failures are counted. */
export function startWriter(options: WriterOptions): RunningWriter {
  const client = new GatewayClient(options.credentials, options.requestTimeoutMs ?? 1000);
  const deadlineMs = options.writeDeadlineMs ?? 5000;
  const maxInFlight = options.maxInFlight ?? 64;
  const intervalMs = 1000 / options.ratePerSecond;
  const ackedKeys: string[] = [];
  const ackTimes: number[] = [];
  const errors = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  let attempted = 0;
  let failed = 0;
  let preferred = 0;
  let stopping = false;
  const startedAt = Date.now();

  const writeOne = async (sequence: number): Promise<void> => {
    const key = `${options.prefix}${String(sequence).padStart(7, '0')}`;
    const giveUp = Date.now() + deadlineMs;
    for (let tries = 0; ; tries++) {
      const index = (preferred + tries) % options.endpoints.length;
      const endpoint = options.endpoints[index] as string;
      try {
        await client.put(endpoint, key, `v${sequence}`);
        preferred = index;
        ackedKeys.push(key);
        ackTimes.push(Date.now());
        return;
      } catch (error) {
        if (errors.size < 8) errors.add(error instanceof GatewayError ? error.message.replace(/^\S+: /, '') : String(error));
        if (Date.now() >= giveUp) {
          failed += 1;
          return;
        }
        // After a full round of refusals, pause briefly rather than spin.
        if ((tries + 1) % options.endpoints.length === 0) await sleep(50);
      }
    }
  };

  const loop = (async () => {
    while (!stopping) {
      const due = Math.floor((Date.now() - startedAt) / intervalMs) + 1;
      while (attempted < due && inFlight.size < maxInFlight && !stopping) {
        attempted += 1;
        const p = writeOne(attempted).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await sleep(Math.max(1, intervalMs / 2));
    }
  })();

  return {
    async stop() {
      stopping = true;
      await loop;
      const stoppedAt = Date.now();
      await Promise.all([...inFlight]);
      return { attempted, acked: ackedKeys.length, failed, ackedKeys, ackTimes, startedAt, stoppedAt, sampleErrors: [...errors] };
    },
  };
}

export interface VerifyResult {
  /** Acknowledged writes missing on at least one member. */
  readonly lost: number;
  /** Missing acknowledged writes per endpoint (only endpoints missing some). */
  readonly missingByEndpoint: Readonly<Record<string, number>>;
}

/**
 * Reads the prefix from every member locally and counts acknowledged keys
 * missing anywhere, retrying for up to `catchUpMs` so a member still applying
 * the log is not counted as having lost data. A member that cannot be read at
 * all counts every key as missing on it.
 */
export async function verifyWrites(
  endpoints: readonly string[],
  credentials: Credentials,
  prefix: string,
  ackedKeys: readonly string[],
  catchUpMs = 15_000,
): Promise<VerifyResult> {
  const client = new GatewayClient(credentials, 5000);
  const deadline = Date.now() + catchUpMs;
  const missing = new Map<string, Set<string>>();
  for (const endpoint of endpoints) {
    for (;;) {
      let absent: Set<string>;
      try {
        const held = await client.keysOn(endpoint, prefix);
        absent = new Set(ackedKeys.filter((k) => !held.has(k)));
      } catch {
        absent = new Set(ackedKeys);
      }
      if (absent.size === 0 || Date.now() >= deadline) {
        if (absent.size > 0) missing.set(endpoint, absent);
        break;
      }
      await sleep(500);
    }
  }
  const lostKeys = new Set([...missing.values()].flatMap((s) => [...s]));
  return { lost: lostKeys.size, missingByEndpoint: Object.fromEntries([...missing].map(([e, s]) => [e, s.size])) };
}
