import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { BANNER, build, charmVersion, eagerInputs, renderRefreshVersions, ROOT } from '../../../scripts/build.mjs';

const git = (over: Partial<{ tags: string[]; sha: string | undefined; dirty: boolean }> = {}) => ({
  tags: [],
  sha: 'abc1234',
  dirty: false,
  ...over,
});

describe('charmVersion', () => {
  const base = { workload: '3.6.13', packageVersion: '1.0.0' };

  it('takes CHARM_VERSION first', () => {
    expect(charmVersion({ ...base, env: { CHARM_VERSION: '3.6/1.4.0' }, git: git({ tags: ['v3.6/1.2.0'] }) })).toBe('3.6/1.4.0');
  });

  it('takes the v<track>/<X.Y.Z> tag at HEAD next, ignoring other tags', () => {
    expect(charmVersion({ ...base, env: {}, git: git({ tags: ['release', 'v3.6/1.2.0'] }) })).toBe('3.6/1.2.0');
  });

  it('otherwise builds an unreleased version from the workload track and package version', () => {
    expect(charmVersion({ ...base, env: {}, git: git() })).toBe('3.6/1.0.0.post0.dev0+gabc1234');
    expect(charmVersion({ ...base, env: { CHARM_VERSION: '' }, git: git({ dirty: true }) })).toBe('3.6/1.0.0.post0.dev0+gabc1234.dirty');
  });

  it('refuses a workload that is not major.minor.patch', () => {
    expect(() => charmVersion({ ...base, workload: 'latest', env: {}, git: git() })).toThrow(/workload "latest"/);
  });
});

describe('renderRefreshVersions', () => {
  it('adds charm = ... at the top level and keeps the rest', () => {
    const text = readFileSync(path.join(ROOT, 'refresh_versions.toml'), 'utf8');
    const out = parse(renderRefreshVersions(text, '3.6/1.0.0'));
    const original = parse(text);
    expect(out).toEqual({ charm: '3.6/1.0.0', ...original });
    expect((out['snap'] as { name: string }).name).toBe('charmed-etcd');
  });
});

describe('BANNER', () => {
  it('starts with the node shebang and provides require for CommonJS dependencies', () => {
    expect(BANNER.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(BANNER).toContain('createRequire');
  });
});

describe('eagerInputs', () => {
  // The shape of esbuild's metafile, trimmed to what eagerInputs reads.
  const output = (entryPoint: string | undefined, imports: [string, string][], inputs: string[]) => ({
    ...(entryPoint === undefined ? {} : { entryPoint }),
    imports: imports.map(([path, kind]) => ({ path, kind })),
    inputs: Object.fromEntries(inputs.map((i) => [i, { bytesInOutput: 1 }])),
  });

  it('follows static imports from the entry and the main module, not import()', () => {
    const metafile = {
      outputs: {
        'dist/charm.js': output('src/entry.ts', [['dist/chunks/main.js', 'dynamic-import']], ['src/entry.ts']),
        'dist/chunks/main.js': output('src/main.ts', [['dist/chunks/shared.js', 'import-statement'], ['dist/chunks/execa.js', 'dynamic-import']], ['src/main.ts']),
        'dist/chunks/shared.js': output(undefined, [], ['node_modules/zod/index.js']),
        'dist/chunks/execa.js': output('node_modules/execa/index.js', [['dist/chunks/shared.js', 'import-statement']], ['node_modules/execa/index.js']),
      },
    };
    expect(eagerInputs(metafile)).toEqual(['node_modules/zod/index.js', 'src/entry.ts', 'src/main.ts']);
    metafile.outputs['dist/chunks/main.js'].imports[1]!.kind = 'import-statement';
    expect(eagerInputs(metafile)).toContain('node_modules/execa/index.js');
  });
});

describe('build', () => {
  it('keeps what only some hooks need out of what every hook loads', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'build-test-'));
    try {
      await build({ out, env: { CHARM_VERSION: '3.6/1.0.0' } });
      const files = readdirSync(path.join(out, 'dist'), { recursive: true }).map(String).sort();
      expect(files).toContain('charm.js');
      // execa is loaded by the first snap or etcdctl command, from a chunk of its own.
      expect(files.some((f) => /^chunks[/\\]execa-.*\.js$/.test(f))).toBe(true);
      const entry = readFileSync(path.join(out, 'dist', 'charm.js'), 'utf8');
      expect(entry.startsWith('#!/usr/bin/env node\n')).toBe(true);
      expect(entry).toContain('enableCompileCache');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
