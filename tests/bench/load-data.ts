/**
 * Fills a cluster with `megabytes` of keys before a benchmark measures what
 * that data costs: 64 KiB values (etcd's request limit is 1.5 MiB) under
 * `bench/data/`, written a few at a time through every member, each put
 * acknowledged before the next on its lane. Resolves with what etcd itself
 * reports afterwards: its database size and revision.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Credentials } from './gateway-client.js';
import { GatewayClient } from './gateway-client.js';
import { round } from './stats.js';

export const DATA_PREFIX = 'bench/data/';
const VALUE_BYTES = 64 * 1024;
const LANES = 8;

export interface LoadedData {
  readonly keys: number;
  readonly megabytes: number;
  /** etcd's own `dbSize` of the first member, in MB, and how long the load took. */
  readonly db_mb: number;
  readonly load_s: number;
}

const StatusBody = z.object({ dbSize: z.string().optional() }).passthrough();

/** Writes `megabytes` of data; a put that fails is retried on the next member (a bench must not stop at a hiccup). */
export async function loadData(endpoints: readonly string[], credentials: Credentials, megabytes: number, progress: (text: string) => void): Promise<LoadedData> {
  // Generous: a busy 2-core machine commits a 64 KiB entry on three members in well under this.
  const client = new GatewayClient(credentials, 30_000);
  const keys = Math.ceil((megabytes * 1024 * 1024) / VALUE_BYTES);
  const started = Date.now();
  let next = 0;
  let done = 0;
  const lane = async (index: number): Promise<void> => {
    for (let attempt = index; next < keys; ) {
      const n = next++;
      const value = randomBytes(VALUE_BYTES * 0.75).toString('base64');
      for (let tries = 0; ; tries++) {
        try {
          await client.put(endpoints[attempt % endpoints.length]!, `${DATA_PREFIX}${String(n).padStart(7, '0')}`, value);
          break;
        } catch (error) {
          attempt++;
          if (tries >= 5) throw error;
        }
      }
      if (++done % 2000 === 0) progress(`data: ${done}/${keys} keys written`);
    }
  };
  await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
  const status = StatusBody.parse(await client.call(endpoints[0]!, '/v3/maintenance/status', {}));
  return { keys, megabytes, db_mb: round(Number(status.dbSize ?? 0) / 1e6, 1), load_s: round((Date.now() - started) / 1000, 1) };
}
