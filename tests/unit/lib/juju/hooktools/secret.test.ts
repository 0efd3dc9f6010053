import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecretNotFoundError } from '../../../../../lib/juju/errors/secret-not-found-error.js';
import type { HookToolRunOptions, HookToolRunner } from '../../../../../lib/juju/hooktools/runner.js';
import {
  secretAdd,
  secretGet,
  secretGrant,
  secretIds,
  secretInfoGet,
  secretRemove,
  secretRevoke,
  secretSet,
} from '../../../../../lib/juju/hooktools/secret.js';
import { FakeRunner } from '../fake-runner.js';

interface SeenFile {
  readonly key: string;
  readonly file: string;
  readonly content: string;
  readonly mode: number;
  readonly dirMode: number;
}

/** Looks at the key#file=... arguments while the tool "runs", as Juju would read them. */
function inspectingRunner(stdout: string): HookToolRunner & { seen: SeenFile[]; argv: string[] } {
  const seen: SeenFile[] = [];
  const runner = {
    seen,
    argv: [] as string[],
    async run(tool: string, args: readonly string[], _options?: HookToolRunOptions): Promise<string> {
      runner.argv = [tool, ...args];
      for (const arg of args) {
        const match = /^([a-z0-9-]+)#file=(.+)$/.exec(arg);
        if (match?.[1] === undefined || match[2] === undefined) continue;
        const file = match[2];
        seen.push({
          key: match[1],
          file,
          content: readFileSync(file, 'utf8'),
          mode: statSync(file).mode & 0o777,
          dirMode: statSync(path.dirname(file)).mode & 0o777,
        });
      }
      return stdout;
    },
  };
  return runner;
}

describe('secret hook tools', () => {
  it('secret-add passes content through private 0600 files, never in argv, and removes them', async () => {
    const runner = inspectingRunner('secret:cs3pe0vmp25c7ab8ab70\n');
    const uri = await secretAdd(runner, { username: 'root', password: 's3cr3t-value' }, { label: 'root', owner: 'application' });
    expect(uri).toBe('secret:cs3pe0vmp25c7ab8ab70');
    expect(runner.argv.slice(0, 5)).toEqual(['secret-add', '--owner', 'application', '--label', 'root']);
    expect(runner.argv.join(' ')).not.toContain('s3cr3t-value');
    expect(runner.seen.map(({ key, content, mode, dirMode }) => ({ key, content, mode, dirMode }))).toEqual([
      { key: 'username', content: 'root', mode: 0o600, dirMode: 0o700 },
      { key: 'password', content: 's3cr3t-value', mode: 0o600, dirMode: 0o700 },
    ]);
    for (const { file } of runner.seen) {
      expect(existsSync(file)).toBe(false);
      expect(existsSync(path.dirname(file))).toBe(false);
    }
  });

  it('removes the content files when the tool fails too', async () => {
    let file = '';
    const failing: HookToolRunner = {
      async run(_tool, args) {
        file = (args.find((a) => a.includes('#file=')) ?? '').split('#file=')[1] ?? '';
        throw new Error('boom');
      },
    };
    await expect(secretAdd(failing, { password: 'x' })).rejects.toThrow('boom');
    expect(file).not.toBe('');
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it('refuses a content key Juju would refuse, before running anything', async () => {
    const fake = new FakeRunner();
    await expect(secretAdd(fake, { pw: 'x' })).rejects.toThrow('invalid secret key "pw"');
    await expect(secretAdd(fake, { Password: 'x' })).rejects.toThrow('invalid secret key "Password"');
    expect(fake.calls).toEqual([]);
  });

  it('secret-set sends the uri, metadata and content files', async () => {
    const runner = inspectingRunner('');
    await secretSet(runner, 'secret:abc', { content: { password: 'new' }, description: 'root' });
    expect(runner.argv.slice(0, 4)).toEqual(['secret-set', 'secret:abc', '--description', 'root']);
    expect(runner.seen.map((s) => s.content)).toEqual(['new']);
  });

  it('secret-get reads by uri, with label and --refresh', async () => {
    const fake = new FakeRunner().json(['secret-get', '--format=json', 'secret:abc', '--label', 'root', '--refresh'], { password: 'x' });
    expect(await secretGet(fake, { id: 'secret:abc', label: 'root', refresh: true })).toEqual({ password: 'x' });
  });

  it('secret-get by label only, and with --peek', async () => {
    const fake = new FakeRunner().json(['secret-get', '--format=json', '--label', 'root', '--peek'], { password: 'y' });
    expect(await secretGet(fake, { label: 'root', peek: true })).toEqual({ password: 'y' });
  });

  it('refuses peek together with refresh', async () => {
    await expect(secretGet(new FakeRunner(), { id: 'secret:abc', peek: true, refresh: true })).rejects.toThrow('not both');
  });

  it('translates "not found" on secret tools into SecretNotFoundError', async () => {
    const fake = new FakeRunner().on(['secret-get', '--format=json', 'secret:gone'], {
      exitCode: 1,
      stderr: 'ERROR secret "gone" not found\n',
    });
    expect(isSecretNotFoundError(await secretGet(fake, { id: 'secret:gone' }).catch((e: unknown) => e))).toBe(true);
  });

  it('secret-grant and secret-revoke pass the relation as endpoint:id and the unit', async () => {
    const fake = new FakeRunner()
      .on(['secret-grant', '--relation', 'db:3', '--unit', 'mysql/0', 'secret:abc'])
      .on(['secret-revoke', '--relation', 'db:3', 'secret:abc']);
    await secretGrant(fake, 'secret:abc', 'db:3', { unit: 'mysql/0' });
    await secretRevoke(fake, 'secret:abc', 'db:3');
    expect(fake.calls).toHaveLength(2);
  });

  it('secret-remove passes --revision', async () => {
    const fake = new FakeRunner().on(['secret-remove', 'secret:abc', '--revision', '2']);
    await secretRemove(fake, 'secret:abc', { revision: 2 });
    expect(fake.calls).toHaveLength(1);
  });

  it('secret-info-get reads by label and normalises the bare id', async () => {
    const fake = new FakeRunner().json(['secret-info-get', '--format=json', '--label', 'root'], {
      cs3pe0vmp25c7ab8ab70: { revision: 3, label: 'root', owner: 'application', rotation: 'never' },
    });
    expect(await secretInfoGet(fake, { label: 'root' })).toEqual({
      id: 'secret:cs3pe0vmp25c7ab8ab70',
      revision: 3,
      label: 'root',
      owner: 'application',
      rotation: 'never',
    });
  });

  it('secret-ids reads the owned ids', async () => {
    const fake = new FakeRunner().json(['secret-ids', '--format=json'], ['secret:a']);
    expect(await secretIds(fake)).toEqual(['secret:a']);
  });
});
