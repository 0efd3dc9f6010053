import { describe, expect, it } from 'vitest';
import { isNotLeaderError } from '../../../../../lib/juju/errors/not-leader-error.js';
import { isRelationNotFoundError } from '../../../../../lib/juju/errors/relation-not-found-error.js';
import { isHookToolOutputError } from '../../../../../lib/juju/errors/hook-tool-output-error.js';
import { relationGet, relationIds, relationList, relationRemoteApp, relationSet } from '../../../../../lib/juju/hooktools/relation.js';
import { FakeRunner } from '../fake-runner.js';

describe('relation hook tools', () => {
  it('relation-ids puts the endpoint first and asks for JSON', async () => {
    const fake = new FakeRunner().json(['relation-ids', 'etcd-peers', '--format=json'], ['etcd-peers:1']);
    expect(await relationIds(fake, 'etcd-peers')).toEqual(['etcd-peers:1']);
  });

  it('relation-list passes -r endpoint:id as two arguments', async () => {
    const fake = new FakeRunner().json(['relation-list', '--format=json', '-r', 'etcd-peers:1'], ['charmed-etcd/0', 'charmed-etcd/3']);
    expect(await relationList(fake, 'etcd-peers:1')).toEqual(['charmed-etcd/0', 'charmed-etcd/3']);
  });

  it('relation-list --app gives the remote application', async () => {
    const fake = new FakeRunner().json(['relation-list', '--format=json', '-r', 'db:4', '--app'], 'mysql');
    expect(await relationRemoteApp(fake, 'db:4')).toBe('mysql');
  });

  it('relation-get reads a whole unit bag with "-" then the unit', async () => {
    const fake = new FakeRunner().json(['relation-get', '--format=json', '-r', 'etcd-peers:1', '-', 'charmed-etcd/0'], {
      'ingress-address': '10.0.0.1',
    });
    expect(await relationGet(fake, 'etcd-peers:1', 'charmed-etcd/0')).toEqual({ 'ingress-address': '10.0.0.1' });
  });

  it('relation-get --app reads an application bag, and null reads as empty', async () => {
    const fake = new FakeRunner().on(['relation-get', '--format=json', '-r', 'etcd-peers:1', '--app', '-', 'charmed-etcd'], {
      stdout: 'null\n',
    });
    expect(await relationGet(fake, 'etcd-peers:1', 'charmed-etcd', { app: true })).toEqual({});
  });

  it('refuses non-string values from relation-get', async () => {
    const fake = new FakeRunner().json(['relation-get', '--format=json', '-r', 'a:1', '-', 'x/0'], { k: 1 });
    const error = await relationGet(fake, 'a:1', 'x/0').catch((e: unknown) => e);
    expect(isHookToolOutputError(error)).toBe(true);
  });

  it('relation-set sends the map as JSON on stdin with --file -', async () => {
    const fake = new FakeRunner().on(['relation-set', '-r', 'etcd-peers:1', '--app', '--file', '-']);
    await relationSet(fake, 'etcd-peers:1', { state: 'ready', old: '' }, { app: true });
    expect(fake.calls[0]?.stdin).toBe('{"state":"ready","old":""}');
  });

  it('translates "relation not found" (exit 2) into RelationNotFoundError', async () => {
    const fake = new FakeRunner().on(['relation-list', '--format=json', '-r', 'db:99'], {
      exitCode: 2,
      stderr: 'ERROR invalid value "db:99" for option -r: relation not found\n',
    });
    const error = await relationList(fake, 'db:99').catch((e: unknown) => e);
    expect(isRelationNotFoundError(error)).toBe(true);
    expect((error as Error).message).toContain('relation not found');
  });

  it('translates "cannot write relation settings" into NotLeaderError', async () => {
    const fake = new FakeRunner().on(['relation-set', '-r', 'etcd-peers:1', '--app', '--file', '-'], {
      exitCode: 1,
      stderr: 'ERROR cannot write relation settings\n',
    });
    const error = await relationSet(fake, 'etcd-peers:1', { a: 'b' }, { app: true }).catch((e: unknown) => e);
    expect(isNotLeaderError(error)).toBe(true);
  });

  it('translates "permission denied" on a non-peer app bag into NotLeaderError', async () => {
    const fake = new FakeRunner().on(['relation-get', '--format=json', '-r', 'db:1', '--app', '-', 'me'], {
      exitCode: 1,
      stderr: 'ERROR permission denied\n',
    });
    expect(isNotLeaderError(await relationGet(fake, 'db:1', 'me', { app: true }).catch((e: unknown) => e))).toBe(true);
  });
});
