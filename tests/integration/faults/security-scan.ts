/**
 * Where a secret value shows up on a machine: the argv of running processes
 * (polled while operations run, since hook processes are short-lived) and
 * files under a directory tree. Findings never carry the secret itself:
 * argv is reported with it masked, files by path and mode.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const MASK = '<secret>';

/** A process whose argv held the secret (argv masked). */
export interface ArgvFinding {
  readonly pid: number;
  readonly argv: string;
}

/** Every process's argv that contains `secret` now (processes we cannot read are skipped). */
export function scanArgv(secret: string): ArgvFinding[] {
  const needle = Buffer.from(secret);
  const found: ArgvFinding[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let raw: Buffer;
    try {
      raw = readFileSync(`/proc/${entry}/cmdline`);
    } catch {
      continue; // gone, or not ours to read
    }
    if (raw.indexOf(needle) === -1) continue;
    found.push({ pid: Number(entry), argv: raw.toString('utf8').split('\0').join(' ').split(secret).join(MASK).trim() });
  }
  return found;
}

/** Polls {@link scanArgv} every `everyMs` until stopped; collects every finding (deduplicated by pid and argv). */
export class ArgvWatcher {
  readonly #secret: string;
  readonly #found = new Map<string, ArgvFinding>();
  readonly #timer: NodeJS.Timeout;
  #scans = 0;

  constructor(secret: string, everyMs = 100) {
    this.#secret = secret;
    this.#timer = setInterval(() => this.scanOnce(), everyMs);
  }

  scanOnce(): void {
    this.#scans += 1;
    for (const f of scanArgv(this.#secret)) this.#found.set(`${f.pid} ${f.argv}`, f);
  }

  /** Stops polling; returns how many scans ran and what they found. */
  stop(): { readonly scans: number; readonly found: readonly ArgvFinding[] } {
    clearInterval(this.#timer);
    this.scanOnce();
    return { scans: this.#scans, found: [...this.#found.values()] };
  }
}

/** A file holding the secret: path, permission bits and owner. */
export interface FileFinding {
  readonly file: string;
  readonly mode: number;
  readonly uid: number;
}

/** Regular files under `dir` (symlinks not followed) whose bytes contain `secret`. */
export function filesHolding(dir: string, secret: string): FileFinding[] {
  const needle = Buffer.from(secret);
  const found: FileFinding[] = [];
  const walk = (current: string): void => {
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      return; // removed while walking
    }
    for (const entry of entries) {
      const file = path.join(current, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch {
          continue;
        }
        if (bytes.indexOf(needle) === -1) continue;
        const st = lstatSync(file);
        found.push({ file, mode: st.mode & 0o7777, uid: st.uid });
      }
    }
  };
  walk(dir);
  return found;
}
