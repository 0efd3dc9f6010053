import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { renderRefreshVersions, ROOT } from '../../../scripts/build.mjs';
import { charmEntries, renderManifest, writeCharm } from '../../../scripts/pack.mjs';

interface ZipEntry {
  readonly mode: number;
  readonly data: Buffer;
}

function readZip(file: string): Promise<Map<string, ZipEntry>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, ZipEntry>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err) return reject(err);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.set(entry.fileName, { mode: (entry.externalFileAttributes >>> 16) & 0o777, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('pack', () => {
  let dir: string;
  let buildDir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pack-test-'));
    buildDir = path.join(dir, 'build');
    mkdirSync(path.join(buildDir, 'dist'), { recursive: true });
    writeFileSync(path.join(buildDir, 'dispatch'), readFileSync(path.join(ROOT, 'dispatch')));
    writeFileSync(path.join(buildDir, 'dist', 'charm.js'), '#!/usr/bin/env node\n');
    mkdirSync(path.join(buildDir, 'dist', 'chunks'));
    writeFileSync(path.join(buildDir, 'dist', 'chunks', 'main-ABC123.js'), 'export {};\n');
    const toml = readFileSync(path.join(ROOT, 'refresh_versions.toml'), 'utf8');
    writeFileSync(path.join(buildDir, 'refresh_versions.toml'), renderRefreshVersions(toml, '3.6/1.0.0'));
    writeFileSync(path.join(dir, 'fake-node'), 'not really node');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('zips the charm files with their modes', async () => {
    const out = path.join(dir, 'charmed-etcd_amd64.charm');
    await writeCharm(charmEntries({ buildDir }), out);
    const zip = await readZip(out);
    const modes = Object.fromEntries([...zip].map(([name, e]) => [name, e.mode.toString(8)]));
    expect(modes).toEqual({
      dispatch: '755',
      'dist/charm.js': '755',
      'dist/chunks/main-ABC123.js': '644',
      'metadata.yaml': '644',
      'config.yaml': '644',
      'actions.yaml': '644',
      'charmcraft.yaml': '644',
      'refresh_versions.toml': '644',
      'manifest.yaml': '644',
    });
    expect(zip.get('metadata.yaml')?.data.toString()).toBe(readFileSync(path.join(ROOT, 'metadata.yaml'), 'utf8'));
    const manifest = yaml.load(zip.get('manifest.yaml')?.data.toString() ?? '') as Record<string, unknown>;
    expect(manifest['bases']).toEqual([{ name: 'ubuntu', channel: '24.04', architectures: ['amd64'] }]);
    expect(manifest['analysis']).toBeDefined();
    const versions = parse(zip.get('refresh_versions.toml')?.data.toString() ?? '');
    expect(versions['charm']).toBe('3.6/1.0.0');
    expect(versions['workload']).toBe('3.6.13');
  });

  it('adds the node runtime, executable, with --bundle-node', async () => {
    const out = path.join(dir, 'with-node.charm');
    await writeCharm(charmEntries({ buildDir, bundleNode: true, nodeBinary: path.join(dir, 'fake-node') }), out);
    const zip = await readZip(out);
    expect(zip.get('runtime/node/bin/node')?.mode).toBe(0o755);
    expect(zip.get('runtime/node/bin/node')?.data.toString()).toBe('not really node');
  });

  it('refuses to pack before the build, naming the missing file', async () => {
    await expect(writeCharm(charmEntries({ buildDir: path.join(dir, 'nope') }), path.join(dir, 'x.charm'))).rejects.toThrow(
      /dispatch is missing; run `npm run build` first/,
    );
  });

  it('writes the bases channel as a string', () => {
    expect(renderManifest({ now: new Date(0) })).toContain("channel: '24.04'");
  });
});
