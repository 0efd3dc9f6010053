import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../scripts/build.mjs';

/**
 * scripts/check-charmcraft.sh with the real charmcraft from PyPI (installed
 * into its cache venv on first use), on this repository's YAML files and on
 * copies with one mistake each; and charmcraft.yaml's node-runtime part,
 * whose download must match its sha256 before anything is unpacked.
 */

const FILES = ['charmcraft.yaml', 'metadata.yaml', 'config.yaml', 'actions.yaml'];
const SCRIPT = path.join(ROOT, 'scripts', 'check-charmcraft.sh');

let work: string;

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'charmcraft-check-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** A copy of the four files in a fresh directory, with `edit` applied to one of them. */
function projectWith(name: string, file?: string, edit?: (text: string) => string): string {
  const dir = path.join(work, name);
  mkdirSync(dir);
  for (const f of FILES) cpSync(path.join(ROOT, f), path.join(dir, f));
  if (file !== undefined && edit !== undefined) {
    const before = readFileSync(path.join(dir, file), 'utf8');
    const after = edit(before);
    expect(after, `the edit of ${file} changes it`).not.toBe(before);
    writeFileSync(path.join(dir, file), after);
  }
  return dir;
}

const check = (dir: string) => execa('bash', [SCRIPT, '--yaml-only', dir], { reject: false });

describe('check-charmcraft.sh', () => {
  it("accepts this repository's files, for every platform", async () => {
    const run = await check(projectWith('good'));
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^charmcraft 4\.5\.0 /m);
    expect(run.stdout).toContain("accepted by charmcraft's project model for platform amd64 (charm charmed-etcd, base ubuntu@24.04");
    expect(run.stdout).toContain("accepted by charmcraft's project model for platform arm64");
    expect(run.stdout).toContain('config.yaml: accepted by charmcraft.models.config.JujuConfig');
  });

  it('refuses a config option of an unknown type, with the validation error', async () => {
    const dir = projectWith('bad-type', 'config.yaml', (text) => text.replace(/type: int\b/, 'type: integer'));
    const run = await check(dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('check-charmcraft: config.yaml: 1 validation error for JujuConfig');
    expect(run.stderr).toContain("Input tag 'integer' found using 'type' does not match any of the expected tags");
  });

  it("refuses an unknown key in charmcraft.yaml with charmcraft's own error", async () => {
    const dir = projectWith('unknown-key', 'charmcraft.yaml', (text) => `${text}bogus-key: 1\n`);
    const run = await check(dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('validation error for PlatformCharm\nbogus-key\n  Extra inputs are not permitted');
    expect(run.stderr).toContain('check-charmcraft: charmcraft refused the project for platform amd64');
  });

  it('refuses a field that both metadata.yaml and charmcraft.yaml set', async () => {
    const dir = projectWith('duplicate', 'charmcraft.yaml', (text) => `${text}name: charmed-etcd\n`);
    const run = await check(dir);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("Fields in charmcraft.yaml cannot be duplicated in metadata.yaml\nDetailed information: Duplicate fields: 'name'");
  });
});

describe("charmcraft.yaml's node-runtime part", () => {
  const overrideBuild = (): string => {
    const project = yaml.load(readFileSync(path.join(ROOT, 'charmcraft.yaml'), 'utf8')) as {
      parts: Record<string, { 'override-build': string }>;
    };
    return project.parts['node-runtime']!['override-build'];
  };
  const version = (): string => /^version=(\S+)$/m.exec(overrideBuild())![1]!;

  /** A tarball laid out as Node's (node-v<version>-linux-<arch>/...), served by a fake curl that logs its URL. */
  function fakeRelease(dir: string, arch: string): { tarball: string; curlLog: string; bin: string } {
    const top = `node-v${version()}-linux-${arch}`;
    const tree = path.join(dir, 'tree');
    mkdirSync(path.join(tree, top, 'bin'), { recursive: true });
    mkdirSync(path.join(tree, top, 'include'), { recursive: true });
    writeFileSync(path.join(tree, top, 'bin', 'node'), '#!/bin/sh\necho fake node\n', { mode: 0o755 });
    writeFileSync(path.join(tree, top, 'LICENSE'), 'license\n');
    writeFileSync(path.join(tree, top, 'include', 'node.h'), '\n');
    const tarball = path.join(dir, `${top}.tar.xz`);
    const bin = path.join(dir, 'bin');
    const curlLog = path.join(dir, 'curl.log');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'curl'),
      [
        '#!/bin/sh',
        'out=""; url=""',
        'while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift 2 ;; -*) shift ;; *) url="$1"; shift ;; esac; done',
        `echo "$url" >> '${curlLog}'`,
        `cp '${tarball}' "$out"`,
        '',
      ].join('\n'),
    );
    chmodSync(path.join(bin, 'curl'), 0o755);
    return { tarball, curlLog, bin };
  }

  async function runPart(script: (sha256: string) => string, arch: 'amd64' | 'arm64', name: string, nodeArch: string) {
    const dir = path.join(work, name);
    mkdirSync(dir);
    const release = fakeRelease(dir, nodeArch);
    await execa('tar', ['-cJf', release.tarball, '-C', path.join(dir, 'tree'), `node-v${version()}-linux-${nodeArch}`]);
    const sha256 = createHash('sha256').update(readFileSync(release.tarball)).digest('hex');
    const build = path.join(dir, 'build');
    const install = path.join(dir, 'install');
    mkdirSync(build);
    mkdirSync(install);
    // craft-parts runs a part's scriptlets with bash, `set -euo pipefail`, in the part's build directory.
    const run = await execa('bash', ['-euo', 'pipefail', '-c', script(sha256)], {
      cwd: build,
      env: { PATH: `${release.bin}:${process.env.PATH}`, CRAFT_ARCH_BUILD_FOR: arch, CRAFT_PART_INSTALL: install },
      extendEnv: false,
      reject: false,
      all: true,
    });
    return { run, install, urls: readFileSync(release.curlLog, 'utf8').trim().split('\n') };
  }

  it('downloads the official tarball for each platform and fails, unpacking nothing, when its sha256 differs', async () => {
    for (const [arch, nodeArch] of [['amd64', 'x64'], ['arm64', 'arm64']] as const) {
      const { run, install, urls } = await runPart(() => overrideBuild(), arch, `mismatch-${arch}`, nodeArch);
      expect(urls).toEqual([`https://nodejs.org/dist/v${version()}/node-v${version()}-linux-${nodeArch}.tar.xz`]);
      expect(run.exitCode).not.toBe(0);
      expect(run.all).toContain(`node-v${version()}-linux-${nodeArch}.tar.xz: FAILED`);
      expect(readdirSync(install)).toEqual([]);
    }
  });

  it('with a matching sha256, unpacks only bin/node and LICENSE under runtime/node', async () => {
    const pinned = /^\s*amd64\) arch=x64 sha256=([0-9a-f]{64}) ;;$/m.exec(overrideBuild())?.[1];
    expect(pinned, 'the amd64 sha256 constant').toMatch(/^[0-9a-f]{64}$/);
    const { run, install } = await runPart((sha256) => overrideBuild().replace(pinned!, sha256), 'amd64', 'match', 'x64');
    expect(run.exitCode, run.all).toBe(0);
    expect(readdirSync(path.join(install, 'runtime', 'node')).sort()).toEqual(['LICENSE', 'bin']);
    expect(readdirSync(path.join(install, 'runtime', 'node', 'bin'))).toEqual(['node']);
    expect(existsSync(path.join(install, 'runtime', 'node', 'include'))).toBe(false);
  });
});
