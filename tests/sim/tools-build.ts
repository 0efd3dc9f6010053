/** Builds a model's executables: the hook tools (one Go binary, one symlink per tool) and the fake snapd's. */
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { TOOL_NAMES } from '../../lib/juju/testing/fake-juju/tools/index.js';
import { buildJujuc, JUJUC } from './hook-tool/build.js';
import type { SimHome } from './home.js';
import { writeSnapTools } from './snapd/index.js';

/** Replaces whatever is at `link` (file, link, dangling link) with a symlink to `target`. */
function relink(link: string, target: string): void {
  if (existsSync(link) || isSymlink(link)) rmSync(link, { force: true });
  symlinkSync(target, link);
}

const isSymlink = (p: string): boolean => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/**
 * Writes the hook tools into `home.hookToolsDir`: `jujuc`, a link to the cached Go
 * binary, and a symlink to it for every tool the fake Juju implements (as Juju links
 * each tool to jujuc). Returns the tool names. Throws when go is missing or fails.
 */
export async function writeHookTools(home: SimHome): Promise<readonly string[]> {
  const dir = home.hookToolsDir;
  mkdirSync(dir, { recursive: true });
  relink(path.join(dir, JUJUC), await buildJujuc());
  for (const name of TOOL_NAMES) relink(path.join(dir, name), JUJUC);
  return TOOL_NAMES;
}

/** True when the model's hook tools are in place (their binary reachable through the link). */
export const hookToolsWritten = (home: SimHome): boolean => existsSync(path.join(home.hookToolsDir, JUJUC));

/** Builds both tool sets for the model. */
export async function writeModelTools(home: SimHome): Promise<void> {
  await writeHookTools(home);
  await writeSnapTools(home.snapToolsDir);
}
