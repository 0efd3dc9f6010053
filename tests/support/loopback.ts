import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLAIMS = path.join(tmpdir(), 'charmed-etcd-loopback-claims');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Claims a /24 in 127.0.0.0/8 (returned as its first three octets, e.g. `127.61.4`)
 * for this process, so test files running side by side never share addresses.
 * A claim is a file made with O_EXCL; claims of dead processes are taken over.
 */
export function claimLoopbackSubnet(): string {
  mkdirSync(CLAIMS, { recursive: true });
  for (let attempt = 0; attempt < 2000; attempt++) {
    const b = 100 + Math.floor(Math.random() * 150);
    const c = 1 + Math.floor(Math.random() * 250);
    const prefix = `127.${b}.${c}`;
    const file = path.join(CLAIMS, prefix);
    try {
      closeSync(openSync(file, 'wx'));
      writeFileSync(file, String(process.pid));
      return prefix;
    } catch {
      const owner = Number(readFileSync(file, 'utf8') || '0');
      if (owner > 0 && !alive(owner)) rmSync(file, { force: true });
    }
  }
  throw new Error(`no free loopback /24 found (claims in ${CLAIMS})`);
}

/** Releases every claim this process holds. */
export function releaseLoopbackSubnets(): void {
  let names: string[] = [];
  try {
    names = readdirSync(CLAIMS);
  } catch {
    return;
  }
  for (const name of names) {
    const file = path.join(CLAIMS, name);
    try {
      if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // Claimed and released by someone else in between: nothing to do.
    }
  }
}
