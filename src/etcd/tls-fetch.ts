/**
 * A {@link FetchLike} that presents a client certificate and trusts only the
 * given CAs: how the charm's own client reaches a member with client TLS on.
 * Node's global fetch cannot take a client certificate without the undici
 * package, so this rides on node:https, whose Agent can. http URLs go to
 * the global fetch, so one client spans a cluster half-way through a switch.
 */
import { Agent, request } from 'node:https';
import type { FetchLike } from './gateway.js';

export interface ClientTlsMaterial {
  /** PEM trust bundle for the members' server certificates. */
  readonly ca: string;
  /** PEM client certificate and its key (etcd requires one: `client-cert-auth: true`). */
  readonly cert: string;
  readonly key: string;
}

export function tlsFetch(material: ClientTlsMaterial): FetchLike {
  const agent = new Agent({ ca: material.ca, cert: material.cert, key: material.key, keepAlive: true, maxSockets: 4 });
  return (input, init) => {
    // A member still on plain http during a switch is reached as before.
    if (input.startsWith('http:')) return fetch(input, init);
    return new Promise<Response>((resolve, reject) => {
      const headers = new Headers(init.headers);
      // No SNI: members are addressed by IP, which RFC 6066 does not allow as a server name (node warns, DEP0123); the certificate is still checked against the IP.
      const req = request(input, { method: init.method ?? 'GET', agent, servername: '', headers: Object.fromEntries(headers), signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '' })));
      });
      req.on('error', reject);
      if (typeof init.body === 'string') req.end(init.body);
      else req.end();
    });
  };
}
