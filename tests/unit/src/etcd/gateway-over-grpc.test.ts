import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../../src/etcd/client.js';
import { EtcdPermissionDeniedError } from '../../../../src/etcd/errors/permission-denied-error.js';
import { EtcdUnreachableError } from '../../../../src/etcd/errors/unreachable-error.js';
import { gatewayOverGrpc } from '../../../../src/etcd/grpc/gateway-over-grpc.js';
import { ETCD_RPC_PROTO } from '../../../../src/etcd/grpc/rpc-schema.js';
import { createCsr, generatePrivateKey } from '../../../../src/tls/x509.js';
import { createTestCa } from '../../../support/test-ca.js';

/*
 * The gRPC transport against an in-process gRPC server speaking etcd's
 * service names over mutual TLS: requests arrive as etcd would decode them,
 * answers and errors come back as the JSON gateway would give them. The real
 * etcd runs in tests/integration/etcd/tls-switch.test.ts.
 */

const root = protobuf.parse(ETCD_RPC_PROTO, { keepCase: true }).root;
const type = (name: string): protobuf.Type => root.lookupType(`etcdserverpb.${name}`);
const seen: { method: string; body: Record<string, unknown>; token: string | undefined }[] = [];
let server: grpc.Server;
let port: number;
let material: { ca: string; cert: string; key: string };

function unary(method: string, request: string, response: string, answer: (body: Record<string, unknown>) => Record<string, unknown> | grpc.ServiceError) {
  return {
    path: `/etcdserverpb.${method}`,
    requestStream: false,
    responseStream: false,
    requestDeserialize: (b: Buffer) => type(request).toObject(type(request).decode(b), { longs: String, bytes: String }),
    requestSerialize: () => Buffer.alloc(0),
    responseSerialize: (v: unknown) => Buffer.from(type(response).encode(type(response).fromObject(v as Record<string, unknown>)).finish()),
    responseDeserialize: () => ({}),
    handler: (call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      seen.push({ method, body: call.request, token: call.metadata.get('token')[0]?.toString() });
      const out = answer(call.request);
      if ('code' in out && typeof out.code === 'number' && 'details' in out) callback(out as grpc.ServiceError);
      else callback(null, out);
    },
  };
}

beforeAll(async () => {
  const ca = await createTestCa('etcd');
  const serverKey = await generatePrivateKey();
  const serverCert = await ca.issue(await createCsr({ commonName: 'etcd/0-u', sansIp: ['127.0.0.1'], sansDns: [] }, serverKey));
  const clientKey = await generatePrivateKey();
  const clientCert = await ca.issue(await createCsr({ commonName: 'charmed-etcd/1-u', organization: 'client', sansIp: [], sansDns: [] }, clientKey));
  material = { ca: ca.certificatePem, cert: clientCert.certificate, key: clientKey };
  server = new grpc.Server();
  const services = [
    unary('KV/Range', 'RangeRequest', 'RangeResponse', () => ({ header: { revision: '7', cluster_id: '42' }, kvs: [{ key: 'YQ==', value: 'MQ==', create_revision: '5', mod_revision: '6', version: '2' }], count: '1' })),
    unary('KV/Put', 'PutRequest', 'PutResponse', () => Object.assign(new Error('etcdserver: permission denied'), { code: grpc.status.PERMISSION_DENIED, details: 'etcdserver: permission denied', metadata: new grpc.Metadata() })),
    unary('Auth/Authenticate', 'AuthenticateRequest', 'AuthenticateResponse', () => ({ token: 'tok.1' })),
    unary('Cluster/MemberList', 'MemberListRequest', 'MembersResponse', () => ({ members: [{ ID: '12345678901234567890', name: 'etcd0', peerURLs: ['https://127.0.0.1:2380'], clientURLs: ['https://127.0.0.1:2379'] }, { ID: '2', name: 'etcd1', isLearner: true }] })),
  ];
  for (const s of services) server.register(s.path, s.handler, s.responseSerialize, s.requestDeserialize, 'unary');
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createSsl(Buffer.from(ca.certificatePem), [{ private_key: Buffer.from(serverKey), cert_chain: Buffer.from(serverCert.certificate) }], true), (e, p) => (e ? reject(e) : resolve(p))),
  );
});

afterAll(() => server.forceShutdown());

describe('gatewayOverGrpc', () => {
  it('carries a gateway request to the gRPC method, with the token and etcd field names, and answers gateway JSON', async () => {
    const client = new EtcdClient({ endpoints: [`https://127.0.0.1:${port}`], credentials: { user: 'root', password: 'pw' }, fetch: gatewayOverGrpc(material) });
    const kvs = await client.range('a');
    expect(kvs).toHaveLength(1);
    expect(kvs[0]).toMatchObject({ key: 'a', value: '1' });
    const range = seen.find((s) => s.method === 'KV/Range')!;
    expect(range.token).toBe('tok.1');
    expect(range.body['key']).toBe('YQ==');
    expect(range.body['range_end']).toBe('Yg==');
    expect(seen.find((s) => s.method === 'Auth/Authenticate')!.body).toEqual({ name: 'root', password: 'pw' });
  });

  it('keeps 64-bit member ids exact and reads learners as the gateway spells them', async () => {
    const client = new EtcdClient({ endpoints: [`https://127.0.0.1:${port}`], fetch: gatewayOverGrpc(material) });
    const members = await client.memberList();
    expect(members.map((m) => [m.name, m.id, m.isLearner])).toEqual([
      ['etcd0', BigInt('12345678901234567890').toString(16), false],
      ['etcd1', '2', true],
    ]);
  });

  it('turns a gRPC error into the typed error the gateway answer would give', async () => {
    const client = new EtcdClient({ endpoints: [`https://127.0.0.1:${port}`], fetch: gatewayOverGrpc(material) });
    const error = await client.put('k', 'v').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EtcdPermissionDeniedError);
    expect((error as EtcdPermissionDeniedError).grpcCode).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('reports a member that does not listen as unreachable', async () => {
    const client = new EtcdClient({ endpoints: ['https://127.0.0.1:9'], timeoutMs: 3000, fetch: gatewayOverGrpc(material) });
    await expect(client.memberList()).rejects.toBeInstanceOf(EtcdUnreachableError);
  });

  it('refuses a request field etcd would not know rather than drop it', async () => {
    const fetchLike = gatewayOverGrpc(material);
    await expect(fetchLike(`https://127.0.0.1:${port}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: 'YQ==', rangeEnd: 'Yg==' }) })).rejects.toThrow('fields rangeEnd are not in RangeRequest');
  });
});
