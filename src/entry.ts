/**
 * The bundle's entry, dist/charm.js (what dispatch runs). It switches on Node's
 * module compile cache before the charm's code is loaded, so a hook reuses the
 * V8 code compiled by the hooks before it instead of parsing ~0.5 MB again.
 *
 * `module.enableCompileCache` exists from Node 22.1 (the charm ships Node 26);
 * on older Node the charm just compiles as before. The cache lives in the charm
 * directory, which only the unit agent (root) writes: not in a shared /tmp,
 * where another user could plant code for root to run. Node keys it by file and
 * checks the source hash, so a refreshed charm never runs a stale entry.
 */
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { config as zodConfig } from 'zod';

type EnableCompileCache = (directory: string) => unknown;
const enableCompileCache = (nodeModule as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
// Failing to enable it is not an error (Node returns a status, never throws); the hook just compiles.
enableCompileCache?.(fileURLToPath(new URL('../.node-compile-cache', import.meta.url)));

// zod compiles a parser with `new Function` for each object schema the first time it
// parses, which pays only for schemas parsed many times; a hook parses each one once
// or twice. zod reads the setting when a schema is built, so it is set before the
// charm's modules (and their schemas) are evaluated.
zodConfig({ jitless: true });

await import('./main.js');
