/**
 * A {@link FetchLike} that presents a client certificate and trusts only the
 * given CAs: how the charm's own client reaches a member with client TLS on.
 * Node's global fetch cannot take a client certificate without the undici
 * package, so this rides on node:https, whose Agent can. http URLs go to
 * node:http (http-fetch.ts), so one client spans a cluster half-way through a switch.
 */
import { Agent, request } from 'node:https';
import type { FetchLike, GatewayResponse } from './gateway.js';
import { httpFetch } from './http-fetch.js';

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
    if (input.startsWith('http:')) return httpFetch(input, init);
    return new Promise<GatewayResponse>((resolve, reject) => {
      // Plain objects, not Headers and Response: those are undici's and would load it.
      const headers = { ...(init.headers as Record<string, string> | undefined) };
      // No SNI: members are addressed by IP, which RFC 6066 does not allow as a server name (node warns, DEP0123); the certificate is still checked against the IP.
      const req = request(input, { method: init.method ?? 'GET', agent, servername: '', headers, signal: init.signal ?? undefined }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text: () => Promise.resolve(text) });
        });
      });
      req.on('error', reject);
      if (typeof init.body === 'string') req.end(init.body);
      else req.end();
    });
  };
}
