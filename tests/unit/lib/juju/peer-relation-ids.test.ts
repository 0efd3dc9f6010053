import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JujuContext } from '../../../../lib/juju/context.js';
import { Model } from '../../../../lib/juju/model.js';
import { PEER_RELATION_IDS_FILE } from '../../../../lib/juju/model/peer-relation-ids.js';
import { FakeRunner } from './fake-runner.js';

let charmDir: string;
afterEach(() => rmSync(charmDir, { recursive: true, force: true }));

const context = (name: string, relation?: { endpoint: string; idString: string }): JujuContext => ({
  unitName: 'app/1',
  unitNumber: 1,
  appName: 'app',
  modelName: 'm',
  modelUuid: 'u',
  jujuVersion: '3.6.8',
  charmDir,
  dispatchPath: `hooks/${name}`,
  event: {
    kind: 'hook',
    name,
    ...(relation === undefined ? {} : { relation: { ...relation, id: Number(relation.idString.split(':')[1]), remoteApp: 'app' } }),
  },
});

const idsOf = (fake: FakeRunner) => fake.calls.filter((c) => c.argv[0] === 'relation-ids').map((c) => c.argv[1]);

describe('peer relation ids remembered across hooks', () => {
  it('asks relation-ids for a peer endpoint until it has seen the relation, then never again', async () => {
    charmDir = mkdtempSync(path.join(tmpdir(), 'peer-ids-'));
    const options = { peerEndpoints: ['peers'] };
    const before = new FakeRunner().json(['relation-ids', 'peers', '--format=json'], []);
    expect(await new Model(context('install'), before, options).relation('peers')).toBeUndefined();
    expect(idsOf(before)).toEqual(['peers']);

    const created = new FakeRunner()
      .json(['relation-ids', 'peers', '--format=json'], ['peers:4'])
      .json(['relation-ids', 'db', '--format=json'], ['db:9']);
    const model = new Model(context('config-changed'), created, options);
    expect((await model.relation('peers'))?.idString).toBe('peers:4');
    expect((await model.relation('db'))?.idString).toBe('db:9');

    const later = new FakeRunner().json(['relation-ids', 'db', '--format=json'], ['db:9']);
    const next = new Model(context('update-status'), later, options);
    expect((await next.relation('peers'))?.idString).toBe('peers:4');
    await next.relation('db');
    // Only the endpoint that is not a peer is asked again.
    expect(idsOf(later)).toEqual(['db']);
  });

  it('forgets the id in the peer relation’s -relation-broken, and a bad file is no memory', async () => {
    charmDir = mkdtempSync(path.join(tmpdir(), 'peer-ids-'));
    const options = { peerEndpoints: ['peers'] };
    const file = path.join(charmDir, PEER_RELATION_IDS_FILE);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify({ peers: 'peers:4' }));
    const broken = new FakeRunner().json(['relation-ids', 'peers', '--format=json'], []);
    expect(await new Model(context('peers-relation-broken', { endpoint: 'peers', idString: 'peers:4' }), broken, options).relation('peers')).toBeUndefined();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({});

    writeFileSync(file, '{"peers": "not an id"}');
    const asked = new FakeRunner().json(['relation-ids', 'peers', '--format=json'], ['peers:5']);
    expect((await new Model(context('update-status'), asked, options).relation('peers'))?.idString).toBe('peers:5');
    expect(idsOf(asked)).toEqual(['peers']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ peers: 'peers:5' });
  });
});
