/**
 * What the provider writes back on `etcd-client`, per protocol version, and
 * the secrets it shares (content and labels as data_interfaces names them):
 * `secret-user` = {username: CN, uris}, `secret-tls` = {tls-ca, and for v0
 * `tls: "True"`}. No password: clients authenticate with their certificate.
 */
import type { ClientRequest } from './requests.js';

export interface ClusterFacts {
  /** `<ip>:2379` of every member serving client TLS. */
  readonly endpoints: readonly string[];
  readonly version: string;
}

export interface SharedSecrets {
  readonly user: string;
  readonly tls: string;
}

export const secretLabel = (request: ClientRequest, group: 'user' | 'tls'): string =>
  request.protocol === 'v1' ? `etcd-client.${request.relationId}.${request.requestId}.${group}.secret` : `etcd-client.${request.relationId}.${group}.secret`;

export const userSecretContent = (commonName: string, cluster: ClusterFacts): Record<string, string> => ({
  username: commonName,
  uris: cluster.endpoints.map((e) => `https://${e}`).join(','),
});

export const tlsSecretContent = (request: ClientRequest, clientCa: string): Record<string, string> => ({
  'tls-ca': clientCa,
  ...(request.protocol === 'v0' ? { tls: 'True' } : {}),
});

/** One v1 response (an entry of the provider's `requests`). */
export function v1Response(request: ClientRequest, cluster: ClusterFacts, secrets: SharedSecrets): Record<string, string> {
  return {
    'request-id': request.requestId ?? '',
    resource: request.prefix ?? '',
    ...(request.salt === undefined ? {} : { salt: request.salt }),
    endpoints: cluster.endpoints.join(','),
    'secret-user': secrets.user,
    'secret-tls': secrets.tls,
    version: cluster.version,
  };
}

/**
 * The provider's app databag for one relation. v0: the flat fields, with the
 * prefix echoed as `prefix` and `resource` as the v1 library does for a v0
 * requirer. v1: `version` and the `requests` list, answered requests only.
 */
export function providerDatabag(answered: readonly { readonly request: ClientRequest; readonly secrets: SharedSecrets }[], cluster: ClusterFacts): Record<string, string> {
  const first = answered[0];
  if (first === undefined) return {};
  if (first.request.protocol === 'v0') {
    return {
      endpoints: cluster.endpoints.join(','),
      version: cluster.version,
      'secret-user': first.secrets.user,
      'secret-tls': first.secrets.tls,
      prefix: first.request.prefix ?? '',
      resource: first.request.prefix ?? '',
    };
  }
  return { version: 'v1', requests: JSON.stringify(answered.map((a) => v1Response(a.request, cluster, a.secrets))) };
}
