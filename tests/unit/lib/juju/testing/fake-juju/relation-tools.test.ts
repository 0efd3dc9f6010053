import { describe, expect, it } from 'vitest';
import { json, ok, session, testModel } from '../fixtures.js';

const inDb = { JUJU_RELATION: 'db', JUJU_RELATION_ID: 'db:1', JUJU_REMOTE_APP: 'pg', JUJU_REMOTE_UNIT: 'pg/0' };

describe('relation-ids', () => {
  it('lists ids of an endpoint, and defaults to the hook relation', () => {
    expect(json(session(testModel()), 'relation-ids', ['db'])).toEqual(['db:1']);
    expect(ok(session(testModel(), inDb), 'relation-ids')).toBe('db:1\n');
    expect(json(session(testModel()), 'relation-ids', ['website'])).toEqual([]);
  });

  it('needs an endpoint outside relation hooks', () => {
    expect(session(testModel()).call('relation-ids', [])).toEqual({ stdout: '', stderr: 'ERROR no endpoint name specified\n', exitCode: 2 });
  });
});

describe('relation-list', () => {
  it('lists joined remote units sorted, or the remote app with --app', () => {
    expect(json(session(testModel()), 'relation-list', ['-r', 'db:1'])).toEqual(['pg/0', 'pg/1']);
    expect(json(session(testModel()), 'relation-list', ['-r1', '--app'])).toBe('pg');
  });

  it('fails like Juju on a missing or unknown relation id', () => {
    expect(session(testModel()).call('relation-list', []).stderr).toBe('ERROR no relation id specified\n');
    const unknown = session(testModel()).call('relation-list', ['-r', 'db:99']);
    expect(unknown).toEqual({ stdout: '', stderr: 'ERROR invalid value "db:99" for option -r: relation not found\n', exitCode: 2 });
    expect(session(testModel()).call('relation-list', ['-r', 'db:x']).stderr).toBe(
      'ERROR invalid value "db:x" for option -r: invalid relation id\n',
    );
    expect(session(testModel()).call('relation-list', ['-r=1']).stderr).toBe(
      'ERROR invalid value "=1" for option -r: invalid relation id\n',
    );
  });
});

describe('relation-get', () => {
  it('reads the remote unit of the hook by default, key first then unit', () => {
    const s = session(testModel(), inDb);
    expect(json(s, 'relation-get', ['-'])).toEqual({ host: 'a' });
    expect(ok(s, 'relation-get', ['host', 'pg/1'])).toBe('b\n');
    expect(json(s, 'relation-get', ['missing'])).toBeNull();
  });

  it('reads app bags with --app (remote app implied by a unit name)', () => {
    const s = session(testModel(), inDb);
    expect(json(s, 'relation-get', ['--app', '-', 'pg'])).toEqual({ dsn: 'postgres://x' });
    expect(json(s, 'relation-get', ['--app', 'dsn'])).toBe('postgres://x');
  });

  it('implies --app when only a remote app is known (created hooks)', () => {
    const s = session(testModel(), { ...inDb, JUJU_REMOTE_UNIT: '' });
    expect(json(s, 'relation-get', ['-'])).toEqual({ dsn: 'postgres://x' });
  });

  it('refuses an app name without --app and a missing unit', () => {
    const s = session(testModel(), inDb);
    expect(s.call('relation-get', ['-', 'pg'])).toEqual({
      stdout: '', stderr: 'ERROR expected unit name, got application name "pg"\n', exitCode: 2,
    });
    expect(session(testModel()).call('relation-get', ['-r', 'db:1', '-']).stderr).toBe('ERROR no unit or application specified\n');
    expect(s.call('relation-get', ['-', 'pg/7']).exitCode).toBe(1);
  });

  it('denies a non-leader its own app bag in a non-peer relation, but not in a peer relation', () => {
    const model = testModel({ leader: false });
    expect(session(model).call('relation-get', ['-r', 'db:1', '--app', '-', 'demo'])).toEqual({
      stdout: '', stderr: 'ERROR permission denied\n', exitCode: 1,
    });
    expect(json(session(model), 'relation-get', ['-r', 'cluster:0', '--app', '-', 'demo'])).toEqual({ epoch: '1' });
  });
});

describe('relation-set', () => {
  it('merges, deletes on empty value, and lets k=v override --file', () => {
    const model = testModel();
    const s = session(model, inDb);
    ok(s, 'relation-set', ['--file', '-', 'b=from-arg'], 'a: one\nb: from-file\nprivate-address: ""\n');
    expect(json(s, 'relation-get', ['-', 'demo/0'])).toEqual({
      a: 'one', b: 'from-arg', 'ingress-address': '10.0.0.10', 'egress-subnets': '10.0.0.10/32',
    });
    ok(s, 'relation-set', ['a=']);
    expect(json(s, 'relation-get', ['a', 'demo/0'])).toBeNull();
    s.finish(0);
    expect(model.relations[1]!.unitData['demo/0']).toEqual({ b: 'from-arg', 'ingress-address': '10.0.0.10', 'egress-subnets': '10.0.0.10/32' });
  });

  it('accepts a JSON map on stdin', () => {
    const s = session(testModel(), inDb);
    ok(s, 'relation-set', ['--file', '-'], '{"x":"1"}');
    expect(ok(s, 'relation-get', ['x', 'demo/0'])).toBe('1\n');
  });

  it('refuses a non-leader app write with Juju\'s text', () => {
    const r = session(testModel({ leader: false }), inDb).call('relation-set', ['--app', 'k=v']);
    expect(r).toEqual({ stdout: '', stderr: 'ERROR cannot write relation settings\n', exitCode: 1 });
  });

  it('refuses an argument without =', () => {
    expect(session(testModel(), inDb).call('relation-set', ['novalue']).stderr).toBe('ERROR expected "key=value", got "novalue"\n');
  });

  it('reports changed bags at commit, and none when content is unchanged', () => {
    const model = testModel();
    const s = session(model, inDb);
    ok(s, 'relation-set', ['--app', 'wanted=yes']);
    ok(s, 'relation-set', ['-r', 'cluster:0', 'state=up']);
    expect(s.finish(0).relationChanges).toEqual([{ relationId: 0, endpoint: 'cluster', bag: 'unit', owner: 'demo/0' }]);
  });

  it('commits nothing when the hook fails', () => {
    const model = testModel();
    const s = session(model, inDb);
    ok(s, 'relation-set', ['k=v']);
    expect(s.finish(1)).toMatchObject({ committed: false, relationChanges: [] });
    expect(model.relations[1]!.unitData['demo/0']).not.toHaveProperty('k');
  });
});
