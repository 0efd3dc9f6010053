import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { BANNER, charmVersion, renderRefreshVersions, ROOT } from '../../../scripts/build.mjs';

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
