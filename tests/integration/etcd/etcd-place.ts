/**
 * Where an etcd-level test file runs its members: a loopback /24 of its own
 * and a temporary directory, both given back (with every etcd the file
 * started stopped) after its tests.
 *
 *   let subnet: string; let root: string;
 *   beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-config-')));
 *   afterAll(releaseEtcdPlace);
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimLoopbackSubnet, releaseLoopbackSubnets } from '../../support/loopback.js';
import { stopAll } from './etcd-process.js';

const roots: string[] = [];

export function claimEtcdPlace(prefix: string): { subnet: string; root: string } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  roots.push(root);
  return { subnet: claimLoopbackSubnet(), root };
}

export async function releaseEtcdPlace(): Promise<void> {
  await stopAll();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  releaseLoopbackSubnets();
}
