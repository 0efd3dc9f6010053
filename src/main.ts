import { randomBytes } from 'node:crypto';
import { statfs } from 'node:fs/promises';
import { hostname, machine, totalmem } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execRunner } from '../lib/juju/index.js';
import type { HookHost } from '../lib/juju/index.js';
import { createCharm } from './charm/charm.js';
import { EtcdClient } from './etcd/client.js';
import { TokenCache } from './etcd/client-types.js';
import { clientTransport } from './etcd/client-transport.js';
import { snapshotSave } from './etcd/etcdctl.js';
import { snapshotStatus } from './etcd/snapshot-status.js';
import { snapshotRestore } from './etcd/etcdutl.js';
import type { CharmEffects } from './charm/effects.js';
import { ETCDCTL_APP, ETCDUTL_APP } from './etcd/paths.js';
import { etcdRefreshStep } from './refresh/wiring.js';
import { childPath, execaSnap } from './etcd/snap.js';

/** Size of the filesystem holding `dir` (or its nearest existing parent). */
async function diskBytes(dir: string): Promise<number> {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      const s = await statfs(d);
      return s.blocks * s.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || d === path.dirname(d)) throw error;
    }
  }
}

/**
 * The real effects: `snap` and the snap's etcdctl via execa (with /snap/bin on
 * PATH), etcd over its JSON gateway (gRPC with the unit's certificate once
 * client TLS is on), the system clock.
 */
export function realEffects(host: HookHost): CharmEffects {
  const root = host.env['CHARMED_ETCD_ROOT'] || '/';
  const env = { ...host.env, PATH: childPath(host.env['PATH']) };
  // One authentication per user for the whole hook, however many clients it makes.
  const tokens = new TokenCache();
  return {
    root,
    snap: execaSnap(env),
    etcd: ({ endpoints, credentials, tls }) => new EtcdClient({ endpoints, credentials, tokens, ...(tls === undefined ? {} : { fetch: clientTransport(tls) }) }),
    now: () => Date.now(),
    sleep: (ms) => sleep(ms),
    // os.machine() is `uname -m` without a process.
    architecture: async () => machine(),
    hostCapacity: async (dataDir) => ({ memoryBytes: totalmem(), dataDiskBytes: await diskBytes(dataDir) }),
    hostname: () => hostname(),
    generatePassword: () => randomBytes(24).toString('base64url'),
    snapshotSave: (file, { endpoint, credentials, tls }) => snapshotSave(file, { command: ETCDCTL_APP, endpoint, credentials, tls, env }),
    snapshotStatus: (file) => snapshotStatus(file, { etcdutl: ETCDUTL_APP, etcdctl: ETCDCTL_APP, env }),
    snapshotRestore: (file, options) => snapshotRestore(file, options, { etcdutl: ETCDUTL_APP, env }),
    // Loaded here, on first use: ordinary hooks never parse the S3 SDK.
    objectStore: async (params) => (await import('./backup/s3-store.js')).openS3Store(params),
  };
}

process.exitCode = await createCharm({ effects: realEffects, refresh: etcdRefreshStep })({ env: process.env, tools: execRunner() });
