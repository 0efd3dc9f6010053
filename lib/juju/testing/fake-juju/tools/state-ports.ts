/** The per-unit state store and ports: both "Txn", committed only by a successful hook. */
import type { OpenedPort } from '../model.js';
import { liveUnit, overlay } from '../scope.js';
import type { HookScope } from '../scope.js';
import { atMost, boolFlag, failure, flagBool, flagString, readSettingsFile, splitKeyValue, stringFlag, usage } from './tool.js';
import type { ToolDef } from './tool.js';

/** The unit's state with this hook's pending changes. */
export const pendingState = (scope: HookScope): Record<string, string> => overlay(liveUnit(scope).state, scope.pending.state);

export const stateGet: ToolDef = {
  name: 'state-get',
  synopsis: '[options] [<key>]',
  purpose: 'print server-side-state value',
  flags: [boolFlag('strict')],
  output: { default: 'smart', formats: ['smart', 'yaml', 'json'] },
  run(call) {
    atMost(call, 1);
    const state = pendingState(call.scope);
    const key = call.args[0];
    if (key === undefined || key === '-') return state;
    const value = state[key];
    if (value !== undefined) return value;
    if (flagBool(call, 'strict')) throw failure(`${JSON.stringify(key)} not found`);
    return '';
  },
};

export const stateSet: ToolDef = {
  name: 'state-set',
  synopsis: '[options] <key>=<value> [<key>=<value> ...]',
  purpose: 'set server-side-state values',
  flags: [stringFlag('file')],
  run(call) {
    const pairs = call.args.map((a) => splitKeyValue(a, (x) => `expected "key=value", got ${JSON.stringify(x)}`));
    const file = flagString(call, 'file');
    const settings = file === undefined ? {} : readSettingsFile(call, file);
    for (const [key, value] of pairs) settings[key] = value;
    for (const [key, value] of Object.entries(settings)) {
      if (Buffer.byteLength(key) > 256) throw failure(`key ${JSON.stringify(key.slice(0, 20))}... exceeds the 256 byte limit`);
      if (Buffer.byteLength(value) > 64 * 1024) throw failure(`value of key ${JSON.stringify(key)} exceeds the 65536 byte limit`);
      call.scope.pending.state.set(key, value);
    }
    return undefined;
  },
};

export const stateDelete: ToolDef = {
  name: 'state-delete',
  synopsis: '<key>',
  purpose: 'delete server-side-state key value pair',
  flags: [],
  run(call) {
    const key = call.args[0];
    if (key === undefined) throw usage('no key specified');
    atMost(call, 1);
    call.scope.pending.state.set(key, null);
    return undefined;
  },
};

const PORT_SHAPE = /^(?:(\d+)(?:-(\d+))?)(?:\/(tcp|udp))?$/i;

/** Parses `80`, `80/tcp`, `1000-2000/udp` or `icmp`. Throws UsageError otherwise. */
export const parsePort = (text: string, endpoints: string[]): OpenedPort => {
  if (text.toLowerCase() === 'icmp') return { protocol: 'icmp', endpoints };
  const match = PORT_SHAPE.exec(text);
  const bad = () => usage(`expected <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp; got ${JSON.stringify(text)}`);
  if (!match) throw bad();
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  if (from < 1 || to > 65535 || from > to) throw bad();
  return { protocol: (match[3]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp', fromPort: from, toPort: to, endpoints };
};

/** `80/tcp`, `1000-2000/udp`, `icmp`. */
export const portText = (port: OpenedPort): string => {
  if (port.protocol === 'icmp') return 'icmp';
  const range = port.fromPort === port.toPort ? `${port.fromPort}` : `${port.fromPort}-${port.toPort}`;
  return `${range}/${port.protocol}`;
};

const portTool = (op: 'open' | 'close'): ToolDef => ({
  name: `${op}-port`,
  synopsis: '[options] <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp',
  purpose: `register a request to ${op} a port or port range`,
  flags: [stringFlag('endpoints')],
  deprecatedFormat: true,
  run(call) {
    const spec = call.args[0];
    if (spec === undefined) throw usage('no port or range specified');
    atMost(call, 1);
    const endpointsFlag = flagString(call, 'endpoints');
    const endpoints = endpointsFlag === undefined || endpointsFlag === '' ? ['*'] : endpointsFlag.split(',').map((e) => e.trim());
    const port = parsePort(spec, endpoints);
    const charm = call.scope.snapshot.application.charm.metadata;
    const known = new Set(['*', ...Object.keys(charm.peers), ...Object.keys(charm.provides), ...Object.keys(charm.requires), ...charm.extraBindings]);
    const unknown = endpoints.find((e) => !known.has(e));
    if (unknown !== undefined) throw failure(`endpoint ${JSON.stringify(unknown)} not found`);
    call.scope.pending.ports.push({ op, port });
    return undefined;
  },
});

export const openPort = portTool('open');
export const closePort = portTool('close');

const comparePorts = (a: OpenedPort, b: OpenedPort): number =>
  (a.fromPort ?? -1) - (b.fromPort ?? -1) || (a.toPort ?? -1) - (b.toPort ?? -1) || a.protocol.localeCompare(b.protocol);

export const openedPorts: ToolDef = {
  name: 'opened-ports',
  synopsis: '[options]',
  purpose: 'list all ports or port ranges opened by the unit',
  flags: [boolFlag('endpoints')],
  output: { default: 'smart', formats: ['smart', 'yaml', 'json'] },
  run(call) {
    atMost(call, 0);
    // Only committed ports: changes made in this hook are not shown, as in Juju.
    const ports = [...liveUnit(call.scope).openedPorts].sort(comparePorts);
    if (!flagBool(call, 'endpoints')) return [...new Set(ports.map(portText))];
    return ports.map((p) => `${portText(p)} (${p.endpoints.includes('*') ? '*' : p.endpoints.join(', ')})`);
  },
};
