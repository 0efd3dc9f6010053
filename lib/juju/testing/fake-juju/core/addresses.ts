/**
 * A machine's private address changing under its unit, as Juju sees it:
 * `network-get` and `unit-get private-address` answer the new address at
 * once, the unit gets `config-changed` (juju/juju internal/worker/uniter:
 * remotestate/watcher.go keeps the unit's AddressesHash, and resolver.go runs
 * config-changed when it differs from the one last committed), and when that
 * hook commits, Juju rewrites `private-address`, `ingress-address` and
 * `egress-subnets` in the unit's bag of every relation it is in
 * (runner/context HookContext.doFlush sets UpdateNetworkInfo for
 * config-changed; apiserver uniter updateUnitNetworkInfoOperation), which the
 * other side sees as `-relation-changed`.
 */
import { isIPv4 } from 'node:net';
import { addressBag, bindingFor } from '../model.js';
import type { RelationBagChange } from '../commit.js';
import { ModelError } from './errors.js';
import { queueHooks } from './queue.js';
import type { CoreModel, CoreUnit } from './types.js';

/** The simulator's units live on loopback (several models on one machine, no root needed). */
const isLoopback = (ip: string): boolean => isIPv4(ip) && ip.split('.')[0] === '127';

/**
 * Gives `unit` the private address `ip` and queues its config-changed.
 * Throws {@link ModelError} (and changes nothing) for an address outside
 * 127.0.0.0/8 or one another unit of the model holds.
 */
export function setUnitAddress(model: CoreModel, unitName: string, ip: string): { changed: boolean; previous: string } {
  const unit = model.units[unitName];
  if (!unit) throw new ModelError(`unit ${JSON.stringify(unitName)} not found`);
  if (!isLoopback(ip)) throw new ModelError(`invalid address ${JSON.stringify(ip)}: the simulator's units live on loopback, use an IPv4 address in 127.0.0.0/8`);
  const holder = Object.values(model.units).find((u) => u.name !== unit.name && u.address === ip);
  if (holder) throw new ModelError(`address ${ip} is held by unit ${JSON.stringify(holder.name)}`);
  const previous = unit.address;
  if (previous === ip) return { changed: false, previous };
  unit.address = ip;
  const bindings = Object.fromEntries(Object.keys(unit.juju.addresses.bindings).map((name) => [name, bindingFor(ip)]));
  unit.juju.addresses = { privateAddress: ip, defaultBinding: bindingFor(ip), bindings };
  queueHooks(model, unit.name, [{ kind: 'hook', name: 'config-changed' }]);
  return { changed: true, previous };
}

/**
 * After a committed config-changed: the unit's address keys in every relation
 * bag it has follow its address. Returns the bags that changed, for the
 * `-relation-changed` fan-out.
 */
export function refreshAddressBags(model: CoreModel, unit: CoreUnit): RelationBagChange[] {
  const wanted = addressBag(unit.address);
  const changes: RelationBagChange[] = [];
  for (const relation of model.relations) {
    const bag = relation.unitData[unit.name];
    if (bag === undefined || relation.dying) continue;
    if (Object.entries(wanted).every(([k, v]) => bag[k] === v)) continue;
    Object.assign(bag, wanted);
    const end = relation.ends.find((e) => e.app === unit.app);
    if (end) changes.push({ relationId: relation.id, endpoint: end.endpoint, bag: 'unit', owner: unit.name });
  }
  return changes;
}
