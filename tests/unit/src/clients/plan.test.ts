import { beforeAll, describe, expect, it } from 'vitest';
import { checkClientLeaf } from '../../../../src/clients/leaf.js';
import { CLIENT_STATUS, permissionChanges, planClientUsers, type ResolvedRequest } from '../../../../src/clients/plan.js';
import type { ClientRequest } from '../../../../src/clients/requests.js';
import { createCsr, generatePrivateKey } from '../../../../src/tls/x509.js';
import { createTestCa, type TestCa } from '../../../support/test-ca.js';

let ca: TestCa;
let key: string;
const leafFor = async (cn: string, options: { basicConstraints?: boolean } = {}) => (await ca.issue(await createCsr({ commonName: cn, sansIp: [], sansDns: [] }, key), options)).certificate;
const request = (key: string, relationId: number, prefix = `/${key}/`): ClientRequest => ({ key, relationId, protocol: 'v0', prefix, certificate: { secret: `secret:${key}` } });
const resolved = async (key: string, relationId: number, cn: string, prefix?: string): Promise<ResolvedRequest> => ({ request: request(key, relationId, prefix ?? `/${cn}/`), leaf: checkClientLeaf(await leafFor(cn)) });
const noUsers = { users: ['root'], rolePrefixes: { root: [] } };

beforeAll(async () => {
  ca = await createTestCa('client-ca');
  key = await generatePrivateKey();
});

describe('checkClientLeaf', () => {
  it('takes the CN of the first PEM block of a chain', async () => {
    const check = checkClientLeaf((await leafFor('client1.requirer')) + ca.certificatePem);
    expect(check).toMatchObject({ ok: true, commonName: 'client1.requirer' });
  });

  it('refuses a CA certificate, and a leaf with no BasicConstraints at all, as Canonical does', async () => {
    expect(checkClientLeaf(ca.certificatePem)).toMatchObject({ ok: false, problem: 'ca' });
    expect(checkClientLeaf(await leafFor('x', { basicConstraints: false }))).toMatchObject({ ok: false, problem: 'ca' });
  });

  it('refuses nothing, or text that is no certificate, as missing', () => {
    expect(checkClientLeaf(undefined)).toMatchObject({ ok: false, problem: 'missing' });
    expect(checkClientLeaf('hello')).toMatchObject({ ok: false, problem: 'missing' });
  });
});

describe('planClientUsers', () => {
  it('creates user and role = CN for each valid request and records them in managed_users', async () => {
    const plan = planClientUsers([await resolved('5', 5, 'alpha'), await resolved('6-r1', 6, 'beta')], {}, noUsers);
    expect(plan.keep.map((u) => [u.key, u.commonName, u.prefix])).toEqual([
      ['5', 'alpha', '/alpha/'],
      ['6-r1', 'beta', '/beta/'],
    ]);
    expect(plan.managed).toEqual({ '5': 'alpha', '6-r1': 'beta' });
    expect(plan.remove).toEqual([]);
    expect(plan.problems.size).toBe(0);
  });

  it('serialises managed_users the same way once a newcomer becomes an incumbent (no rewrite of the same content)', async () => {
    const first = planClientUsers([await resolved('9-r1', 9, 'alpha'), await resolved('10-r2', 10, 'beta')], { '9-r1': 'alpha' }, noUsers);
    const next = planClientUsers([await resolved('9-r1', 9, 'alpha'), await resolved('10-r2', 10, 'beta')], first.managed, { users: ['root', 'alpha', 'beta'], rolePrefixes: {} });
    expect(next.managed).toEqual(first.managed);
    expect(JSON.stringify(next.managed)).toBe(JSON.stringify(first.managed));
  });

  it('gives each relation its blocked text: missing prefix or certificate, a CA certificate', async () => {
    const plan = planClientUsers(
      [
        { request: { ...request('5', 5), prefix: undefined }, leaf: checkClientLeaf(await leafFor('a')) },
        { request: request('6', 6), leaf: undefined },
        { request: request('7', 7), leaf: checkClientLeaf(ca.certificatePem) },
      ],
      {},
      noUsers,
    );
    expect([...plan.problems]).toEqual([
      [5, CLIENT_STATUS.missing],
      [6, CLIENT_STATUS.missing],
      [7, CLIENT_STATUS.caCertificate],
    ]);
    expect(plan.keep).toEqual([]);
  });

  it('never hands out root, a user the charm does not manage, or a CN another request holds', async () => {
    const plan = planClientUsers(
      [await resolved('5', 5, 'root'), await resolved('6', 6, 'operator-made'), await resolved('7', 7, 'shared'), await resolved('8', 8, 'shared')],
      { '8': 'shared' },
      { users: ['root', 'operator-made', 'shared'], rolePrefixes: {} },
    );
    expect(plan.keep.map((u) => u.key)).toEqual(['8']);
    expect([...plan.problems]).toEqual([
      [5, CLIENT_STATUS.usernameTaken],
      [6, CLIENT_STATUS.usernameTaken],
      [7, CLIENT_STATUS.usernameTaken],
    ]);
  });

  it('removes the old user when a certificate changes its CN, and users of requests that are gone', async () => {
    const plan = planClientUsers([await resolved('5', 5, 'alpha-renamed')], { '5': 'alpha', '9': 'gone' }, { users: ['root', 'alpha', 'gone'], rolePrefixes: {} });
    expect(plan.keep.map((u) => u.commonName)).toEqual(['alpha-renamed']);
    expect(plan.remove).toEqual([
      { key: '5', commonName: 'alpha' },
      { key: '9', commonName: 'gone' },
    ]);
    expect(plan.managed).toEqual({ '5': 'alpha-renamed' });
  });

  it('keeps a user whose request is temporarily unusable out of the managed map, so it is removed', async () => {
    const plan = planClientUsers([{ request: request('5', 5), leaf: undefined }], { '5': 'alpha' }, { users: ['root', 'alpha'], rolePrefixes: {} });
    expect(plan.remove).toEqual([{ key: '5', commonName: 'alpha' }]);
  });
});

describe('permissionChanges', () => {
  it('creates a missing user, grants a missing prefix and revokes any other', () => {
    const user = { key: '5', relationId: 5, commonName: 'alpha', prefix: '/alpha/', leaf: '' };
    expect(permissionChanges(user, { users: ['root'], rolePrefixes: {} })).toEqual({ create: true, grant: true, revoke: [] });
    expect(permissionChanges(user, { users: ['root', 'alpha'], rolePrefixes: { alpha: ['/alpha/'] } })).toEqual({ create: false, grant: false, revoke: [] });
    expect(permissionChanges(user, { users: ['root', 'alpha'], rolePrefixes: { alpha: ['/old/'] } })).toEqual({ create: false, grant: true, revoke: ['/old/'] });
  });
});
