// Zips the built charm (build/charm, see build.mjs) and the repo's charm files
// into charmed-etcd_amd64.charm, as `charmcraft pack` would lay it out.
// Usage: node scripts/pack.mjs [--bundle-node] [--build DIR] [--out FILE]
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import yazl from 'yazl';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CHARM_FILE = 'charmed-etcd_amd64.charm';

const EXECUTABLE = 0o755;
const REGULAR = 0o644;

/** manifest.yaml as charmcraft writes it: Juju reads `bases` to treat the charm as format v2. */
export function renderManifest({ now = new Date() } = {}) {
  return yaml.dump(
    {
      'charmcraft-version': 'scripts/pack.mjs',
      'charmcraft-started-at': now.toISOString(),
      bases: [{ name: 'ubuntu', channel: '24.04', architectures: ['amd64'] }],
      analysis: {
        attributes: [
          { name: 'language', result: 'unknown' },
          { name: 'framework', result: 'unknown' },
        ],
      },
    },
    { lineWidth: -1 },
  );
}

/**
 * The bundle's files under `buildDir/dist`, relative to it: the entry
 * `charm.js` and the chunks it loads on demand (`chunks/*.js`). Just the entry
 * when nothing is built yet, so the pack names it as missing.
 */
export function distFiles(buildDir) {
  const dist = path.join(buildDir, 'dist');
  if (!existsSync(dist)) return ['charm.js'];
  const files = readdirSync(dist, { recursive: true }).map(String).filter((name) => statSync(path.join(dist, name)).isFile());
  return files.map((name) => name.split(path.sep).join('/')).sort();
}

/**
 * What goes into the .charm: `{ name, mode, file }` (copied from disk) or
 * `{ name, mode, data }` (generated). `nodeBinary` (default: this Node) is
 * added as runtime/node/bin/node when `bundleNode` is set.
 */
export function charmEntries({
  root = ROOT,
  buildDir = path.join(root, 'build', 'charm'),
  bundleNode = false,
  nodeBinary = process.execPath,
  now = new Date(),
} = {}) {
  const entries = [
    { name: 'dispatch', mode: EXECUTABLE, file: path.join(buildDir, 'dispatch') },
    ...distFiles(buildDir).map((name) => ({ name: `dist/${name}`, mode: name === 'charm.js' ? EXECUTABLE : REGULAR, file: path.join(buildDir, 'dist', name) })),
    { name: 'metadata.yaml', mode: REGULAR, file: path.join(root, 'metadata.yaml') },
    { name: 'config.yaml', mode: REGULAR, file: path.join(root, 'config.yaml') },
    { name: 'actions.yaml', mode: REGULAR, file: path.join(root, 'actions.yaml') },
    { name: 'charmcraft.yaml', mode: REGULAR, file: path.join(root, 'charmcraft.yaml') },
    { name: 'refresh_versions.toml', mode: REGULAR, file: path.join(buildDir, 'refresh_versions.toml') },
    { name: 'manifest.yaml', mode: REGULAR, data: Buffer.from(renderManifest({ now })) },
  ];
  if (bundleNode) entries.push({ name: 'runtime/node/bin/node', mode: EXECUTABLE, file: nodeBinary });
  return entries;
}

/** Writes `entries` to the zip `outFile`. Rejects when a source file is missing (run the build first). */
export async function writeCharm(entries, outFile) {
  for (const entry of entries) {
    if (entry.file !== undefined) {
      await access(entry.file).catch(() => {
        throw new Error(`${entry.file} is missing; run \`npm run build\` first`);
      });
    }
  }
  const zip = new yazl.ZipFile();
  for (const entry of entries) {
    // yazl takes the full st_mode: regular file bits plus permissions.
    const options = { mode: 0o100000 | entry.mode };
    if (entry.file !== undefined) zip.addFile(entry.file, entry.name, options);
    else zip.addBuffer(entry.data, entry.name, options);
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(outFile));
  return outFile;
}

/** Packs the charm and resolves with the path of the .charm file. */
export function pack({ root = ROOT, buildDir, out = path.join(root, CHARM_FILE), bundleNode = false } = {}) {
  return writeCharm(charmEntries({ root, ...(buildDir === undefined ? {} : { buildDir }), bundleNode }), out);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const value = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 && argv[i + 1] !== undefined ? path.resolve(argv[i + 1]) : undefined;
  };
  const buildDir = value('--build');
  const out = value('--out');
  const file = await pack({
    bundleNode: argv.includes('--bundle-node'),
    ...(buildDir === undefined ? {} : { buildDir }),
    ...(out === undefined ? {} : { out }),
  });
  console.log(`packed ${path.relative(process.cwd(), file)}`);
}
