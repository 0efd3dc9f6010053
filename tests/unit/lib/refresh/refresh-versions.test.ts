import { describe, expect, test } from 'vitest';
import { parseRefreshVersions } from '../../../../lib/refresh/refresh-versions.js';

const toml = `charm = "3.6/1.21.0"
charm_major = 1
workload = "3.6.13"

[snap]
name = "charmed-etcd"

[snap.revisions]
x86_64 = "38"
aarch64 = "37"
`;

describe('parseRefreshVersions', () => {
  test('picks the revision pinned for this architecture', () => {
    expect(parseRefreshVersions(toml, 'aarch64')).toEqual({
      ok: true,
      versions: { charm: '3.6/1.21.0', workload: '3.6.13', snapName: 'charmed-etcd', snapRevision: '37' },
    });
  });

  test('a missing architecture is a clear error, not a throw', () => {
    expect(parseRefreshVersions(toml, 'riscv64')).toEqual({
      ok: false,
      error: "Snap revision missing for architecture 'riscv64' in refresh_versions.toml",
    });
  });

  test('an unpacked file without the build-time charm key is reported', () => {
    const result = parseRefreshVersions(toml.replace('charm = "3.6/1.21.0"\n', ''), 'x86_64');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/Required key missing or invalid in refresh_versions.toml: charm/);
  });

  test('invalid TOML is reported', () => {
    expect(parseRefreshVersions('charm = ', 'x86_64').ok).toBe(false);
  });

  test('a revision must be a string', () => {
    expect(parseRefreshVersions(toml.replace('"38"', '38'), 'x86_64').ok).toBe(false);
  });
});
