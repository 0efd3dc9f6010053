import { describe, expect, it } from 'vitest';
import { providerDatabag, secretLabel, tlsSecretContent, userSecretContent } from '../../../../src/clients/responses.js';
import type { ClientRequest } from '../../../../src/clients/requests.js';

const cluster = { endpoints: ['10.0.0.1:2379', '10.0.0.2:2379'], version: '3.6.13' };
const v0: ClientRequest = { key: '5', relationId: 5, protocol: 'v0', prefix: '/requirer-charm/', certificate: { secret: 'secret:m' } };
const v1 = (id: string): ClientRequest => ({ key: `7-${id}`, relationId: 7, protocol: 'v1', requestId: id, salt: `s-${id}`, prefix: `/${id}/`, certificate: { secret: 'secret:m' } });

describe('etcd-client responses', () => {
  it('answers a v0 requirer with the flat fields and the prefix echoed', () => {
    expect(providerDatabag([{ request: v0, secrets: { user: 'secret:u', tls: 'secret:t' } }], cluster)).toEqual({
      endpoints: '10.0.0.1:2379,10.0.0.2:2379',
      version: '3.6.13',
      'secret-user': 'secret:u',
      'secret-tls': 'secret:t',
      prefix: '/requirer-charm/',
      resource: '/requirer-charm/',
    });
  });

  it('answers each v1 request in `requests`, echoing its id, resource and salt', () => {
    const bag = providerDatabag(
      [
        { request: v1('aa'), secrets: { user: 'secret:u1', tls: 'secret:t1' } },
        { request: v1('bb'), secrets: { user: 'secret:u2', tls: 'secret:t2' } },
      ],
      cluster,
    );
    expect(bag['version']).toBe('v1');
    expect(JSON.parse(bag['requests']!)).toEqual([
      { 'request-id': 'aa', resource: '/aa/', salt: 's-aa', endpoints: '10.0.0.1:2379,10.0.0.2:2379', 'secret-user': 'secret:u1', 'secret-tls': 'secret:t1', version: '3.6.13' },
      { 'request-id': 'bb', resource: '/bb/', salt: 's-bb', endpoints: '10.0.0.1:2379,10.0.0.2:2379', 'secret-user': 'secret:u2', 'secret-tls': 'secret:t2', version: '3.6.13' },
    ]);
  });

  it('shares the CN and https URIs, no password, and the client CA', () => {
    expect(userSecretContent('client1', cluster)).toEqual({ username: 'client1', uris: 'https://10.0.0.1:2379,https://10.0.0.2:2379' });
    expect(tlsSecretContent(v0, 'CA')).toEqual({ 'tls-ca': 'CA', tls: 'True' });
    expect(tlsSecretContent(v1('aa'), 'CA')).toEqual({ 'tls-ca': 'CA' });
    expect([secretLabel(v0, 'user'), secretLabel(v1('aa'), 'tls')]).toEqual(['etcd-client.5.user.secret', 'etcd-client.7.aa.tls.secret']);
  });

  it('writes nothing before a request is answered', () => {
    expect(providerDatabag([], cluster)).toEqual({});
  });
});
