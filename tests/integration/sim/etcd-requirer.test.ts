/**
 * The etcd-client requirer test charm (tests/charms/etcd-client.ts) against
 * charmed-etcd in the simulator: what it publishes in DPL v0's and v1's
 * shapes, the client leaf in a secret granted to the relation, a renewal as a
 * new revision of the same secret, a CA sent on purpose, a request dropped.
 * The provider's side is not asserted here; only the requirer's protocol.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SecretModel } from '../../../lib/juju/testing/fake-juju/model.js';
import { parseCertificate, publicKeyOfPrivateKey } from '../../../src/tls/x509.js';
import { buildTestCharm } from '../../charms/build.js';
import { loadState } from '../../sim/controller/state.js';
import { useSimModel } from '../../sim/testing.js';
import { createTestCa } from '../../support/test-ca.js';
import { jujuExec, type ExecContext } from '../support/juju-exec.js';

const model = useSimModel({ units: 1 });
const REQ = 'etcd-requirer';
const ETCD = 'charmed-etcd';

async function ok(pending: Promise<{ exitCode: number; stderr: string; stdout: string }>): Promise<string> {
  const r = await pending;
  if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
}

async function configure(...pairs: string[]): Promise<void> {
  await ok(model().sim('config', '--app', REQ, ...pairs));
  await model().wait();
}

/** `published` on the leader: both app bags of the relation. */
async function published(): Promise<{ relation: string; requirer: Record<string, string>; provider: Record<string, string> }> {
  const out = await ok(model().sim('run', `${REQ}/leader`, 'published', '--format', 'json'));
  const results = (JSON.parse(out) as { results: Record<string, string> }).results;
  return { relation: results['relation'] ?? '', requirer: JSON.parse(results['requirer'] ?? '{}'), provider: JSON.parse(results['provider'] ?? '{}') };
}

/** The requirer's secret behind `uri`, as the model holds it (what `juju show-secret --reveal` shows). */
function secret(uri: string): SecretModel {
  const state = loadState(model().home);
  const found = state?.model.secrets.find((s) => `secret:${s.id}` === uri);
  if (found === undefined) throw new Error(`no secret ${uri}`);
  return found;
}

const mtlsCert = (uri: string): string => secret(uri).revisions.at(-1)?.content['mtls-cert'] ?? '';
const relationNumber = (idString: string): number => Number(idString.split(':')[1]);

interface Request {
  resource: string;
  'request-id': string;
  salt: string;
  'secret-mtls': string;
}

const status = async (): Promise<string> => {
  const unit = (await model().status()).applications[REQ]?.units[`${REQ}/0`];
  return `${unit?.['workload-status']}: ${unit?.message}`;
};

describe('the etcd-client requirer test charm', () => {
  it('v0: one prefix and a client leaf in a secret granted to the relation', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'etcd-requirer-'));
    await ok(model().sim('deploy', await buildTestCharm(REQ, path.join(dir, REQ)), REQ, '--config', 'data-interfaces-version=0', '--config', 'requests=client-a=/a/'));
    await model().wait();
    expect(await status()).toBe('waiting: no etcd-client relation');
    await ok(model().sim('integrate', REQ, `${ETCD}:etcd-client`));
    await model().wait();
    // charmed-etcd here runs without client TLS, so it does not answer: the requirer waits.
    expect(await status()).toBe('waiting: waiting for etcd');

    const bag = await published();
    expect(Object.keys(bag.requirer).sort()).toEqual(['prefix', 'provided-secrets', 'requested-secrets', 'secret-mtls']);
    expect(bag.requirer['prefix']).toBe('/a/');
    expect(JSON.parse(bag.requirer['requested-secrets'] ?? '')).toEqual(['username', 'password', 'tls', 'tls-ca', 'uris']);
    expect(JSON.parse(bag.requirer['provided-secrets'] ?? '')).toEqual(['mtls-cert']);
    const s = secret(bag.requirer['secret-mtls'] ?? '');
    expect(s.owner).toEqual({ kind: 'application', name: REQ });
    expect(s.label).toBe(`etcd-client.${relationNumber(bag.relation)}.mtls.secret`);
    expect(s.grants).toContainEqual({ scope: 'application', subject: ETCD, relationId: relationNumber(bag.relation) });
    const leaf = parseCertificate(mtlsCert(bag.requirer['secret-mtls'] ?? ''));
    expect(leaf).toMatchObject({ commonName: 'client-a', isCa: false, hasBasicConstraints: true, signsCertificates: false });
    expect(leaf.issuer).toBe(`CN=${REQ}-ca`);
  });

  it('v1: a request per CN with its request-id, salt and own mtls secret; idempotent', async () => {
    await configure('data-interfaces-version=1', 'requests=client-b1=/b1/,client-b2=/b2/');
    const bag = await published();
    expect(Object.keys(bag.requirer).sort()).toEqual(['requests', 'version']);
    expect(bag.requirer['version']).toBe('v1');
    const requests = JSON.parse(bag.requirer['requests'] ?? '[]') as Request[];
    expect(requests.map((r) => r.resource)).toEqual(['/b1/', '/b2/']);
    for (const [i, r] of requests.entries()) {
      expect(r.salt).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(r['request-id']).toBe(createHash('sha256').update(`${r.resource}:${r.salt}`).digest('hex').slice(0, 16));
      const s = secret(r['secret-mtls']);
      expect(s.label).toBe(`etcd-client.${relationNumber(bag.relation)}.${r['request-id']}.mtls.secret`);
      expect(s.grants).toContainEqual({ scope: 'application', subject: ETCD, relationId: relationNumber(bag.relation) });
      expect(parseCertificate(mtlsCert(r['secret-mtls']))).toMatchObject({ commonName: `client-b${i + 1}`, isCa: false, hasBasicConstraints: true });
    }
    expect(new Set(requests.map((r) => r['secret-mtls'])).size).toBe(2);

    // The same inputs again: no new revision, the same bag.
    const revisions = requests.map((r) => secret(r['secret-mtls']).revisions.length);
    await ok(model().sim('update-status', `${REQ}/0`));
    await model().wait();
    expect((await published()).requirer).toEqual(bag.requirer);
    expect(requests.map((r) => secret(r['secret-mtls']).revisions.length)).toEqual(revisions);
  });

  it('a new certificate-generation is a new revision of the same secret: same CN, new key', async () => {
    const before = JSON.parse((await published()).requirer['requests'] ?? '[]') as Request[];
    const [first] = before;
    const uri = first?.['secret-mtls'] ?? '';
    const old = parseCertificate(mtlsCert(uri));
    const revisions = secret(uri).revisions.length;
    await configure('certificate-generation=1');
    const after = JSON.parse((await published()).requirer['requests'] ?? '[]') as Request[];
    expect(after).toEqual(before);
    expect(secret(uri).revisions.length).toBe(revisions + 1);
    const renewed = parseCertificate(mtlsCert(uri));
    expect(renewed.commonName).toBe(old.commonName);
    expect(renewed.publicKey).not.toBe(old.publicKey);
  });

  it('send-ca sends the requirer CA instead of a leaf', async () => {
    await configure('send-ca=true');
    const requests = JSON.parse((await published()).requirer['requests'] ?? '[]') as Request[];
    for (const r of requests) expect(parseCertificate(mtlsCert(r['secret-mtls']))).toMatchObject({ commonName: `${REQ}-ca`, isCa: true, signsCertificates: true });
    await configure('send-ca=false');
    for (const r of requests) expect(parseCertificate(mtlsCert(r['secret-mtls'])).isCa).toBe(false);
  });

  it('a request removed from the config leaves the databag; the others keep their ids', async () => {
    const before = JSON.parse((await published()).requirer['requests'] ?? '[]') as Request[];
    await configure('requests=client-b1=/b1/');
    const after = JSON.parse((await published()).requirer['requests'] ?? '[]') as Request[];
    expect(after).toEqual(before.slice(0, 1));
    expect(await status()).toBe('waiting: waiting for etcd');
  });

  it('reads an answer (written here for charmed-etcd, which without client TLS does not answer): status, credentials, secret-changed', async () => {
    const before = JSON.parse((await published()).requirer['requests'] ?? '[]') as Request[];
    await configure('requests=client-b1=/b1/,client-b2=/b2/');
    const { relation, requirer } = await published();
    const requests = JSON.parse(requirer['requests'] ?? '[]') as Request[];
    // A request added back keeps its salt, so its id and secret.
    expect(requests[0]).toEqual(before[0]);
    const [b1] = requests;
    if (b1 === undefined) throw new Error('no request for client-b1');
    const serverCa = (await createTestCa('etcd-server-ca')).certificatePem;
    const tool = async (ctx: ExecContext, name: string, ...args: string[]): Promise<string> => {
      const r = await ctx.tool(name, args);
      if (r.exitCode !== 0) throw new Error(`${name}: ${r.stderr}`);
      return r.stdout.trim();
    };
    // The provider's v1 answer for client-b1 only, in the shapes of spec §1.4.
    const userUri = await jujuExec(model(), `${ETCD}/0`, async (ctx) => {
      const user = await tool(ctx, 'secret-add', 'username=client-b1', 'uris=https://10.0.0.1:2379');
      const tls = await tool(ctx, 'secret-add', `tls-ca=${serverCa}`);
      for (const uri of [user, tls]) await tool(ctx, 'secret-grant', uri, '-r', relation);
      const response = { 'request-id': b1['request-id'], resource: b1.resource, salt: b1.salt, endpoints: '10.0.0.1:2379', 'secret-user': user, 'secret-tls': tls, version: '3.6.13' };
      await tool(ctx, 'relation-set', '-r', relation, '--app', 'version=v1', `requests=${JSON.stringify([response])}`);
      return user;
    });
    await model().wait();
    expect(await status()).toBe('active: ready: 1/2');

    const dir = mkdtempSync(path.join(tmpdir(), 'etcd-creds-'));
    const credentials = async (): Promise<Record<string, Record<string, string>>> => {
      const out = await ok(model().sim('run', `${REQ}/leader`, 'credentials', `dir=${dir}`, '--format', 'json'));
      expect(out).not.toContain('PRIVATE KEY');
      return JSON.parse((JSON.parse(out) as { results: { credentials: string } }).results.credentials);
    };
    expect(await credentials()).toEqual({ 'client-b1': { username: 'client-b1', uris: 'https://10.0.0.1:2379', endpoints: '10.0.0.1:2379', version: '3.6.13', prefix: '/b1/' } });
    const file = (name: string): string => path.join(dir, 'client-b1', name);
    for (const name of ['cert.pem', 'key.pem', 'ca.pem']) expect(statSync(file(name)).mode & 0o777).toBe(0o600);
    const cert = parseCertificate(readFileSync(file('cert.pem'), 'utf8'));
    expect(cert.commonName).toBe('client-b1');
    expect(cert.publicKey.trim()).toBe(publicKeyOfPrivateKey(readFileSync(file('key.pem'), 'utf8')));
    expect(readFileSync(file('ca.pem'), 'utf8')).toBe(serverCa);

    // A new revision of the user secret reaches the requirer (secret-changed, secret-get --refresh).
    await jujuExec(model(), `${ETCD}/0`, (ctx) => tool(ctx, 'secret-set', userUri, 'username=client-b1', 'uris=https://10.0.0.2:2379'));
    await model().wait();
    expect((await credentials())['client-b1']?.['uris']).toBe('https://10.0.0.2:2379');
    const hooks = model().hookRecords().filter((r) => r.unit === `${REQ}/0`);
    expect(hooks.map((r) => r.event)).toContain('secret-changed');
    expect(hooks.filter((r) => r.exitCode !== 0)).toEqual([]);
  });
});
