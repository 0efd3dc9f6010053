import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkClientLeaf } from '../../../src/clients/leaf.js';
import { permissionChanges, planClientUsers, type ClientUsersPlan, type ResolvedRequest } from '../../../src/clients/plan.js';
import { addCertificateUser, addRole, deleteRole, deleteUser, grantPrefix, grantRole, revokePrefix, roleList, rolePrefixes, userList } from '../../../src/etcd/auth-admin.js';
import type { EtcdClient } from '../../../src/etcd/client.js';
import { renderBundle } from '../../../src/tls/trust-bundle.js';
import { createCsr, generatePrivateKey } from '../../../src/tls/x509.js';
import { etcdBinDir, pinnedEtcd } from '../../support/etcd-binaries.js';
import { createTestCa, type TestCa } from '../../support/test-ca.js';
import { charmCluster, clusterClient } from './etcd-cluster.js';
import { stopMember, startMember, waitHealthy, type RunningMember } from './etcd-process.js';
import { clientFetch, issueMaterial, tlsConfig, type KindMaterial } from './tls-material.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * etcd-client at the etcd level, as the leader carries out its plan
 * (src/clients/plan.ts): a user and role per client certificate CN, with no
 * password and readwrite on the requested prefix; the client's leaf (not its
 * CA) added to the member's client trust bundle. The client then is who its
 * certificate says, over gRPC (upstream etcdctl, no user or password).
 */

const version = pinnedEtcd();
let subnet: string;
let root: string;
let etcdCa: TestCa;
let clientsCa: TestCa;

beforeAll(async () => {
  ({ subnet, root } = claimEtcdPlace('etcd-clients-'));
  etcdCa = await createTestCa('etcd');
  clientsCa = await createTestCa('requirer-ca');
});

afterAll(releaseEtcdPlace);

interface Requirer {
  readonly cn: string;
  readonly dir: string;
  readonly cert: string;
  readonly key: string;
}

async function requirer(cn: string): Promise<Requirer> {
  const dir = path.join(root, 'clients', cn);
  mkdirSync(dir, { recursive: true });
  const key = await generatePrivateKey();
  const { certificate } = await clientsCa.issue(await createCsr({ commonName: cn, sansIp: [], sansDns: [] }, key));
  writeFileSync(path.join(dir, 'cert.pem'), certificate);
  writeFileSync(path.join(dir, 'key.pem'), key, { mode: 0o600 });
  return { cn, dir, cert: certificate, key };
}

const run = promisify(execFile);

/** Upstream etcdctl as the requirer: its certificate and key, etcd's client CA, no user. */
async function asRequirer(r: Requirer, member: RunningMember, caFile: string, ...args: string[]): Promise<string> {
  const etcdctl = path.join(etcdBinDir(version), 'etcdctl');
  const flags = [`--endpoints=${member.clientUrl}`, `--cacert=${caFile}`, `--cert=${path.join(r.dir, 'cert.pem')}`, `--key=${path.join(r.dir, 'key.pem')}`, '--dial-timeout=3s', '--command-timeout=5s'];
  try {
    const { stdout } = await run(etcdctl, [...args, ...flags]);
    return stdout.trim();
  } catch (error) {
    return `ERROR ${String((error as { stderr?: string }).stderr ?? error).trim()}`;
  }
}

/** The leader's apply step, as the charm will run it. */
async function applyPlan(admin: EtcdClient, plan: ClientUsersPlan): Promise<void> {
  for (const gone of plan.remove) {
    await deleteRole(admin, gone.commonName);
    await deleteUser(admin, gone.commonName);
  }
  const users = await userList(admin);
  const roles = await roleList(admin);
  for (const user of plan.keep) {
    const changes = permissionChanges(user, { users, rolePrefixes: { [user.commonName]: roles.includes(user.commonName) ? await rolePrefixes(admin, user.commonName) : [] } });
    if (changes.create) await addCertificateUser(admin, user.commonName);
    await addRole(admin, user.commonName);
    await grantRole(admin, user.commonName, user.commonName);
    for (const prefix of changes.revoke) await revokePrefix(admin, user.commonName, prefix);
    if (changes.grant) await grantPrefix(admin, user.commonName, user.prefix);
  }
}

describe(`etcd ${version}: client users by certificate`, () => {
  it('lets each requirer write inside its prefix only, follows a CN change, and forgets a removed requirer', async () => {
    const ip = `${subnet}.1`;
    const base = path.join(root, 'cluster');
    const credentials = { user: 'root', password: 'clients-secret' };
    const { members } = await charmCluster({ version, root: base, ips: [ip], credentials });
    const member = members[0]!;
    const own: KindMaterial = await issueMaterial(etcdCa, 'client', path.dirname(member.configFile), 0, ip);
    const alpha = await requirer('alpha.requirer');
    const beta = await requirer('beta.requirer');

    /** Client TLS on with this trust bundle (etcd's CA, then the requirers' leaves), as a restart applies it. */
    const restartTrusting = async (leaves: readonly string[]): Promise<EtcdClient> => {
      writeFileSync(own.files.trustedCaFile, renderBundle([own.ca, ...leaves]));
      await stopMember(member);
      member.input = { ...member.input, tls: tlsConfig(undefined, own) };
      member.clientUrl = `https://${ip}:2379`;
      member.fetch = clientFetch(own);
      startMember(member, version);
      await waitHealthy(member);
      return clusterClient([member], credentials);
    };

    const resolve = (key: string, r: Requirer, prefix: string): ResolvedRequest => ({
      request: { key, relationId: Number(key.split('-')[0]), protocol: 'v0', prefix, certificate: { inline: r.cert } },
      leaf: checkClientLeaf(r.cert),
    });
    let tlsAdmin = await restartTrusting([]);
    let plan = planClientUsers([resolve('5', alpha, '/alpha/'), resolve('6', beta, '/beta/')], {}, { users: await userList(tlsAdmin), rolePrefixes: {} });
    expect(plan.problems.size).toBe(0);
    await applyPlan(tlsAdmin, plan);
    tlsAdmin = await restartTrusting(plan.keep.map((u) => u.leaf));
    expect([...(await userList(tlsAdmin))].sort()).toEqual(['alpha.requirer', 'beta.requirer', 'root']);

    const caFile = own.files.trustedCaFile;
    expect(await asRequirer(alpha, member, caFile, 'put', '/alpha/k', 'a')).toBe('OK');
    expect(await asRequirer(alpha, member, caFile, 'get', '/alpha/k', '--print-value-only')).toBe('a');
    expect(await asRequirer(alpha, member, caFile, 'put', '/beta/k', 'a')).toMatch(/permission denied/);
    expect(await asRequirer(beta, member, caFile, 'put', '/beta/k', 'b')).toBe('OK');
    expect(await asRequirer(beta, member, caFile, 'get', '/alpha/', '--prefix')).toMatch(/permission denied/);
    expect(await asRequirer(alpha, member, caFile, 'user', 'list')).toMatch(/permission denied/);

    // alpha's certificate is replaced by one with another CN: the old user and role go, the new ones come.
    const alpha2 = await requirer('alpha2.requirer');
    plan = planClientUsers([resolve('5', alpha2, '/alpha/'), resolve('6', beta, '/beta/')], plan.managed, { users: await userList(tlsAdmin), rolePrefixes: {} });
    await applyPlan(tlsAdmin, plan);
    tlsAdmin = await restartTrusting(plan.keep.map((u) => u.leaf));
    expect(await asRequirer(alpha2, member, caFile, 'get', '/alpha/k', '--print-value-only')).toBe('a');
    expect(await asRequirer(alpha, member, caFile, 'get', '/alpha/k')).toMatch(/unknown certificate|bad certificate|certificate required|deadline exceeded|permission denied/);

    // beta's relation is removed: its user and role are gone from etcd, and its certificate is no longer trusted.
    plan = planClientUsers([resolve('5', alpha2, '/alpha/')], plan.managed, { users: await userList(tlsAdmin), rolePrefixes: {} });
    await applyPlan(tlsAdmin, plan);
    tlsAdmin = await restartTrusting(plan.keep.map((u) => u.leaf));
    expect([...(await userList(tlsAdmin))].sort()).toEqual(['alpha2.requirer', 'root']);
    // (etcd's built-in root role is not in `role list`.)
    expect(await roleList(tlsAdmin)).toEqual(['alpha2.requirer']);
    expect(await asRequirer(beta, member, caFile, 'get', '/beta/k')).toMatch(/^ERROR /);
    expect(await asRequirer(alpha2, member, caFile, 'get', '/beta/k', '--print-value-only')).toMatch(/permission denied/);
  });
});
