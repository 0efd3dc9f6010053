/**
 * How the charm's own client reaches members: node:http for http members
 * (http-fetch.ts: the global fetch would load undici in every hook),
 * etcd's gRPC API with the unit's client certificate for https ones (see
 * grpc/gateway-over-grpc.ts for why not the gateway). The certificate files
 * are read, and the gRPC code loaded, only at the first https request, so a
 * cluster without client TLS never pays for either.
 */
import { readFile } from 'node:fs/promises';
import type { TlsFiles } from './config.js';
import type { FetchLike } from './gateway.js';
import { httpFetch } from './http-fetch.js';

export function clientTransport(files: TlsFiles): FetchLike {
  let secure: Promise<FetchLike> | undefined;
  const load = async (): Promise<FetchLike> => {
    const [ca, cert, key] = await Promise.all([readFile(files.trustedCaFile, 'utf8'), readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
    const { gatewayOverGrpc } = await import('./grpc/gateway-over-grpc.js');
    return gatewayOverGrpc({ ca, cert, key });
  };
  return async (input, init) => {
    if (!input.startsWith('https:')) return httpFetch(input, init);
    try {
      secure ??= load();
      return await (await secure)(input, init);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // No client certificate here (yet): the member is as unreachable as a closed port.
      secure = undefined;
      throw new TypeError('fetch failed', { cause: error });
    }
  };
}
