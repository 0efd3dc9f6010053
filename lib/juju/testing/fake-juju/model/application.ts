/** The local application and its units. */
import type { CharmFiles } from './charm-files.js';
import type { Bag } from './relation.js';
import { EPOCH, storedStatus } from './status.js';
import type { AgentStatusValue, StoredStatus } from './status.js';
import { unitNumber } from './unit-names.js';

export interface ApplicationModel {
  name: string;
  charm: CharmFiles;
  /** The charm revision the units run (for status output in the simulator). */
  charmRevision: number;
  status: StoredStatus;
  /** True once any unit (the leader) called `status-set --application`. */
  statusSetByCharm: boolean;
  /** Deprecated leader settings (`leader-get`/`leader-set`). */
  leaderSettings: Bag;
  /**
   * When set, goal-state lists these units (all `active`) instead of the model's
   * units: lets a single-unit harness say "3 units are planned".
   */
  plannedUnits?: string[];
}

export interface StorageAttachment {
  /** `<name>/<n>`, for example `data/0`. */
  id: string;
  kind: 'filesystem' | 'block';
  location: string;
}

/** One `open-port` entry: `80/tcp`, `1000-2000/udp`, `icmp`. */
export interface OpenedPort {
  protocol: 'tcp' | 'udp' | 'icmp';
  /** Absent for icmp. */
  fromPort?: number;
  toPort?: number;
  /** Endpoints the port is opened for; `['*']` means all. */
  endpoints: string[];
}

export interface NetworkBinding {
  interfaceName: string;
  macAddress: string;
  address: string;
  cidr: string;
  ingressAddresses: string[];
  egressSubnets: string[];
}

export interface UnitAddresses {
  privateAddress: string;
  /** Used for every binding not listed in `bindings`. */
  defaultBinding: NetworkBinding;
  bindings: Record<string, NetworkBinding>;
}

export interface UnitModel {
  /** `app/<n>`. */
  name: string;
  machineId: string;
  leader: boolean;
  life: 'alive' | 'dying' | 'dead';
  workloadStatus: StoredStatus;
  /** True once the charm called `status-set` on this unit (Juju's "unknown after start" rule). */
  statusSetByCharm: boolean;
  agentStatus: AgentStatusValue;
  workloadVersion: string;
  /** Committed open ports (opened-ports shows only these). */
  openedPorts: OpenedPort[];
  /** The per-unit `state-set` store. */
  state: Record<string, string>;
  storage: StorageAttachment[];
  addresses: UnitAddresses;
}

/** A binding on `address` with a /24 cidr, as Juju reports for a simple machine. */
export const bindingFor = (address: string): NetworkBinding => ({
  interfaceName: 'eth0',
  macAddress: '',
  address,
  cidr: `${address.split('.').slice(0, 3).join('.')}.0/24`,
  ingressAddresses: [address],
  egressSubnets: [`${address}/32`],
});

/** A live unit with Juju's defaults (status unknown, agent idle). */
export const newUnit = (options: {
  name: string;
  address: string;
  leader?: boolean;
  machineId?: string;
}): UnitModel => ({
  name: options.name,
  machineId: options.machineId ?? unitNumber(options.name).toString(),
  leader: options.leader ?? false,
  life: 'alive',
  workloadStatus: storedStatus('unknown'),
  statusSetByCharm: false,
  agentStatus: { status: 'idle', message: '', since: EPOCH },
  workloadVersion: '',
  openedPorts: [],
  state: {},
  storage: [],
  addresses: { privateAddress: options.address, defaultBinding: bindingFor(options.address), bindings: {} },
});

/** The address keys Juju writes into every unit's databag. */
export const addressBag = (address: string): Bag => ({
  'private-address': address,
  'ingress-address': address,
  'egress-subnets': `${address}/32`,
});
