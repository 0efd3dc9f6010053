/** Builds a test charm (tests/charms/<name>) into a charm directory `sim deploy` takes: yaml, dispatch, an esbuild bundle. */
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { BANNER } from '../../scripts/build.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// Juju runs dispatch in the charm directory; the charm is one ES module bundle.
const DISPATCH = `#!/bin/sh
cd "\${JUJU_CHARM_DIR:-$(dirname "$0")}" || exit 1
exec node dist/charm.js
`;

/** Builds test charm `name` into `out` and returns `out`. Throws when esbuild fails. */
export async function buildTestCharm(name: string, out: string): Promise<string> {
  const source = path.join(HERE, name);
  mkdirSync(path.join(out, 'dist'), { recursive: true });
  for (const file of ['metadata.yaml', 'config.yaml', 'actions.yaml']) copyFileSync(path.join(source, file), path.join(out, file));
  writeFileSync(path.join(out, 'dispatch'), DISPATCH);
  chmodSync(path.join(out, 'dispatch'), 0o755);
  await build({
    entryPoints: [path.join(source, 'charm.ts')],
    outfile: path.join(out, 'dist', 'charm.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    logLevel: 'warning',
    // CommonJS dependencies (execa's) call require(): give the ES module one, as the charm's build does.
    banner: { js: BANNER },
  });
  return out;
}
