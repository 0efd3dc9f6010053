/** A temporary charm directory holding a State's charm files, read back after the hook. */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CharmFile } from './state.js';

/**
 * Creates a charm directory with `base` files (the charm's YAML files) and the
 * State's files on top. Throws if a path escapes the directory.
 */
export const createCharmDir = (base: Readonly<Record<string, string>>, files: Readonly<Record<string, CharmFile>>): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'juju-harness-charm-'));
  const write = (rel: string, content: string, mtimeMs?: number) => {
    const target = path.resolve(dir, rel);
    if (!target.startsWith(`${dir}${path.sep}`)) throw new Error(`charm file path escapes the charm dir: ${rel}`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
    if (mtimeMs !== undefined) utimesSync(target, mtimeMs / 1000, mtimeMs / 1000);
  };
  try {
    for (const [rel, content] of Object.entries(base)) write(rel, content);
    for (const [rel, file] of Object.entries(files)) write(rel, file.content, file.mtimeMs);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
};

/**
 * Reads every file under `dir` (relative POSIX paths), leaving out `base` files
 * that are unchanged and were not part of the State.
 */
export const readCharmDir = (
  dir: string,
  base: Readonly<Record<string, string>>,
  stateFiles: Readonly<Record<string, CharmFile>>,
): Record<string, CharmFile> => {
  const out: Record<string, CharmFile> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.isFile()) {
        const full = path.join(dir, rel);
        const content = readFileSync(full, 'utf8');
        if (!(rel in stateFiles) && base[rel] === content) continue;
        out[rel] = { content, mtimeMs: statSync(full).mtimeMs };
      }
    }
  };
  walk('');
  return out;
};

export const removeCharmDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });
