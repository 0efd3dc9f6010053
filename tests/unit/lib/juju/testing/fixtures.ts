import { parseActionsYaml, parseConfigYaml, parseMetadataYaml } from '../../../../../lib/juju/testing/fake-juju/charm.js';
import { addressBag, emptyModel, newUnit } from '../../../../../lib/juju/testing/fake-juju/model.js';
import type { CharmFiles, FakeModel, RelationModel } from '../../../../../lib/juju/testing/fake-juju/model.js';
import { openHookSession } from '../../../../../lib/juju/testing/fake-juju/session.js';
import type { HookSession } from '../../../../../lib/juju/testing/fake-juju/session.js';

/** A small made-up charm with every kind of endpoint, config type and action shape. */
export const TEST_CHARM_YAML = {
  metadata: `
name: demo
peers:
  cluster:
    interface: demo_peers
provides:
  website:
    interface: http
requires:
  db:
    interface: pgsql
extra-bindings:
  admin:
storage:
  data:
    type: filesystem
    location: /srv/data
`,
  config: `
options:
  name:
    type: string
    default: demo
  port:
    type: int
    default: 8080
  ratio:
    type: float
  debug:
    type: boolean
    default: false
  password:
    type: secret
`,
  actions: `
backup:
  description: take a backup
  params:
    target:
      type: string
    compress:
      type: boolean
      default: true
    retries:
      type: integer
      default: 3
  required: [target]
  additionalProperties: false
noop:
  description: nothing
`,
};

export const testCharm = (): CharmFiles => ({
  metadata: parseMetadataYaml(TEST_CHARM_YAML.metadata),
  config: parseConfigYaml(TEST_CHARM_YAML.config),
  actions: parseActionsYaml(TEST_CHARM_YAML.actions),
});

/** demo/0 (leader unless told) and demo/1, a peer relation (id 0) and a db relation (id 1) to pg with pg/0 and pg/1. */
export const testModel = (options: { leader?: boolean } = {}): FakeModel => {
  const model = emptyModel({ appName: 'demo', charm: testCharm() });
  model.units['demo/0'] = newUnit({ name: 'demo/0', address: '10.0.0.10', leader: options.leader ?? true });
  model.units['demo/1'] = newUnit({ name: 'demo/1', address: '10.0.0.11' });
  model.units['demo/0']!.storage.push({ id: 'data/0', kind: 'filesystem', location: '/srv/data' });
  const peers: RelationModel = {
    id: 0, endpoint: 'cluster', interface: 'demo_peers', peer: true, remoteApp: 'demo', remoteEndpoint: 'cluster',
    appData: { demo: { epoch: '1' } },
    unitData: { 'demo/0': addressBag('10.0.0.10'), 'demo/1': { ...addressBag('10.0.0.11'), state: 'ready' } },
    joined: { 'demo/0': ['demo/1'], 'demo/1': ['demo/0'] }, departed: [], dying: false,
  };
  const db: RelationModel = {
    id: 1, endpoint: 'db', interface: 'pgsql', peer: false, remoteApp: 'pg', remoteEndpoint: 'database',
    appData: { demo: { wanted: 'yes' }, pg: { dsn: 'postgres://x' } },
    unitData: { 'demo/0': addressBag('10.0.0.10'), 'pg/0': { host: 'a' }, 'pg/1': { host: 'b' } },
    joined: { 'demo/0': ['pg/1', 'pg/0'] }, departed: [], dying: false,
  };
  model.relations.push(peers, db);
  model.counters.relation = 2;
  model.config = { port: 9090 };
  return model;
};

export const session = (model: FakeModel, env: Record<string, string> = {}, unit = 'demo/0'): HookSession =>
  openHookSession(model, { unit, env: { JUJU_UNIT_NAME: unit, ...env }, now: () => new Date('2025-02-03T04:05:06.000Z'), cwd: '/nonexistent' });

/** Calls a tool and returns stdout, failing the test with stderr when it exits non-zero. */
export const ok = (s: HookSession, tool: string, args: string[] = [], stdin?: string): string => {
  const r = s.call(tool, args, stdin);
  if (r.exitCode !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return r.stdout;
};

export const json = (s: HookSession, tool: string, args: string[] = []): unknown => JSON.parse(ok(s, tool, ['--format=json', ...args]));
