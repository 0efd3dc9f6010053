import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tlsFetch } from '../../../src/etcd/tls-fetch.js';
import { createCsr, generatePrivateKey } from '../../../src/tls/x509.js';
import { pinnedEtcd } from '../../support/etcd-binaries.js';
import { createTestCa } from '../../support/test-ca.js';
import { initialMember, prepareMember, startMember, stopMember, waitHealthy } from './etcd-process.js';
import { clientFetch, issueMaterial, tlsConfig } from './tls-material.js';
import { claimEtcdPlace, releaseEtcdPlace } from './etcd-place.js';

/*
 * What etcd reads when, which decides how many restarts TLS changes cost:
 * the certificate and key files again at every handshake (a renewal needs no
 * restart), the trust bundle only at start (a new CA needs one).
 */

const version = pinnedEtcd();
let subnet: string;
let root: string;

beforeAll(() => ({ subnet, root } = claimEtcdPlace('etcd-tls-reload-')));
afterAll(releaseEtcdPlace);

describe(`etcd ${version} and changed TLS files`, () => {
  it('serves a renewed certificate without a restart, and trusts a new CA only after one', async () => {
    const ip = `${subnet}.1`;
    const dir = path.join(root, 'etcd0');
    mkdirSync(dir, { recursive: true });
    const ca = await createTestCa('etcd');
    const client = await issueMaterial(ca, 'client', dir, 0, ip);
    const member = prepareMember({ version, root, unitNumber: 0, ip, initialCluster: [initialMember('etcd', 0, ip)], initialClusterState: 'new', tls: { config: tlsConfig(undefined, client), fetch: clientFetch(client) } });
    startMember(member, version);
    await waitHealthy(member);

    const servedSerial = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: ip, port: 2379, ca: client.ca, cert: client.certificate, key: client.key }, () => {
          resolve(socket.getPeerCertificate().serialNumber);
          socket.end();
        });
        socket.on('error', reject);
      });
    const health = async (cert: string, key: string): Promise<string> => {
      try {
        return `HTTP ${(await tlsFetch({ ca: client.ca, cert, key })(`${member.clientUrl}/health`, { method: 'GET', signal: AbortSignal.timeout(5000) })).status}`;
      } catch (error) {
        return String((error as Error).message);
      }
    };

    // Renewal: same CA, same key, a new certificate written over the old one.
    const before = await servedSerial();
    const renewal = await ca.issue(await createCsr({ commonName: 'etcd/0-f00d', organization: 'client', sansIp: [ip, '127.0.0.1'], sansDns: [] }, client.key));
    writeFileSync(client.files.certFile, renewal.certificate);
    const after = await servedSerial();
    expect(after).not.toBe(before);
    expect(await health(client.certificate, client.key)).toBe('HTTP 200');

    // A client certificate from a new CA: refused until the bundle holds the CA and etcd restarted.
    const next = await createTestCa('etcd-next');
    const key = await generatePrivateKey();
    const fromNext = await next.issue(await createCsr({ commonName: 'etcd/9-f00d', organization: 'client', sansIp: [], sansDns: [] }, key));
    expect(await health(fromNext.certificate, key)).toMatch(/unknown ca/);
    writeFileSync(client.files.trustedCaFile, client.ca + next.certificatePem);
    expect(await health(fromNext.certificate, key)).toMatch(/unknown ca/);
    await stopMember(member);
    startMember(member, version);
    await waitHealthy(member);
    expect(await health(fromNext.certificate, key)).toBe('HTTP 200');
  });
});
