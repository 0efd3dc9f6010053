/**
 * The {@link FetchLike} the charm's client uses for `http:` members: one
 * request through node:http. Node's global fetch loads undici on its first
 * call, which costs a hook about 20-30 ms before the first byte is sent (and
 * about 1 ms more a request after); the gateway only needs a status and a body.
 * Anything but `http:` goes to the global fetch.
 */
import { request } from 'node:http';
import type { FetchLike, GatewayResponse } from './gateway.js';

/** The shape fetch rejects with, so callers see one kind of network failure: `cause.code` names it. */
const fetchFailed = (cause: Error): Error => (cause.name === 'AbortError' ? cause : new TypeError('fetch failed', { cause }));

export const httpFetch: FetchLike = (input, init) => {
  if (!input.startsWith('http:')) return fetch(input, init);
  const body = typeof init.body === 'string' ? Buffer.from(init.body) : undefined;
  const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise<GatewayResponse>((resolve, reject) => {
    const req = request(input, { method: init.method ?? 'GET', headers, ...(init.signal ? { signal: init.signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => reject(fetchFailed(error)));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(text) });
      });
    });
    req.on('error', (error) => reject(fetchFailed(error)));
    req.end(body);
  });
};
