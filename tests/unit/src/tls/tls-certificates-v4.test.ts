import { describe, expect, it } from 'vitest';
import { certificateFor, provideDatabag, readProvidedCertificates, readRequestedCsrs, requestDatabag } from '../../../../src/tls/tls-certificates-v4.js';

const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----';
const entry = { ca: 'CA', chain: ['CERT', 'CA'], certificate: 'CERT', certificate_signing_request: csr };

describe('tls-certificates v4 databags', () => {
  it('writes the requirer unit databag the v4 library reads', () => {
    expect(requestDatabag(`${csr}\n`)).toEqual({ certificate_signing_requests: `[{"certificate_signing_request":${JSON.stringify(csr)},"ca":false}]` });
    expect(readRequestedCsrs(requestDatabag(csr))).toEqual({ items: [{ certificate_signing_request: csr, ca: false }] });
  });

  it('reads the provider app databag, ignoring unknown keys, and finds the answer to a CSR', () => {
    const bag = { ...provideDatabag([entry, { ...entry, certificate_signing_request: 'other' }]), unrelated: 'x' };
    const read = readProvidedCertificates(bag);
    expect(read.items).toHaveLength(2);
    expect(certificateFor(read.items, `${csr}\n`)).toEqual(entry);
    expect(certificateFor(read.items, 'missing')).toBeUndefined();
  });

  it('does not hand out a revoked certificate', () => {
    expect(certificateFor([{ ...entry, revoked: true }], csr)).toBeUndefined();
    expect(certificateFor([{ ...entry, revoked: false }], csr)).toEqual({ ...entry, revoked: false });
  });

  it.each([
    [{ certificates: 'not json' }, 'certificates is not JSON'],
    [{ certificates: '{"a":1}' }, 'certificates: '],
    [{ certificates: JSON.stringify([{ ca: 'CA' }]) }, 'certificates: '],
  ])('reads a malformed provider databag %j as empty and says why', (bag, problem) => {
    const read = readProvidedCertificates(bag);
    expect(read.items).toEqual([]);
    expect(read.problem).toContain(problem);
  });

  it('reads an empty or absent databag as no certificates, with no problem', () => {
    expect(readProvidedCertificates({})).toEqual({ items: [] });
    expect(readProvidedCertificates({ certificates: '' })).toEqual({ items: [] });
  });
});
