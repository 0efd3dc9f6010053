import { describe, expect, it } from 'vitest';
import { readRequests } from '../../../../src/clients/requests.js';

describe('readRequests', () => {
  it('reads a v0 requirer: one request keyed by the relation id, its certificate in a secret', () => {
    const bag = { prefix: '/requirer-charm/', 'secret-mtls': 'secret:abc', 'requested-secrets': '["username","tls","tls-ca","uris"]', 'provided-secrets': '["mtls-cert"]' };
    expect(readRequests(5, bag)).toEqual({ ok: true, requests: [{ key: '5', relationId: 5, protocol: 'v0', prefix: '/requirer-charm/', certificate: { secret: 'secret:abc' } }] });
  });

  it('reads a cross-model v0 requirer whose certificate is inline', () => {
    expect(readRequests(5, { prefix: '/p/', 'mtls-cert': 'PEM' })).toMatchObject({ ok: true, requests: [{ certificate: { inline: 'PEM' } }] });
  });

  it('reads a v1 requirer with several requests, `resource` or its alias `prefix`', () => {
    const requests = [
      { resource: '/client1.requirer/', 'request-id': '3f1c9a0b7d2e4c11', salt: 'x9Kq', 'secret-mtls': 'secret:one' },
      { prefix: '/client2.requirer/', 'request-id': 'aa', salt: 'y', 'secret-mtls': 'secret:two', 'entity-type': 'USER' },
    ];
    expect(readRequests(7, { version: 'v1', requests: JSON.stringify(requests) })).toEqual({
      ok: true,
      requests: [
        { key: '7-3f1c9a0b7d2e4c11', relationId: 7, protocol: 'v1', requestId: '3f1c9a0b7d2e4c11', salt: 'x9Kq', prefix: '/client1.requirer/', certificate: { secret: 'secret:one' } },
        { key: '7-aa', relationId: 7, protocol: 'v1', requestId: 'aa', salt: 'y', prefix: '/client2.requirer/', certificate: { secret: 'secret:two' } },
      ],
    });
  });

  it('reads an empty databag as no request yet, and keeps a request with a missing field for the plan to refuse', () => {
    expect(readRequests(5, {})).toEqual({ ok: true, requests: [] });
    expect(readRequests(5, { 'secret-mtls': 'secret:abc' })).toMatchObject({ ok: true, requests: [{ prefix: undefined }] });
  });

  it.each([
    [{ version: 'v1', requests: 'nope' }, 'requests is not JSON'],
    [{ version: 'v1', requests: '[{"resource":"/p/"}]' }, 'requests: '],
    [{ version: 'v9' }, 'unknown protocol version "v9"'],
  ])('refuses a malformed databag %j', (bag, reason) => {
    const read = readRequests(5, bag);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reason).toContain(reason);
  });
});
