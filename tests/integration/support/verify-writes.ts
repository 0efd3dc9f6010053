/**
 * Reads a continuous writer's keys back from every member on its own: a
 * linearizable range through each endpoint, which that member serves from its
 * own store once it has applied everything up to the leader's commit index.
 * So a key reported present on an endpoint is held by that member.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EtcdClient } from '../../../src/etcd/client.js';
import { EtcdError } from '../../../src/etcd/errors/etcd-error.js';

export interface EndpointVerdict {
  readonly endpoint: string;
  /** Acknowledged numbers the member does not hold. */
  readonly missing: readonly number[];
  /** Acknowledged numbers whose value on the member is not `n`. */
  readonly wrongValue: readonly number[];
  /** How many `prefix` keys the member holds in all (acknowledged or not). */
  readonly keys: number;
}

export interface VerifyReport {
  readonly acknowledged: number;
  readonly endpoints: readonly EndpointVerdict[];
  /** Acknowledged writes missing or wrong on at least one member. */
  readonly lost: readonly number[];
}

/**
 * Checks that every member holds every acknowledged write. Retries a member
 * that cannot answer yet (no leader, catching up) for up to `timeoutMs`.
 * @throws EtcdError when a member cannot be read within `timeoutMs`.
 */
export async function verifyWrites(options: {
  readonly endpoints: readonly string[];
  readonly password: string;
  readonly prefix: string;
  readonly acknowledged: readonly number[];
  readonly timeoutMs?: number;
}): Promise<VerifyReport> {
  const verdicts: EndpointVerdict[] = [];
  for (const endpoint of options.endpoints) {
    const client = new EtcdClient({ endpoints: [endpoint], credentials: { user: 'root', password: options.password } });
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let held: Map<string, string> | undefined;
    while (held === undefined) {
      try {
        held = new Map((await client.range(options.prefix)).map((kv) => [kv.key, kv.value]));
      } catch (error) {
        if (!(error instanceof EtcdError) || Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
    const missing: number[] = [];
    const wrongValue: number[] = [];
    for (const n of options.acknowledged) {
      const value = held.get(`${options.prefix}${n}`);
      if (value === undefined) missing.push(n);
      else if (value !== String(n)) wrongValue.push(n);
    }
    verdicts.push({ endpoint, missing, wrongValue, keys: held.size });
  }
  const lost = new Set(verdicts.flatMap((v) => [...v.missing, ...v.wrongValue]));
  return { acknowledged: options.acknowledged.length, endpoints: verdicts, lost: [...lost].sort((a, b) => a - b) };
}
