/**
 * A {@link FetchLike} that answers the JSON gateway's requests over etcd's
 * gRPC API, with a client certificate: how the charm's own client talks to
 * members once client TLS is on.
 *
 * Why not the gateway itself: with `client-cert-auth`, the gateway and auth
 * all on, etcd answers HTTP 400 "CommonName of client sending a request
 * against gateway will be ignored and not used as expected" to any /v3/
 * request whose client certificate has a Common Name (embed/serve.go,
 * accessController), and every certificate a tls-certificates provider
 * issues has one. gRPC has no such rule. Requests and answers keep the
 * gateway's JSON (protobuf's JSON mapping, proto field names), so EtcdClient
 * and its schemas do not change; `/health` and `/version`, which are not
 * gRPC, go over https.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { FetchLike, GatewayResponse } from '../gateway.js';
import { tlsFetch, type ClientTlsMaterial } from '../tls-fetch.js';
import { ETCD_RPC_PROTO, GATEWAY_ROUTES } from './rpc-schema.js';

/**
 * grpc-js always sends the target host as the TLS server name, and members are
 * addressed by IP, so node warns (DEP0123) on the hook's stderr, which Juju
 * logs as a WARNING in every hook. The certificate is still checked against
 * the IP; only that one warning is dropped.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: unknown }).code : rest[1];
  if (code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

let root: protobuf.Root | undefined;
const schema = (): protobuf.Root => (root ??= protobuf.parse(ETCD_RPC_PROTO, { keepCase: true }).root);

/** grpc-gateway's HTTP status for each gRPC code (runtime.HTTPStatusFromCode). */
const HTTP_STATUS: Readonly<Record<number, number>> = { 1: 499, 2: 500, 3: 400, 4: 504, 5: 404, 6: 409, 7: 403, 8: 429, 9: 400, 10: 409, 11: 400, 12: 501, 13: 500, 14: 503, 15: 500, 16: 401 };

/** A plain answer, not a Response: undici's classes would load undici in the hook. */
const json = (status: number, body: unknown): GatewayResponse => {
  const text = JSON.stringify(body);
  return { status, text: () => Promise.resolve(text) };
};

export function gatewayOverGrpc(material: ClientTlsMaterial): FetchLike {
  const https = tlsFetch(material);
  const credentials = grpc.credentials.createSsl(Buffer.from(material.ca), Buffer.from(material.key), Buffer.from(material.cert));
  return async (input, init) => {
    const url = new URL(input);
    const route = GATEWAY_ROUTES[url.pathname];
    if (url.protocol !== 'https:' || route === undefined) return https(input, init);
    const [service, method] = route;
    const definition = schema().lookupService(`etcdserverpb.${service}`).methods[method]!;
    const requestType = schema().lookupType(definition.requestType);
    const responseType = schema().lookupType(definition.responseType);
    const body = typeof init.body === 'string' && init.body !== '' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const unknown = Object.keys(body).filter((k) => !(k in requestType.fields));
    // protobufjs drops unknown fields silently; a misspelt range_end would turn a prefix read into a key read.
    if (unknown.length > 0) throw new TypeError(`${url.pathname}: fields ${unknown.join(', ')} are not in ${requestType.name}`);
    const message = requestType.fromObject(body);
    const metadata = new grpc.Metadata();
    const token = (init.headers as Record<string, string> | undefined)?.['authorization'];
    if (token) metadata.set('token', token);
    // One channel per call: a hook is short, and an open channel would keep the hook's process alive.
    const client = new grpc.Client(`${url.hostname}:${url.port || '2379'}`, credentials);
    try {
      const answer = await new Promise<protobuf.Message>((resolve, reject) => {
        const call = client.makeUnaryRequest(
          `/etcdserverpb.${service}/${method}`,
          (m: protobuf.Message) => Buffer.from(requestType.encode(m).finish()),
          (b: Buffer) => responseType.decode(b),
          message,
          metadata,
          {},
          (error, value) => (error ? reject(error) : resolve(value!)),
        );
        init.signal?.addEventListener('abort', () => call.cancel(), { once: true });
      });
      return json(200, responseType.toObject(answer, { longs: String, bytes: String, enums: String, defaults: false }));
    } catch (error) {
      const e = error as grpc.ServiceError;
      if (typeof e.code !== 'number') throw error;
      if (init.signal?.aborted) throw init.signal.reason;
      // Unavailable without an answer from etcd is a connection failure, as fetch would report it.
      if (e.code === grpc.status.UNAVAILABLE && !e.details.startsWith('etcdserver:')) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED', message: e.details } });
      return json(HTTP_STATUS[e.code] ?? 500, { error: e.details, message: e.details, code: e.code });
    } finally {
      client.close();
    }
  };
}
