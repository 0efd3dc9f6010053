// Bundles the fake snapd (cli.ts) with esbuild into one plain ESM file and writes the executables
// the simulator puts on a unit's PATH: `snap`, `charmed-etcd.etcdctl`, `charmed-etcd.etcdutl`.
// Each executable is a two-line `#!/usr/bin/env node` script importing the bundle, so a call
// starts fast without tsx.
//
// Usage: node tests/sim/snapd/build.mjs [--bin-dir DIR] [--lib-file FILE]
//   (defaults: build/sim/bin and build/sim/lib/snapd-sim.mjs under the repository)
import { chmodSync, mkdirSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');

/** The executables and the role each one runs. */
export const SNAP_TOOLS = ['snap', 'charmed-etcd.etcdctl', 'charmed-etcd.etcdutl'];

export const DEFAULT_BIN_DIR = path.join(repo, 'build', 'sim', 'bin');
export const DEFAULT_LIB_FILE = path.join(repo, 'build', 'sim', 'lib', 'snapd-sim.mjs');

/** Writes `content` to `file` through a rename, so a concurrent build or a running tool never sees half a file. */
function writeAtomic(file, content, mode) {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

/**
 * Bundles the fake snapd and writes its executables.
 * @param {{binDir?: string, libFile?: string}} [options]
 * @returns {Promise<{binDir: string, libFile: string, tools: string[]}>} absolute paths written
 */
export async function buildSnapTools(options = {}) {
  const binDir = path.resolve(options.binDir ?? DEFAULT_BIN_DIR);
  const libFile = path.resolve(options.libFile ?? DEFAULT_LIB_FILE);
  const result = await build({
    entryPoints: [path.join(here, 'cli.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    outfile: libFile,
    logLevel: 'warning',
    // Some dependencies call require() for Node built-ins; give the ESM bundle one.
    banner: { js: "import { createRequire as __snapdSimRequire } from 'node:module'; const require = __snapdSimRequire(import.meta.url);" },
  });
  const [out] = result.outputFiles;
  if (!out) throw new Error('esbuild produced no output for the fake snapd');
  writeAtomic(libFile, out.contents, 0o644);
  const libUrl = pathToFileURL(realpathSync(path.dirname(libFile))).href + '/' + path.basename(libFile);
  // `charmed-etcd.etcdctl` has an extension Node does not know: in a folder marked CommonJS it
  // loads as a script, under the repository's "type": "module" it would be refused.
  writeAtomic(path.join(binDir, 'package.json'), '{ "type": "commonjs" }\n', 0o644);
  const tools = [];
  for (const tool of SNAP_TOOLS) {
    const file = path.join(binDir, tool);
    writeAtomic(file, `#!/usr/bin/env node\nimport(${JSON.stringify(libUrl)}).then((m) => m.run(${JSON.stringify(tool)}));\n`, 0o755);
    chmodSync(file, 0o755);
    tools.push(file);
  }
  return { binDir, libFile, tools };
}

const isMain = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({ options: { 'bin-dir': { type: 'string' }, 'lib-file': { type: 'string' } } });
  const built = await buildSnapTools({ binDir: values['bin-dir'], libFile: values['lib-file'] });
  for (const tool of built.tools) console.log(tool);
}
