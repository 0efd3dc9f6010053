/**
 * A client writing `<prefix><n>` to charmed-etcd without pause, as an
 * application would, through every member under both schemes and with a
 * unit's client certificate once client TLS is on (the charm's own transport,
 * src/etcd/client-transport.ts). After a failed write it builds a fresh
 * client, so it picks up a new certificate or trust bundle the way a real
 * client reloading its files would. Every acknowledged key is remembered;
 * the test checks each is still there at the end.
 */
import { EtcdClient } from '../../../src/etcd/client.js';
import { clientTransport } from '../../../src/etcd/client-transport.js';
import type { TlsFiles } from '../../../src/etcd/config.js';

export interface WriterTarget {
  readonly addresses: readonly string[];
  /** root's password; without one the writer is who its certificate says (an etcd-client requirer), over https only. */
  readonly password?: string | undefined;
  /** The files of a unit's client certificate (used for https members only). */
  readonly tls: TlsFiles;
}

export interface WriterReport {
  readonly acknowledged: readonly string[];
  readonly failures: number;
  /** The longest time between two acknowledged writes, in ms. */
  readonly longestGapMs: number;
}

export function clientFor(target: WriterTarget): EtcdClient {
  const password = target.password;
  if (password === undefined) return new EtcdClient({ endpoints: target.addresses.map((ip) => `https://${ip}:2379`), fetch: clientTransport(target.tls), timeoutMs: 5_000 });
  const endpoints = target.addresses.flatMap((ip) => [`https://${ip}:2379`, `http://${ip}:2379`]);
  return new EtcdClient({ endpoints, credentials: { user: 'root', password }, fetch: clientTransport(target.tls), timeoutMs: 5_000 });
}

export function startWriter(target: WriterTarget, prefix: string) {
  let stop = false;
  const acknowledged: string[] = [];
  let failures = 0;
  let longestGapMs = 0;
  let last = Date.now();
  const done = (async () => {
    let client = clientFor(target);
    for (let n = 0; !stop; n++) {
      try {
        await client.put(`${prefix}${n}`, String(n));
        acknowledged.push(`${prefix}${n}`);
        const now = Date.now();
        longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
      } catch {
        failures++;
        client = clientFor(target);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  })();
  return {
    count: (): number => acknowledged.length,
    async stop(): Promise<WriterReport> {
      stop = true;
      await done;
      return { acknowledged, failures, longestGapMs };
    },
  };
}

/** Waits (on the writer, not a clock) until it has acknowledged `atLeast` writes. */
export async function waitForWrites(writer: { count(): number }, atLeast: number): Promise<void> {
  for (let i = 0; writer.count() < atLeast; i++) {
    if (i > 1200) throw new Error(`the writer acknowledged only ${writer.count()} writes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
