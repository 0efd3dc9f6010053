import { describe, expect, it } from 'vitest';
import { json, ok, session, testModel } from '../fixtures.js';

describe('config-get', () => {
  it('gives set values and defaults typed per config.yaml; unset without default left out', () => {
    expect(json(session(testModel()), 'config-get')).toEqual({ name: 'demo', port: 9090, debug: false });
    expect(json(session(testModel()), 'config-get', ['--all'])).toEqual({ name: 'demo', port: 9090, debug: false, ratio: null, password: null });
    expect(ok(session(testModel()), 'config-get', ['debug'])).toBe('False\n');
    expect(json(session(testModel()), 'config-get', ['nope'])).toBeNull();
  });

  it('refuses a key with --all', () => {
    expect(session(testModel()).call('config-get', ['-a', 'port']).stderr).toBe('ERROR cannot use argument --all together with key "port"\n');
  });

  it('reads the snapshot taken when the hook started', () => {
    const model = testModel();
    const s = session(model);
    model.config['port'] = 1;
    expect(json(s, 'config-get', ['port'])).toBe(9090);
  });
});

describe('is-leader, leader-get, leader-set', () => {
  it('prints leadership', () => {
    expect(ok(session(testModel()), 'is-leader')).toBe('True\n');
    expect(json(session(testModel({ leader: false })), 'is-leader')).toBe(false);
  });

  it('writes leader settings at once on the leader and refuses others', () => {
    const model = testModel();
    const s = session(model);
    ok(s, 'leader-set', ['a=1']);
    s.finish(1);
    expect(model.application.leaderSettings).toEqual({ a: '1' });
    expect(json(session(model), 'leader-get')).toEqual({ a: '1' });
    expect(session(testModel({ leader: false })).call('leader-set', ['a=1']).stderr).toBe(
      'ERROR cannot write leadership settings: cannot write settings: not the leader\n',
    );
  });
});

describe('status-set and status-get', () => {
  it('sets the unit status at once, even when the hook then fails', () => {
    const model = testModel();
    const s = session(model);
    ok(s, 'status-set', ['blocked', '--', 'need db']);
    s.finish(1);
    expect(model.units['demo/0']!.workloadStatus).toMatchObject({ status: 'blocked', message: 'need db' });
    expect(model.history.at(-1)).toMatchObject({ kind: 'unit-status', status: 'blocked' });
  });

  it('refuses an unknown status (exit 2) and an app status from a non-leader (exit 1)', () => {
    expect(session(testModel()).call('status-set', ['error']).stderr).toBe(
      'ERROR invalid status "error", expected one of [maintenance blocked waiting active]\n',
    );
    expect(session(testModel({ leader: false })).call('status-set', ['--application', 'active'])).toEqual({
      stdout: '', stderr: 'ERROR this unit is not the leader\n', exitCode: 1,
    });
  });

  it('status-get: smart gives the bare status; --include-data the details; app units sit inside application-status', () => {
    const s = session(testModel());
    ok(s, 'status-set', ['active', 'ok']);
    ok(s, 'status-set', ['--application', 'waiting', 'w']);
    expect(ok(s, 'status-get')).toBe('active\n');
    expect(json(s, 'status-get', ['--include-data'])).toEqual({ status: 'active', message: 'ok', 'status-data': {} });
    expect(json(s, 'status-get', ['--application', '--include-data'])).toEqual({
      'application-status': {
        status: 'waiting', message: 'w', 'status-data': {},
        units: {
          'demo/0': { status: 'active', message: 'ok', 'status-data': {} },
          'demo/1': { status: 'unknown', message: '', 'status-data': {} },
        },
      },
    });
    expect(session(testModel({ leader: false })).call('status-get', ['--application']).stderr).toBe(
      'ERROR finding application status: this unit is not the leader\n',
    );
  });
});

describe('application-version-set and juju-log', () => {
  it('sets the workload version at once', () => {
    const model = testModel();
    const s = session(model);
    ok(s, 'application-version-set', ['--', '3.5.16']);
    s.finish(2);
    expect(model.units['demo/0']!.workloadVersion).toBe('3.5.16');
    expect(session(model).call('application-version-set', []).stderr).toBe('ERROR no version specified\n');
  });

  it('logs joined arguments at the given level, prefixed in relation hooks; bad levels go to INFO', () => {
    const model = testModel();
    ok(session(model, { JUJU_RELATION_ID: 'db:1' }), 'juju-log', ['--log-level', 'WARNING', '--', 'two', 'words']);
    ok(session(model), 'juju-log', ['-l', 'LOUD', 'hello']);
    expect(model.logs.map((l) => [l.level, l.message])).toEqual([
      ['WARNING', 'db:1: two words'],
      ['WARNING', 'Specified log level of "LOUD" is not valid'],
      ['INFO', 'hello'],
    ]);
    expect(session(model).call('juju-log', []).stderr).toBe('ERROR no message specified\n');
  });
});

describe('state-get/set/delete', () => {
  it('reads own pending writes, commits on success, and drops on failure', () => {
    const model = testModel();
    const s = session(model);
    ok(s, 'state-set', ['--file', '-'], 'a: "1"\nb: two\n');
    ok(s, 'state-delete', ['b']);
    expect(json(s, 'state-get')).toEqual({ a: '1' });
    expect(ok(s, 'state-get', ['b'])).toBe('');
    expect(s.call('state-get', ['b', '--strict']).stderr).toBe('ERROR "b" not found\n');
    expect(s.finish(0).stateChanged).toBe(true);
    expect(model.units['demo/0']!.state).toEqual({ a: '1' });
    const failed = session(model);
    ok(failed, 'state-set', ['a=2']);
    failed.finish(1);
    expect(model.units['demo/0']!.state).toEqual({ a: '1' });
  });

  it('prints {} when empty', () => {
    expect(ok(session(testModel()), 'state-get')).toBe('{}\n');
  });
});

describe('open-port, close-port, opened-ports', () => {
  it('commits opens and closes; opened-ports shows only committed ports', () => {
    const model = testModel();
    const s = session(model);
    ok(s, 'open-port', ['2379']);
    ok(s, 'open-port', ['1000-2000/udp']);
    ok(s, 'open-port', ['icmp']);
    expect(json(s, 'opened-ports')).toEqual([]);
    expect(s.finish(0).portsChanged).toBe(true);
    expect(json(session(model), 'opened-ports')).toEqual(['icmp', '1000-2000/udp', '2379/tcp']);
    const t = session(model);
    ok(t, 'close-port', ['icmp']);
    ok(t, 'open-port', ['--endpoints', 'website', '80']);
    t.finish(0);
    expect(json(session(model), 'opened-ports', ['--endpoints'])).toEqual(['80/tcp (website)', '1000-2000/udp (*)', '2379/tcp (*)']);
  });

  it('refuses malformed ports', () => {
    const r = session(testModel()).call('open-port', ['http']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('ERROR expected <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp; got "http"\n');
  });
});

describe('network-get, goal-state, storage', () => {
  it('network-get gives the binding, one field with a flag, and an error for unknown bindings', () => {
    const s = session(testModel());
    expect(json(s, 'network-get', ['cluster'])).toEqual({
      'bind-addresses': [{ 'mac-address': '', 'interface-name': 'eth0', addresses: [{ hostname: '', value: '10.0.0.10', cidr: '10.0.0.0/24' }] }],
      'egress-subnets': ['10.0.0.10/32'],
      'ingress-addresses': ['10.0.0.10'],
    });
    expect(ok(s, 'network-get', ['admin', '--ingress-address'])).toBe('10.0.0.10\n');
    expect(s.call('network-get', ['nope'])).toEqual({ stdout: '', stderr: 'ERROR no network config found for binding "nope"\n', exitCode: 1 });
    expect(s.call('network-get', []).exitCode).toBe(2);
  });

  it('goal-state lists units and related units (yaml by default)', () => {
    const s = session(testModel());
    const state = json(s, 'goal-state') as { units: Record<string, unknown>; relations: Record<string, Record<string, unknown>> };
    expect(Object.keys(state.units)).toEqual(['demo/0', 'demo/1']);
    expect(Object.keys(state.relations['db']!)).toEqual(['pg', 'pg/0', 'pg/1']);
    expect(Object.keys(state.relations['cluster']!)).toEqual(['demo/1']);
    expect(ok(s, 'goal-state')).toContain('units:\n');
  });

  it('storage-get needs -s outside storage hooks; storage-list lists ids', () => {
    expect(session(testModel()).call('storage-get', []).stderr).toBe('ERROR no storage instance specified\n');
    expect(json(session(testModel()), 'storage-get', ['-s', 'data/0'])).toEqual({ kind: 'filesystem', location: '/srv/data' });
    expect(ok(session(testModel(), { JUJU_STORAGE_ID: 'data/0' }), 'storage-get', ['location'])).toBe('/srv/data\n');
    expect(session(testModel()).call('storage-get', ['-s', 'data/9']).exitCode).toBe(2);
    expect(json(session(testModel()), 'storage-list', ['data'])).toEqual(['data/0']);
  });
});
