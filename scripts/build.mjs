// Builds the charm's staging directory (build/charm by default): the esbuild
// bundle dist/charm.js, the dispatch shim and refresh_versions.toml with the
// build-time `charm = "<track>/<X.Y.Z>"` key. Usage: node scripts/build.mjs [--out DIR]
import { execFileSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse, stringify } from 'smol-toml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ESM bundles of CommonJS packages (semver, @grpc/grpc-js and others) call `require` for
// Node built-ins; give the bundle a real one.
export const BANNER = [
  '#!/usr/bin/env node',
  "import { createRequire as __charmCreateRequire } from 'node:module';",
  'const require = __charmCreateRequire(import.meta.url);',
].join('\n');

const TAG = /^v([^/\s]+\/\d+\.\d+\.\d+)$/;

// zod's classic API re-exports every message locale (`z.locales`, ~360 KiB of
// the bundle) though only English is ever configured; every hook pays to parse
// them. The charm never reads `z.locales`, so that one namespace is left empty.
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: 'zod-locales', namespace: 'zod-without-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-without-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Packages that only some hooks need, so none may be in what every hook loads:
 * process plumbing for snap and etcdctl, gRPC and X.509 for TLS, the S3 SDK for backups.
 */
export const LAZY_PACKAGES = ['execa', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', '@peculiar/x509', 'reflect-metadata', '@aws-sdk/', '@smithy/'];

/**
 * The source files in what every hook loads: the entry and the charm's main
 * module (which the entry imports at once), with everything they import
 * statically. `metafile` is esbuild's, built with the repository as its working directory.
 */
export function eagerInputs(metafile) {
  const outputs = metafile.outputs;
  const starts = Object.keys(outputs).filter((file) => ['src/entry.ts', 'src/main.ts'].includes(outputs[file].entryPoint));
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || outputs[file] === undefined) return;
    seen.add(file);
    for (const dep of outputs[file].imports) if (dep.kind === 'import-statement' && !dep.external) visit(dep.path);
  };
  starts.forEach(visit);
  return [...new Set([...seen].flatMap((file) => Object.keys(outputs[file].inputs)))].sort();
}

/**
 * The charm version, as charm-refresh-build-version would compute it:
 * `env.CHARM_VERSION` if set; else the `v<track>/<X.Y.Z>` tag at HEAD; else
 * `<workload major.minor>/<package version>.post0.dev0+g<sha>[.dirty]`.
 * `git` is `{ tags: string[], sha: string | undefined, dirty: boolean }`.
 */
export function charmVersion({ env, git, workload, packageVersion }) {
  const fromEnv = env.CHARM_VERSION;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  for (const tag of git.tags) {
    const match = TAG.exec(tag);
    if (match) return match[1];
  }
  const track = /^(\d+\.\d+)/.exec(workload)?.[1];
  if (track === undefined) throw new Error(`refresh_versions.toml: workload "${workload}" is not <major>.<minor>.<patch>`);
  const local = git.sha === undefined ? '' : `+g${git.sha}${git.dirty ? '.dirty' : ''}`;
  return `${track}/${packageVersion}.post0.dev0${local}`;
}

/** refresh_versions.toml text with `charm = "<version>"` added (TOML parsed and written with smol-toml). */
export function renderRefreshVersions(text, version) {
  const parsed = parse(text);
  if (typeof parsed.workload !== 'string') throw new Error('refresh_versions.toml has no `workload` string');
  return `${stringify({ charm: version, ...parsed })}\n`;
}

function gitState(root) {
  const git = (args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const tags = git(['tag', '--points-at', 'HEAD']).split('\n').filter(Boolean);
    const sha = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
    return { tags, sha, dirty };
  } catch {
    return { tags: [], sha: undefined, dirty: false };
  }
}

/** Builds into `out` and returns `{ out, version }`. */
export async function build({ root = ROOT, out = path.join(root, 'build', 'charm'), env = process.env } = {}) {
  const esbuild = await import('esbuild');
  await rm(out, { recursive: true, force: true });
  await mkdir(path.join(out, 'dist'), { recursive: true });
  const dist = path.join(out, 'dist');
  const bundle = path.join(dist, 'charm.js');
  const result = await esbuild.build({
    absWorkingDir: root,
    // src/entry.ts becomes dist/charm.js; what it and the charm load with import() becomes
    // chunks of their own (dist/chunks/), compiled only by the hooks that load them.
    entryPoints: { charm: path.join(root, 'src', 'entry.ts') },
    outdir: dist,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    // The oldest Node the bundle may meet: charmcraft bundles Node 26, but dispatch
    // falls back to /snap/bin/node or node on PATH, and the tests run it on Node 20.
    target: 'node20',
    format: 'esm',
    banner: { js: BANNER },
    // esbuild has no loader for .node files, so a native addon fails the build here.
    logLevel: 'warning',
    legalComments: 'none',
    // Every hook compiles what it loads before running a line (Node 20 has no
    // compile cache for ES modules): minified, that takes about half as long.
    // keepNames keeps class and function names for error names and stacks.
    minify: true,
    keepNames: true,
    metafile: true,
    plugins: [zodWithoutLocales],
  });
  const addons = Object.keys(result.metafile.inputs).filter((input) => input.endsWith('.node'));
  if (addons.length > 0) throw new Error(`the bundle must not contain native addons: ${addons.join(', ')}`);
  const eager = eagerInputs(result.metafile);
  const leaked = eager.filter((input) => LAZY_PACKAGES.some((pkg) => input.includes(`node_modules/${pkg}/`)));
  if (leaked.length > 0) {
    throw new Error(`every hook would load code meant to load on demand (import it with import() where it is used): ${leaked.join(', ')}`);
  }
  await chmod(bundle, 0o755);
  // The charm directory has no package.json, so without this one Node 20.19+ would
  // search every parent directory for one and then parse each chunk twice (once to
  // detect ES module syntax, once to compile it): about 5-8 ms a hook.
  await writeFile(path.join(dist, 'package.json'), '{ "type": "module" }\n');
  await copyFile(path.join(root, 'dispatch'), path.join(out, 'dispatch'));
  await chmod(path.join(out, 'dispatch'), 0o755);

  const toml = await readFile(path.join(root, 'refresh_versions.toml'), 'utf8');
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
  const version = charmVersion({ env, git: gitState(root), workload: String(parse(toml).workload), packageVersion: pkg.version });
  await writeFile(path.join(out, 'refresh_versions.toml'), renderRefreshVersions(toml, version));
  return { out, version };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? path.resolve(process.argv[i + 1] ?? '') : undefined;
  const result = await build(out === undefined ? {} : { out });
  console.log(`built ${path.relative(process.cwd(), result.out) || '.'} (charm ${result.version})`);
}
