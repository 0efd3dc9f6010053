import { describe, expect, it } from 'vitest';
import type { FakeModel } from '../../../../../../lib/juju/testing/fake-juju/model.js';
import { json, ok, session, testModel } from '../fixtures.js';

/** demo/0 (leader) adds an app secret and grants it to pg over db:1; returns the URI. */
const ownedAndGranted = (model: FakeModel): string => {
  const s = session(model);
  const uri = ok(s, 'secret-add', ['--label', 'creds', 'password=one']).trim();
  ok(s, 'secret-grant', [uri, '-r', 'db:1']);
  s.finish(0);
  return uri;
};

/** A pg unit reading demo's secret: a model where pg/0 is a unit too. */
const consumerModel = (): { model: FakeModel; uri: string } => {
  const model = testModel();
  const uri = ownedAndGranted(model);
  model.units['pg/0'] = { ...structuredClone(model.units['demo/1']!), name: 'pg/0', leader: false };
  return { model, uri };
};

describe('secret-add', () => {
  it('returns the URI at once, readable in the same hook, created only at commit', () => {
    const model = testModel();
    const s = session(model);
    const uri = ok(s, 'secret-add', ['--label', 'root', 'password=hunter2']).trim();
    expect(uri).toMatch(/^secret:[0-9a-v]{20}$/);
    expect(json(s, 'secret-get', [uri])).toEqual({ password: 'hunter2' });
    expect(ok(s, 'secret-get', ['--label', 'root', '--format=json'])).toBe('{"password":"hunter2"}\n');
    expect(model.secrets).toEqual([]);
    expect(s.finish(0).secretsCreated).toHaveLength(1);
    expect(model.secrets[0]).toMatchObject({ label: 'root', owner: { kind: 'application', name: 'demo' }, revisions: [{ revision: 1, content: { password: 'hunter2' } }] });
  });

  it('decodes #base64 values, refuses bad keys and empty content', () => {
    const s = session(testModel());
    const uri = ok(s, 'secret-add', [`token#base64=${Buffer.from('s3cret').toString('base64')}`]).trim();
    expect(ok(s, 'secret-get', [uri, 'token', '--format=json'])).toBe('"s3cret"\n');
    expect(s.call('secret-add', ['Bad=1'])).toEqual({ stdout: '', stderr: 'ERROR key "Bad" not valid\n', exitCode: 2 });
    expect(s.call('secret-add', []).stderr).toBe('ERROR missing secret value or filename\n');
    expect(s.call('secret-add', ['--format=json', 'abc=1']).exitCode).toBe(2);
  });

  it('refuses an app-owned secret on a non-leader, but allows a unit-owned one', () => {
    const s = session(testModel({ leader: false }));
    expect(s.call('secret-add', ['abc=1']).stderr).toBe('ERROR this unit is not the leader\n');
    expect(s.call('secret-add', ['--owner', 'unit', 'abc=1']).exitCode).toBe(0);
  });

  it('leaves no secret behind when the hook fails', () => {
    const model = testModel();
    const s = session(model);
    ok(s, 'secret-add', ['abc=1']);
    s.finish(1);
    expect(model.secrets).toEqual([]);
  });
});

describe('secret-set, revisions and consumer pinning', () => {
  it('creates a new revision only at commit and only when content changes', () => {
    const { model, uri } = consumerModel();
    const s = session(model);
    ok(s, 'secret-set', [uri, 'password=two']);
    expect(json(s, 'secret-get', [uri])).toEqual({ password: 'two' });
    expect(s.finish(0).secretRevisions).toEqual([{ id: uri.slice(7), revision: 2 }]);
    const same = session(model);
    ok(same, 'secret-set', [uri, 'password=two']);
    expect(same.finish(0).secretRevisions).toEqual([]);
  });

  it('pins a consumer to the revision first read until --refresh; --peek looks without moving', () => {
    const { model, uri } = consumerModel();
    expect(json(session(model, {}, 'pg/0'), 'secret-get', [uri])).toEqual({ password: 'one' });
    const owner = session(model);
    ok(owner, 'secret-set', [uri, 'password=two']);
    owner.finish(0);
    expect(json(session(model, {}, 'pg/0'), 'secret-get', [uri])).toEqual({ password: 'one' });
    expect(json(session(model, {}, 'pg/0'), 'secret-get', [uri, '--peek'])).toEqual({ password: 'two' });
    expect(model.secrets[0]!.consumers['pg/0']).toEqual({ revision: 1 });
    expect(json(session(model, {}, 'pg/0'), 'secret-get', [uri, '--refresh'])).toEqual({ password: 'two' });
    expect(json(session(model, {}, 'pg/0'), 'secret-get', [uri])).toEqual({ password: 'two' });
  });

  it('refuses --peek with --refresh, unknown secrets, and ungranted readers', () => {
    const { model, uri } = consumerModel();
    expect(session(model).call('secret-get', [uri, '--peek', '--refresh']).stderr).toBe('ERROR specify one of --peek or --refresh but not both\n');
    expect(session(model).call('secret-get', ['secret:0000000000000000000v'])).toEqual({
      stdout: '', stderr: 'ERROR secret "0000000000000000000v" not found\n', exitCode: 1,
    });
    expect(session(model).call('secret-get', ['nonsense']).stderr).toBe('ERROR secret URI "nonsense" not valid\n');
    const revoke = session(model);
    ok(revoke, 'secret-revoke', [uri, '--app', 'pg']);
    revoke.finish(0);
    expect(session(model, {}, 'pg/0').call('secret-get', [uri]).stderr).toBe('ERROR permission denied\n');
  });

  it('only lets the owner manage; app secrets need the leader', () => {
    const { model, uri } = consumerModel();
    expect(session(model, {}, 'demo/1').call('secret-set', [uri, 'password=x']).stderr).toBe('ERROR this unit is not the leader\n');
    expect(session(model, {}, 'pg/0').call('secret-set', [uri, 'password=x']).stderr).toBe('ERROR permission denied\n');
    expect(session(model).call('secret-set', [uri]).stderr).toBe('ERROR at least one attribute to update must be specified\n');
  });

  it('grants need a relation, and a unit of the remote app', () => {
    const { model, uri } = consumerModel();
    expect(session(model).call('secret-grant', [uri]).stderr).toBe('ERROR missing relation\n');
    expect(session(model).call('secret-grant', [uri, '-r', 'db:1', '--unit', 'other/0']).exitCode).toBe(1);
    expect(session(model).call('secret-grant', [uri, '-r', 'db:1', '--unit', 'pg/1']).exitCode).toBe(0);
  });
});

describe('secret-ids, secret-info-get, secret-remove', () => {
  it('lists owned ids and their metadata', () => {
    const { model, uri } = consumerModel();
    const id = uri.slice('secret:'.length);
    expect(json(session(model), 'secret-ids')).toEqual([id]);
    expect(json(session(model, {}, 'demo/1'), 'secret-ids')).toEqual([]);
    expect(json(session(model), 'secret-info-get', ['--label', 'creds'])).toEqual({
      [id]: { revision: 1, label: 'creds', owner: 'application', rotation: 'never' },
    });
    expect(session(model).call('secret-info-get', [uri, '--label', 'x']).stderr).toBe('ERROR specify either a secret URI or label but not both\n');
  });

  it('removes a revision or the whole secret at commit', () => {
    const { model, uri } = consumerModel();
    const s = session(model);
    ok(s, 'secret-set', [uri, 'password=two']);
    s.finish(0);
    const r = session(model);
    ok(r, 'secret-remove', [uri, '--revision', '1']);
    expect(r.finish(0).secretsRemoved).toEqual([{ id: uri.slice(7), revision: 1 }]);
    expect(model.secrets[0]!.revisions.map((x) => x.revision)).toEqual([2]);
    const all = session(model);
    ok(all, 'secret-remove', [uri]);
    expect(all.call('secret-get', [uri]).exitCode).toBe(1);
    all.finish(0);
    expect(model.secrets).toEqual([]);
  });
});
