/** Builds a model's executables: the hook tools (one esbuild bundle, one symlink per tool) and the fake snapd's. */
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TOOL_NAMES } from '../../lib/juju/testing/fake-juju/tools/index.js';
import type { SimHome } from './home.js';
import { writeSnapTools } from './snapd/index.js';

const HOOK_TOOL_SOURCE = fileURLToPath(new URL('./hook-tool/main.ts', import.meta.url));
const BUNDLE = 'hook-tool.cjs';

/**
 * Writes the hook tools into `home.hookToolsDir`: `hook-tool.cjs` and a symlink to it for
 * every tool the fake Juju implements. Returns the tool names. Throws when esbuild fails.
 */
export async function writeHookTools(home: SimHome): Promise<readonly string[]> {
  const dir = home.hookToolsDir;
  mkdirSync(dir, { recursive: true });
  const bundle = path.join(dir, BUNDLE);
  await build({
    entryPoints: [HOOK_TOOL_SOURCE],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  });
  chmodSync(bundle, 0o755);
  for (const name of TOOL_NAMES) {
    const link = path.join(dir, name);
    if (existsSync(link)) rmSync(link);
    symlinkSync(BUNDLE, link);
  }
  return TOOL_NAMES;
}

/** Builds both tool sets for the model. */
export async function writeModelTools(home: SimHome): Promise<void> {
  await writeHookTools(home);
  await writeSnapTools(home.snapToolsDir);
}
