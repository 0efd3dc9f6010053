/** Tools that read the unit's surroundings: config, leadership, goal state, network, storage. */
import { bindingNames, compareUnitNames } from '../model.js';
import type { NetworkBinding } from '../model.js';
import { liveUnit } from '../scope.js';
import { atMost, boolFlag, failure, flagBool, flagString, resolveRelation, splitKeyValue, stringFlag, usage } from './tool.js';
import type { ToolDef } from './tool.js';

const FORMATS = { default: 'smart', formats: ['smart', 'yaml', 'json'] } as const;

export const configGet: ToolDef = {
  name: 'config-get',
  synopsis: '[options] [<key>]',
  purpose: 'print application configuration',
  flags: [boolFlag('a', 'all')],
  output: FORMATS,
  run(call) {
    atMost(call, 1);
    const key = call.args[0];
    const all = flagBool(call, 'all');
    if (key !== undefined && all) throw usage(`cannot use argument --all together with key ${JSON.stringify(key)}`);
    const { snapshot } = call.scope;
    const values: Record<string, unknown> = {};
    for (const [name, option] of Object.entries(snapshot.application.charm.config)) {
      const value = snapshot.config[name] ?? option.default;
      if (value !== undefined) values[name] = value;
      else if (all) values[name] = null;
    }
    return key === undefined ? values : (values[key] ?? null);
  },
};

export const isLeader: ToolDef = {
  name: 'is-leader',
  synopsis: '[options]',
  purpose: 'print application leadership status',
  flags: [],
  output: FORMATS,
  run(call) {
    atMost(call, 0);
    return call.scope.isLeader;
  },
};

export const leaderGet: ToolDef = {
  name: 'leader-get',
  synopsis: '[options] [<key>]',
  purpose: 'print application leadership settings',
  flags: [],
  output: FORMATS,
  run(call) {
    atMost(call, 1);
    const settings = call.scope.model.application.leaderSettings;
    const key = call.args[0];
    if (key === undefined || key === '-') return { ...settings };
    return settings[key] ?? null;
  },
};

export const leaderSet: ToolDef = {
  name: 'leader-set',
  synopsis: '<key>=<value> [...]',
  purpose: 'write application leadership settings',
  flags: [],
  run(call) {
    const pairs = call.args.map((a) => splitKeyValue(a, (x) => `expected "key=value", got ${JSON.stringify(x)}`));
    if (!call.scope.isLeader) throw failure('cannot write leadership settings: cannot write settings: not the leader');
    // "Now": written straight to the controller.
    const settings = call.scope.model.application.leaderSettings;
    for (const [key, value] of pairs) {
      if (value === '') delete settings[key];
      else settings[key] = value;
    }
    return undefined;
  },
};

export const goalState: ToolDef = {
  name: 'goal-state',
  synopsis: '[options]',
  purpose: 'print the status of the charm\'s peers and related units',
  flags: [],
  output: { default: 'yaml', formats: ['yaml', 'json'] },
  run(call) {
    atMost(call, 0);
    const { snapshot, unitName } = call.scope;
    const since = snapshot.units[unitName]?.workloadStatus.since ?? '';
    const units: Record<string, { status: string; since: string }> = {};
    const planned = snapshot.application.plannedUnits;
    if (planned) for (const name of planned) units[name] = { status: 'active', since };
    else {
      for (const unit of Object.values(snapshot.units)) {
        if (unit.life !== 'dead') units[unit.name] = { status: unit.life === 'alive' ? 'active' : 'dying', since };
      }
    }
    const relations: Record<string, Record<string, { status: string; since: string }>> = {};
    for (const relation of snapshot.relations) {
      if (relation.dying) continue;
      const entry = (relations[relation.endpoint] ??= {});
      if (!relation.peer) entry[relation.remoteApp] = { status: 'joined', since };
      const members = Object.keys(relation.unitData)
        .filter((u) => u !== unitName && !relation.departed.includes(u) && u.startsWith(`${relation.remoteApp}/`))
        .sort(compareUnitNames);
      for (const member of members) entry[member] = { status: 'active', since };
    }
    return { units, relations };
  },
};

const bindingJson = (binding: NetworkBinding) => ({
  'bind-addresses': [
    {
      'mac-address': binding.macAddress,
      'interface-name': binding.interfaceName,
      addresses: [{ hostname: '', value: binding.address, cidr: binding.cidr }],
    },
  ],
  'egress-subnets': [...binding.egressSubnets],
  'ingress-addresses': [...binding.ingressAddresses],
});

export const networkGet: ToolDef = {
  name: 'network-get',
  synopsis: '[options] <binding-name> [--ingress-address] [--bind-address] [--egress-subnets]',
  purpose: 'get network config',
  flags: [
    stringFlag('r', 'relation'),
    boolFlag('bind-address'),
    boolFlag('ingress-address'),
    boolFlag('egress-subnets'),
    boolFlag('primary-address'),
  ],
  output: FORMATS,
  run(call) {
    const binding = call.args[0];
    if (binding === undefined) throw usage('no arguments specified');
    atMost(call, 1);
    if (call.flags.has('relation')) resolveRelation(call);
    const { scope } = call;
    if (!bindingNames(scope.snapshot.application.charm).includes(binding)) {
      throw failure(`no network config found for binding ${JSON.stringify(binding)}`);
    }
    const unit = scope.snapshot.units[scope.unitName] ?? liveUnit(scope);
    const info = unit.addresses.bindings[binding] ?? unit.addresses.defaultBinding;
    if (flagBool(call, 'primary-address')) return info.address;
    const selected: Record<string, unknown> = {};
    if (flagBool(call, 'bind-address')) selected['bind-address'] = info.address;
    if (flagBool(call, 'ingress-address')) selected['ingress-address'] = info.ingressAddresses[0] ?? '';
    if (flagBool(call, 'egress-subnets')) selected['egress-subnets'] = [...info.egressSubnets];
    const keys = Object.keys(selected);
    if (keys.length === 1) return selected[keys[0] as string];
    if (keys.length > 1) return selected;
    return bindingJson(info);
  },
};

/** Legacy `unit-get private-address|public-address` (juju/juju jujuc unit-get.go); the simulator's machines have one address. */
export const unitGet: ToolDef = {
  name: 'unit-get',
  synopsis: '[options] <setting>',
  purpose: 'print public-address or private-address',
  flags: [],
  output: FORMATS,
  run(call) {
    const setting = call.args[0];
    if (setting === undefined) throw usage('no setting specified');
    if (setting !== 'private-address' && setting !== 'public-address') throw usage(`unknown setting ${JSON.stringify(setting)}`);
    atMost(call, 1);
    const { scope } = call;
    const unit = scope.snapshot.units[scope.unitName] ?? liveUnit(scope);
    return unit.addresses.privateAddress;
  },
};

export const storageGet: ToolDef = {
  name: 'storage-get',
  synopsis: '[options] [<key>]',
  purpose: 'print information for storage instance with specified id',
  flags: [stringFlag('s')],
  output: FORMATS,
  run(call) {
    atMost(call, 1);
    const { scope } = call;
    const given = flagString(call, 's');
    const id = given ?? scope.env['JUJU_STORAGE_ID'];
    if (!id) throw usage('no storage instance specified');
    const unit = scope.snapshot.units[scope.unitName] ?? liveUnit(scope);
    const attachment = unit.storage.find((s) => s.id === id);
    if (!attachment) {
      const message = `storage instance ${JSON.stringify(id)} not found`;
      throw given === undefined ? failure(message) : usage(`invalid value ${JSON.stringify(given)} for option -s: ${message}`);
    }
    const attrs: Record<string, string> = { kind: attachment.kind, location: attachment.location };
    const key = call.args[0];
    if (key === undefined) return attrs;
    const value = attrs[key];
    if (value === undefined) throw failure(`invalid storage attribute ${JSON.stringify(key)}`);
    return value;
  },
};

export const storageList: ToolDef = {
  name: 'storage-list',
  synopsis: '[options] [<storage-name>]',
  purpose: 'list storage attached to the unit',
  flags: [],
  output: FORMATS,
  run(call) {
    atMost(call, 1);
    const name = call.args[0];
    const unit = call.scope.snapshot.units[call.scope.unitName] ?? liveUnit(call.scope);
    return unit.storage.map((s) => s.id).filter((id) => name === undefined || id.startsWith(`${name}/`));
  },
};
