/**
 * The model's /24 in 127.0.0.0/8. Claimed with tests/support/loopback.ts by the
 * controller (the long-lived process), and re-claimed for the same prefix when a
 * restarted controller finds it in the saved state.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimLoopbackSubnet } from '../../support/loopback.js';
import { isAlive } from '../home.js';

// Same directory as tests/support/loopback.ts uses for its claims.
const CLAIMS = path.join(tmpdir(), 'charmed-etcd-loopback-claims');

/** A fresh /24 for this process (`127.b.c`). */
export const claimSubnet = (): string => claimLoopbackSubnet();

/**
 * Takes the claim on `prefix` for this process. Throws when a live process other
 * than this one holds it (two controllers on one model, or a collision).
 */
export function reclaimSubnet(prefix: string): void {
  mkdirSync(CLAIMS, { recursive: true });
  const file = path.join(CLAIMS, prefix);
  let owner = 0;
  try {
    owner = Number(readFileSync(file, 'utf8') || '0');
  } catch {
    // unclaimed
  }
  if (owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new Error(`subnet ${prefix}.0/24 is claimed by live process ${owner}`);
  }
  writeFileSync(file, String(process.pid));
}

/** Gives the claim on `prefix` up (whoever wrote it: the model is going away). */
export function releaseSubnet(prefix: string): void {
  rmSync(path.join(CLAIMS, prefix), { force: true });
}
