import { describe, expect, it } from 'vitest';
import { storageGet, storageList } from '../../../../../lib/juju/hooktools/storage.js';
import { FakeRunner } from '../fake-runner.js';

describe('storage hook tools', () => {
  it('storage-list reads ids, optionally of one storage name', async () => {
    const fake = new FakeRunner().json(['storage-list', '--format=json', 'data'], ['data/0']).json(['storage-list', '--format=json'], null);
    expect(await storageList(fake, 'data')).toEqual(['data/0']);
    expect(await storageList(fake)).toEqual([]);
  });

  it('storage-get uses -s for the instance', async () => {
    const fake = new FakeRunner().json(['storage-get', '--format=json', '-s', 'data/0'], {
      kind: 'filesystem',
      location: '/var/snap/charmed-etcd/common/var/lib/etcd',
    });
    expect(await storageGet(fake, 'data/0')).toEqual({ kind: 'filesystem', location: '/var/snap/charmed-etcd/common/var/lib/etcd' });
  });
});
