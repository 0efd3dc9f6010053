/**
 * Certificates for etcd-level TLS tests, made the way a charm unit makes
 * them: its own RSA key, a CSR with Canonical's subject and SANs
 * (src/tls/request.ts), signed by a test CA standing in for the provider.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EtcdTls, TlsFiles } from '../../../src/etcd/config.js';
import type { FetchLike } from '../../../src/etcd/gateway.js';
import { gatewayOverGrpc } from '../../../src/etcd/grpc/gateway-over-grpc.js';
import { certificateRequestFor, type TlsKind } from '../../../src/tls/request.js';
import { createCsr, generatePrivateKey } from '../../../src/tls/x509.js';
import type { TestCa } from '../../support/test-ca.js';

export interface KindMaterial {
  readonly files: TlsFiles;
  readonly key: string;
  readonly certificate: string;
  readonly ca: string;
}

/**
 * Issues `kind` material for unit `n` at `ip` into `dir` (mode 0600 key).
 *
 * 127.0.0.1 is an extra SAN because every member here shares the loopback
 * interface, so the kernel sends their connections from 127.0.0.1, and etcd
 * checks a dialing peer's certificate against the connection's source address
 * ("rejected connection on peer endpoint ... tls: "127.0.0.1" does not match
 * any of DNSNames", seen on 3.6.13). On a machine of its own a unit's
 * connections leave from its own IP, which is already a SAN; an operator in
 * the same spot would set `certificate-extra-sans`, which is what this is.
 */
export async function issueMaterial(ca: TestCa, kind: TlsKind, dir: string, n: number, ip: string): Promise<KindMaterial> {
  const key = await generatePrivateKey();
  const request = certificateRequestFor(kind, { unitName: `etcd/${n}`, unitNumber: n, modelUuid: 'f00d', ip, hostname: `machine-${n}` }, { ips: ['127.0.0.1'], dns: [] });
  const issued = await ca.issue(await createCsr(request, key));
  const files: TlsFiles = { certFile: path.join(dir, `${kind}.pem`), keyFile: path.join(dir, `${kind}.key`), trustedCaFile: path.join(dir, `${kind}_ca.pem`) };
  writeFileSync(files.keyFile, key, { mode: 0o600 });
  writeFileSync(files.certFile, issued.certificate);
  writeFileSync(files.trustedCaFile, issued.ca);
  return { files, key, certificate: issued.certificate, ca: issued.ca };
}

/** How a test's client reaches members with client TLS on, as the charm's does: gRPC with this member's client certificate. */
export const clientFetch = (m: KindMaterial): FetchLike => gatewayOverGrpc({ ca: m.ca, cert: m.certificate, key: m.key });

export const tlsConfig = (peer: KindMaterial | undefined, client: KindMaterial | undefined): EtcdTls => ({
  ...(peer ? { peer: peer.files } : {}),
  ...(client ? { client: client.files } : {}),
});
