import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdClient } from '../../../../src/etcd/client.js';
import { EtcdUnreachableError } from '../../../../src/etcd/errors/index.js';
import { httpFetch } from '../../../../src/etcd/http-fetch.js';

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url === '/health') return void setTimeout(() => res.end('{}'), 2000);
      if (req.url === '/v3/kv/put') return void res.writeHead(401).end(JSON.stringify({ code: 16, message: 'etcdserver: invalid auth token' }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echo: body, héllo: 'wörld' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('httpFetch', () => {
  it('sends method, headers and body, and answers with the status and the UTF-8 text', async () => {
    const response = await httpFetch(`${base}/v3/maintenance/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'tok' },
      body: '{"a":"ü"}',
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(await response.text())).toEqual({ echo: '{"a":"ü"}', héllo: 'wörld' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/v3/maintenance/status', body: '{"a":"ü"}' });
    expect(seen.at(-1)?.headers).toMatchObject({ authorization: 'tok', 'content-length': String(Buffer.byteLength('{"a":"ü"}')) });
  });

  it('gives an error status to the gateway, which types it', async () => {
    const client = new EtcdClient({ endpoints: [base] });
    const error = await client.put('k', 'v').catch((e: unknown) => e);
    expect((error as Error).message).toContain('invalid auth token');
  });

  it('fails as fetch does: a refused connection names its code, a timeout says so', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await new EtcdClient({ endpoints: [`http://127.0.0.1:${port}`] }).memberList().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(EtcdUnreachableError);
    expect((refused as Error).message).toContain('ECONNREFUSED');

    const slow = await httpFetch(`${base}/health`, { method: 'GET', signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((slow as Error).name).toBe('AbortError');
    const timedOut = await new EtcdClient({ endpoints: [base], timeoutMs: 100 }).health(base).catch((e: unknown) => e);
    expect(timedOut).toMatchObject({ timedOut: true });
  });
});
