import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execRunner } from '../../../lib/juju/hooktools/exec-runner.js';
import { isHookToolError } from '../../../lib/juju/hooktools/runner.js';
import type { HookToolError } from '../../../lib/juju/hooktools/runner.js';
import { relationSet } from '../../../lib/juju/hooktools/relation.js';
import { isNotLeaderError } from '../../../lib/juju/errors/not-leader-error.js';

let bin: string;
const tool = (name: string, body: string) => {
  const file = path.join(bin, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
};

beforeAll(() => {
  bin = mkdtempSync(path.join(tmpdir(), 'exec-runner-'));
  tool('echo-args', 'for a in "$@"; do printf "[%s]" "$a"; done; echo');
  tool('cat-stdin', 'cat');
  tool('no-stdin', 'if read -r line; then echo "got: $line"; else echo eof; fi');
  tool('fail', 'echo "ERROR cannot write relation settings" >&2; exit 1');
  // 17 MiB: above the 16 MiB relation-settings ceiling and Node's 1 MiB default.
  tool('big', 'head -c 17825792 /dev/zero | tr "\\000" a');
});

afterAll(() => rmSync(bin, { recursive: true, force: true }));

describe('execRunner', () => {
  const runner = () => execRunner({ env: { PATH: `${bin}:/usr/bin:/bin` } });

  it('passes argv verbatim, without a shell', async () => {
    expect(await runner().run('echo-args', ['a b', '$HOME', '--', '*'])).toBe('[a b][$HOME][--][*]\n');
  });

  it('feeds stdin when given, and none otherwise', async () => {
    expect(await runner().run('cat-stdin', [], { stdin: '{"k":"v"}' })).toBe('{"k":"v"}');
    expect(await runner().run('no-stdin', [])).toBe('eof\n');
  });

  it('reads more than 16 MiB of output', async () => {
    expect((await runner().run('big', [])).length).toBe(17825792);
  });

  it('rejects with a HookToolError carrying exit code and stderr; the wrappers translate it', async () => {
    const error = (await runner().run('fail', ['x']).catch((e: unknown) => e)) as HookToolError;
    expect(isHookToolError(error)).toBe(true);
    expect(error).toMatchObject({ tool: 'fail', args: ['x'], exitCode: 1, stderr: 'ERROR cannot write relation settings\n' });
    const wrapped = execRunner({ env: { PATH: bin } });
    tool('relation-set', 'cat >/dev/null; echo "ERROR cannot write relation settings" >&2; exit 1');
    expect(isNotLeaderError(await relationSet(wrapped, 'p:1', { a: 'b' }, { app: true }).catch((e: unknown) => e))).toBe(true);
  });

  it('a missing tool is a HookToolError with exit code -1', async () => {
    const error = (await runner().run('no-such-tool', []).catch((e: unknown) => e)) as HookToolError;
    expect(isHookToolError(error)).toBe(true);
    expect(error.exitCode).toBe(-1);
    expect(error.stderr).toMatch(/^cannot run no-such-tool: /);
  });
});
