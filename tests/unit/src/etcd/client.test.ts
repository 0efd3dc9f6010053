import { describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../../src/etcd/client.js';
import { TokenCache } from '../../../../src/etcd/client-types.js';
import {
  EtcdAuthFailedError,
  EtcdLearnerNotInSyncError,
  EtcdMemberNotFoundError,
  EtcdPermissionDeniedError,
  EtcdProtocolError,
  EtcdUnhealthyClusterError,
  EtcdUnreachableError,
} from '../../../../src/etcd/errors/index.js';
import type { FetchLike } from '../../../../src/etcd/gateway.js';
import { memberIdFromDecimal, memberIdToDecimal, prefixRangeEnd } from '../../../../src/etcd/ids.js';

interface Seen {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A fake gateway: `route(url, body, headers)` returns [status, json] or throws like fetch does. */
function fakeFetch(route: (url: string, body: Record<string, unknown>, headers: Record<string, string>) => [number, unknown]): {
  fetch: FetchLike;
  seen: Seen[];
} {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? init.body : '';
    seen.push({ url, headers, body });
    const [status, json] = route(url, body === '' ? {} : (JSON.parse(body) as Record<string, unknown>), headers);
    return new Response(typeof json === 'string' ? json : JSON.stringify(json), { status });
  };
  return { fetch, seen };
}

const refused = (): never => {
  throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
};
const err = (code: number, message: string): unknown => ({ code, message });
const header = { cluster_id: '1', member_id: '10276657743932975437', revision: '5', raft_term: '2' };

describe('EtcdClient over a fake gateway', () => {
  it('converts ids: decimal on the wire, hex in the API (as etcdctl prints them)', async () => {
    const { fetch, seen } = fakeFetch((url) =>
      url.endsWith('/member/list')
        ? [200, { header, members: [{ ID: '10276657743932975437', name: 'a', peerURLs: ['http://x:2380'] }, { ID: '12', isLearner: true }] }]
        : [200, { header, members: [] }],
    );
    const client = new EtcdClient({ endpoints: ['http://a:2379/'], fetch });
    expect(await client.memberList()).toEqual([
      { id: '8e9e05c52164694d', name: 'a', peerUrls: ['http://x:2380'], clientUrls: [], isLearner: false },
      { id: 'c', name: '', peerUrls: [], clientUrls: [], isLearner: true },
    ]);
    await client.memberRemove('8e9e05c52164694d');
    expect(seen[1]).toMatchObject({ url: 'http://a:2379/v3/cluster/member/remove', body: '{"ID":"10276657743932975437"}' });
    expect(memberIdToDecimal(memberIdFromDecimal('18446744073709551615'))).toBe('18446744073709551615');
  });

  it('fails over to the next endpoint when one is unreachable, and reports when none answers', async () => {
    const { fetch, seen } = fakeFetch((url) => (url.startsWith('http://a') ? refused() : [200, { header, kvs: [{ key: 'aw==', value: 'dg==' }], count: '1' }]));
    const client = new EtcdClient({ endpoints: ['http://a:2379', 'http://b:2379'], fetch });
    expect(await client.get('k')).toBe('v');
    expect(seen.map((s) => s.url)).toEqual(['http://a:2379/v3/kv/range', 'http://b:2379/v3/kv/range']);
    await client.get('k'); // the endpoint that worked is tried first next time
    expect(seen[2]?.url).toBe('http://b:2379/v3/kv/range');

    const dead = new EtcdClient({ endpoints: ['http://a:2379', 'http://a2:2379'], fetch: fakeFetch(refused).fetch });
    const error = await dead.get('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdUnreachableError);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('fails over past a learner but not past a definite answer', async () => {
    const { fetch, seen } = fakeFetch((url) =>
      url.startsWith('http://a') ? [400, err(9, 'etcdserver: rpc not supported for learner')] : [404, err(5, 'etcdserver: member not found')],
    );
    const client = new EtcdClient({ endpoints: ['http://a:2379', 'http://b:2379', 'http://c:2379'], fetch });
    expect(await client.memberPromote('c').catch((e: unknown) => e)).toBeInstanceOf(EtcdMemberNotFoundError);
    expect(seen).toHaveLength(2);
  });

  it.each([
    [400, err(3, 'etcdserver: authentication failed, invalid user ID or password'), EtcdAuthFailedError],
    [400, err(3, 'etcdserver: user name is empty'), EtcdPermissionDeniedError],
    [403, err(7, 'etcdserver: permission denied'), EtcdPermissionDeniedError],
    [412, { error: 'etcdserver: can only promote a learner member which is in sync with leader', message: 'etcdserver: can only promote a learner member which is in sync with leader', code: 9 }, EtcdLearnerNotInSyncError],
    [503, err(14, 'etcdserver: unhealthy cluster'), EtcdUnhealthyClusterError],
    [404, '404 page not found', EtcdProtocolError],
  ] as const)('maps HTTP %i %j to a typed error', async (status, body, type) => {
    const client = new EtcdClient({ endpoints: ['http://a:2379'], fetch: fakeFetch(() => [status, body]).fetch });
    expect(await client.memberPromote('c').catch((e: unknown) => e)).toBeInstanceOf(type);
  });

  it('authenticates once, keeps the password out of URLs and headers, and re-authenticates when a token is refused', async () => {
    let valid = 'tok1';
    let issued = 0;
    const { fetch, seen } = fakeFetch((url, body, headers) => {
      if (url.endsWith('/v3/auth/authenticate')) {
        if (body['password'] !== 's3cret') return [400, err(3, 'etcdserver: authentication failed, invalid user ID or password')];
        issued++;
        return [200, { header, token: valid }];
      }
      if (headers['authorization'] !== valid) return [401, err(16, 'etcdserver: invalid auth token')];
      return [200, { header }];
    });
    const client = new EtcdClient({ endpoints: ['http://a:2379'], credentials: { user: 'root', password: 's3cret' }, fetch });
    await client.put('k', 'v');
    await client.put('k', 'v');
    expect(issued).toBe(1);
    valid = 'tok2'; // e.g. the member restarted, or the password changed elsewhere
    await client.put('k', 'v');
    expect(issued).toBe(2);
    for (const s of seen) {
      expect(s.url).not.toContain('s3cret');
      expect(JSON.stringify(s.headers)).not.toContain('s3cret');
    }
    expect(seen.filter((s) => s.body.includes('s3cret')).map((s) => s.url)).toEqual([
      'http://a:2379/v3/auth/authenticate',
      'http://a:2379/v3/auth/authenticate',
    ]);
  });


  it('sends one authentication for requests started together, and a new one after a password change', async () => {
    const passwords: unknown[] = [];
    const { fetch, seen } = fakeFetch((url, body, headers) => {
      if (url.endsWith('/v3/auth/authenticate')) {
        passwords.push(body['password']);
        return [200, { header, token: `tok-${String(body['password'])}` }];
      }
      if (url.endsWith('/v3/auth/user/changepw')) return [200, { header }];
      return headers['authorization']?.startsWith('tok-') ? [200, { header, members: [] }] : [401, err(16, 'etcdserver: invalid auth token')];
    });
    const client = new EtcdClient({ endpoints: ['http://a:2379'], credentials: { user: 'root', password: 'one' }, fetch });
    await Promise.all([client.memberList(), client.alarmList(), client.put('k', 'v')]);
    expect(passwords).toEqual(['one']);
    await client.userChangePassword('root', 'two');
    await Promise.all([client.put('k', 'v'), client.memberList()]);
    expect(passwords).toEqual(['one', 'two']);
    expect(seen.filter((s) => s.url.endsWith('/v3/kv/put')).map((s) => s.headers['authorization'])).toEqual(['tok-one', 'tok-two']);
  });
  it('shares one token among the clients given the same TokenCache, and all re-authenticate once when it is refused', async () => {
    let valid = 'tok1';
    const passwords: unknown[] = [];
    const { fetch } = fakeFetch((url, body, headers) => {
      if (url.endsWith('/v3/auth/authenticate')) {
        passwords.push(body['password']);
        return [200, { header, token: body['password'] === 'pw' ? valid : 'other' }];
      }
      return headers['authorization'] === valid || headers['authorization'] === 'other' ? [200, { header, members: [] }] : [401, err(16, 'etcdserver: invalid auth token')];
    });
    const tokens = new TokenCache();
    const root = { user: 'root', password: 'pw' };
    const a = new EtcdClient({ endpoints: ['http://a:2379'], credentials: root, fetch, tokens });
    const b = new EtcdClient({ endpoints: ['http://b:2379', 'http://a:2379'], credentials: { ...root }, fetch, tokens });
    await Promise.all([a.memberList(), b.memberList()]);
    await b.put('k', 'v');
    expect(passwords).toEqual(['pw']);
    // Other credentials authenticate for themselves.
    await new EtcdClient({ endpoints: ['http://a:2379'], credentials: { user: 'root', password: 'old' }, fetch, tokens }).memberList();
    expect(passwords).toEqual(['pw', 'old']);
    valid = 'tok2';
    await a.memberList();
    expect(passwords).toEqual(['pw', 'old', 'pw']);
    await b.memberList(); // refused once, then the token a fetched
    await new EtcdClient({ endpoints: ['http://c:2379'], credentials: root, fetch, tokens }).memberList();
    expect(passwords).toEqual(['pw', 'old', 'pw']);
  });

  it('forgets a shared authentication that failed', async () => {
    let up = false;
    const { fetch, seen } = fakeFetch((url) => {
      if (!up) return refused();
      return url.endsWith('/v3/auth/authenticate') ? [200, { header, token: 't' }] : [200, { header, members: [] }];
    });
    const tokens = new TokenCache();
    const root = { user: 'root', password: 'pw' };
    await expect(new EtcdClient({ endpoints: ['http://a:2379'], credentials: root, fetch, tokens }).memberList()).rejects.toBeInstanceOf(EtcdUnreachableError);
    up = true;
    await new EtcdClient({ endpoints: ['http://a:2379'], credentials: root, fetch, tokens }).memberList();
    expect(seen.filter((s) => s.url.endsWith('/authenticate'))).toHaveLength(2);
  });

  it('proceeds without a token when auth is off', async () => {
    const { fetch, seen } = fakeFetch((url) =>
      url.endsWith('/authenticate') ? [400, err(9, 'etcdserver: authentication is not enabled')] : [200, { header }],
    );
    const client = new EtcdClient({ endpoints: ['http://a:2379'], credentials: { user: 'root', password: 'pw' }, fetch });
    await client.put('k', 'v');
    await client.put('k', 'v');
    expect(seen.map((s) => [s.url.replace('http://a:2379', ''), s.headers['authorization']])).toEqual([
      ['/v3/auth/authenticate', undefined],
      ['/v3/kv/put', undefined],
      ['/v3/kv/put', undefined],
    ]);
  });

  it('sends move-leader to the leader, found through status and the member list', async () => {
    const { fetch, seen } = fakeFetch((url) => {
      if (url === 'http://a:2379/v3/maintenance/status') return [200, { header: { member_id: '1' }, leader: '2', version: '3.5.16' }];
      if (url.endsWith('/member/list')) return [200, { members: [{ ID: '1', clientURLs: ['http://a:2379'] }, { ID: '2', clientURLs: ['http://b:2379'] }, { ID: '3', clientURLs: ['http://c:2379'] }] }];
      if (url === 'http://b:2379/v3/maintenance/transfer-leadership') return [200, {}];
      return [400, err(9, 'etcdserver: not leader')];
    });
    const client = new EtcdClient({ endpoints: ['http://a:2379'], fetch });
    await client.moveLeader('3');
    expect(seen.at(-1)).toMatchObject({ url: 'http://b:2379/v3/maintenance/transfer-leadership', body: '{"targetID":"3"}' });
    seen.length = 0;
    await client.moveLeader('2'); // already the leader
    expect(seen.map((s) => s.url)).toEqual(['http://a:2379/v3/maintenance/status', 'http://a:2379/v3/cluster/member/list']);
  });

  it('reports a timeout as unreachable with timedOut set', async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const client = new EtcdClient({ endpoints: ['http://a:2379'], fetch, timeoutMs: 20 });
    const error = await client.status('http://a:2379').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdUnreachableError);
    expect((error as EtcdUnreachableError).timedOut).toBe(true);
  });
});

describe('prefixRangeEnd', () => {
  it('increments the last byte of the UTF-8 prefix', () => {
    expect(prefixRangeEnd('data/').toString()).toBe('data0');
    expect([...prefixRangeEnd('a\u00ff')]).toEqual([0x61, 0xc3, 0xc0]);
  });
});
