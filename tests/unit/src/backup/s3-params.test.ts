import { describe, expect, it } from 'vitest';
import { formatBackupTable, backupIdAt } from '../../../../src/backup/backup-list.js';
import { shouldRecheck } from '../../../../src/backup/bucket-check.js';
import { describeProblems, objectKey, paramsFingerprint, readS3Params } from '../../../../src/backup/s3-params.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const v0 = { bucket: ' /etcd-backups/ ', endpoint: 'https://s3.example:9000/', path: '/etcd/prod/', 'access-key': 'AK', 'secret-key': 'SK', region: 'eu-west-1' };

describe('s3-credentials fields', () => {
  it('reads v0 plain fields, normalised as Canonical does (slashes, whitespace)', () => {
    const read = readS3Params(v0);
    expect(read).toMatchObject({ ok: true, params: { protocol: 'v0', bucket: 'etcd-backups', endpoint: 'https://s3.example:9000', path: 'etcd/prod', accessKey: 'AK', secretKey: 'SK', region: 'eu-west-1', uriStyle: 'path', caChain: [] } });
    if (read.ok) expect(objectKey(read.params, '2025-01-01T00:00:00Z')).toBe('etcd/prod/2025-01-01T00:00:00Z');
  });

  it('reads v1: the keys from the secret named by secret-extra, not from the bag', () => {
    const bag = { bucket: 'b-1', endpoint: 'http://127.0.0.1:7070', 'secret-extra': 'secret:abc', 'access-key': 'ignored' };
    expect(readS3Params(bag, { ok: true, content: { 'access-key': 'AK1', 'secret-key': 'SK1' } })).toMatchObject({ ok: true, params: { protocol: 'v1', accessKey: 'AK1', secretKey: 'SK1', path: '' } });
    const unreadable = readS3Params(bag, { ok: false, reason: 'secret not found or not granted' });
    expect(unreadable).toEqual({ ok: false, problems: [{ field: 'secret-extra', problem: 'secret not found or not granted' }] });
    const incomplete = readS3Params(bag, { ok: true, content: { 'access-key': 'AK1' } });
    expect(incomplete.ok === false && describeProblems(incomplete.problems)).toBe('secret-key (missing)');
  });

  it('names every missing or bad field', () => {
    const read = readS3Params({ endpoint: 'ftp://x', 's3-uri-style': 'sideways', 'tls-ca-chain': 'nope' });
    expect(read.ok).toBe(false);
    if (!read.ok) {
      expect(describeProblems(read.problems)).toBe(
        'bucket, access-key, secret-key (missing); endpoint (not an http(s) URL); s3-uri-style (neither host nor path); tls-ca-chain (not a JSON list)',
      );
    }
    const empty = readS3Params({});
    expect(empty.ok === false && describeProblems(empty.problems)).toBe('bucket, endpoint, access-key, secret-key (missing)');
  });

  it('takes tls-ca-chain as PEMs or base64-encoded PEMs', () => {
    const b64 = Buffer.from(PEM).toString('base64');
    const read = readS3Params({ ...v0, 'tls-ca-chain': JSON.stringify([PEM, b64]) });
    expect(read.ok && read.params.caChain).toEqual([`${PEM}\n`, `${PEM}\n`]);
    const bad = readS3Params({ ...v0, 'tls-ca-chain': JSON.stringify(['not a cert']) });
    expect(bad.ok === false && describeProblems(bad.problems)).toBe('tls-ca-chain (an entry is not a PEM certificate)');
  });

  it('fingerprints the target and account, never the secret key', () => {
    const a = readS3Params(v0);
    const b = readS3Params({ ...v0, 'secret-key': 'other' });
    const c = readS3Params({ ...v0, bucket: 'elsewhere' });
    if (!a.ok || !b.ok || !c.ok) throw new Error('unexpected');
    expect(paramsFingerprint(a.params)).toBe(paramsFingerprint(b.params));
    expect(paramsFingerprint(a.params)).not.toBe(paramsFingerprint(c.params));
  });

  it('rechecks the bucket when the parameters change, on s3 hooks, and on update-status after a failure', () => {
    const ok = { fingerprint: 'f', ok: true };
    expect(shouldRecheck('update-status', undefined, 'f')).toBe(true);
    expect(shouldRecheck('update-status', ok, 'g')).toBe(true);
    expect(shouldRecheck('update-status', ok, 'f')).toBe(false);
    expect(shouldRecheck('config-changed', { ...ok, ok: false }, 'f')).toBe(false);
    expect(shouldRecheck('update-status', { ...ok, ok: false }, 'f')).toBe(true);
    expect(shouldRecheck('s3-credentials-relation-changed', ok, 'f')).toBe(true);
    expect(shouldRecheck('secret-changed', ok, 'f')).toBe(true);
  });
});

describe('list-backups table', () => {
  it("is Canonical's table (id padded to 21, newest first, finished) plus size and etcd version", () => {
    expect(backupIdAt(Date.parse('2025-06-16T16:42:45.123Z'))).toBe('2025-06-16T16:42:45Z');
    const table = formatBackupTable([
      { id: '2025-06-16T16:42:45Z', size: 20480, etcdVersion: '3.6.13' },
      { id: '2025-06-17T08:00:00Z', size: 1048576, etcdVersion: undefined },
    ]).split('\n');
    expect(table[0]).toBe('backup-id             | backup-status | size         | etcd-version');
    expect(table[1]).toBe('-'.repeat(table[0]!.length));
    expect(table[2]).toBe('2025-06-17T08:00:00Z  | finished      | 1048576      | ');
    expect(table[3]).toBe('2025-06-16T16:42:45Z  | finished      | 20480        | 3.6.13');
  });
});
