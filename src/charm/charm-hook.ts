import type { Logger } from '../../lib/juju/index.js';
import type { Model, Relation } from '../../lib/juju/index.js';
import { parseCharmConfig } from './charm-config.js';
import type { CharmConfigResult } from './charm-config.js';
import { currentPassword, rootCredentials } from './credentials.js';
import { clientUrl, memberName, peerUrl } from '../etcd/config.js';
import type { EtcdCredentials } from '../etcd/client-types.js';
import type { EtcdApi } from '../etcd/api.js';
import type { CharmEffects } from './effects.js';
import { unitPaths } from '../etcd/paths.js';
import type { UnitPaths } from '../etcd/paths.js';
import type { AppState, ClusterMember, UnitState } from './peers.js';
import { JUJU_INGRESS_ADDRESS, PEER_ENDPOINT, parseAppState, parseUnitState, servesTls } from './peers.js';
import { readInstalled, sideFiles } from '../tls/files.js';

/** This unit's member identity. */
export interface SelfMember extends ClusterMember {
  readonly ip: string;
  readonly clientUrl: string;
  /** The member runs with TLS on that side (its files are installed); the URLs' schemes follow. */
  readonly peerTls: boolean;
  readonly clientTls: boolean;
}

/**
 * What one hook reads, each at most once: the peer relation and its bags,
 * this unit's address, and etcd clients. Writes go through `model` (flushed
 * once at the end of the hook).
 */
export class CharmHook {
  readonly model: Model;
  readonly effects: CharmEffects;
  readonly log: Logger;
  readonly paths: UnitPaths;
  #peer: Promise<Relation | undefined> | undefined;
  #self: Promise<SelfMember> | undefined;
  #address: Promise<string> | undefined;
  #peers: Promise<UnitState[]> | undefined;
  #config: Promise<CharmConfigResult> | undefined;

  constructor(model: Model, effects: CharmEffects, log: Logger) {
    this.model = model;
    this.effects = effects;
    this.log = log;
    this.paths = unitPaths(effects.root);
  }

  get memberName(): string {
    return memberName(this.model.appName, this.model.unitNumber);
  }

  /** The `etcd-peers` relation, or undefined before it is created. */
  peer(): Promise<Relation | undefined> {
    this.#peer ??= this.model.relation(PEER_ENDPOINT);
    return this.#peer;
  }

  /**
   * This unit's member: name and IP-based URLs, with the schemes of the TLS
   * files installed. The IP is the one its etcd runs at: the peer binding's
   * ingress address, except for a started member whose machine moved, which
   * stays at the address it published until it has moved there
   * (src/cluster/address-change.ts).
   */
  self(): Promise<SelfMember> {
    this.#self ??= Promise.all([this.#memberAddress(), readInstalled(this.effects.root, 'peer'), readInstalled(this.effects.root, 'client')]).then(
      ([ip, peerTls, clientTls]) => ({
        name: this.memberName,
        ip,
        peerUrl: peerUrl(ip, peerTls !== undefined),
        clientUrl: clientUrl(ip, clientTls !== undefined),
        peerTls: peerTls !== undefined,
        clientTls: clientTls !== undefined,
      }),
    );
    return this.#self;
  }

  /** Forgets this unit's member after its TLS files changed, so the next {@link self} has the new URLs. */
  tlsChanged(): void {
    this.#self = undefined;
  }

  /** Forgets this unit's member after it moved to its new address (the published one changed). */
  addressChanged(): void {
    this.#self = undefined;
  }

  /** The unit's address on the peer binding now (what Juju answers), read once per hook. */
  networkAddress(): Promise<string> {
    this.#address ??= this.#ingressAddress();
    return this.#address;
  }

  async #memberAddress(): Promise<string> {
    const [address, relation] = await Promise.all([this.networkAddress(), this.peer()]);
    if (relation === undefined) return address;
    const own = await this.own(relation);
    return own.started && own.ip !== undefined ? own.ip : address;
  }

  /**
   * `network-get`, except in update-status: there the `ingress-address` Juju keeps in this
   * unit's peer bag (read anyway) says the same. Juju rewrites it, and runs config-changed,
   * when the machine's address changes, and that hook asks network-get.
   */
  async #ingressAddress(): Promise<string> {
    const event = this.model.context.event;
    if (event.kind === 'hook' && event.name === 'update-status') {
      const relation = await this.peer();
      const kept = relation === undefined ? undefined : (await relation.localUnitData.read())[JUJU_INGRESS_ADDRESS];
      if (kept !== undefined && kept !== '') return kept;
    }
    return this.model.ingressAddress(PEER_ENDPOINT);
  }

  /**
   * Starts the reads of the peer bags that reconcile goes on to use (the app bag,
   * this unit's, every peer's), so their relation-get calls run side by side
   * rather than one after another. Reads only; a failure surfaces where the bag is used.
   */
  prefetchPeerData(relation: Relation): void {
    for (const read of [relation.localAppData.read(), relation.localUnitData.read(), this.peers(relation)]) void read.catch(() => undefined);
  }

  /** The application bag, validated (with this hook's staged writes). */
  async app(relation: Relation): Promise<AppState> {
    return parseAppState(await relation.localAppData.read());
  }

  /** This unit's own bag, validated. */
  async own(relation: Relation): Promise<UnitState> {
    return parseUnitState(this.model.unitName, this.model.appName, await relation.localUnitData.read());
  }

  /** The other units in the relation now, with their bags (one relation-get each). */
  peers(relation: Relation): Promise<UnitState[]> {
    this.#peers ??= relation.units().then((units) =>
      Promise.all(
        [...units].sort().map(async (unit) => parseUnitState(unit, this.model.appName, await relation.unitData(unit).read())),
      ),
    );
    return this.#peers;
  }

  /**
   * The charm config, validated once per hook; an invalid one is logged
   * once (the running config is kept) and the caller shows why.
   */
  config(): Promise<CharmConfigResult> {
    this.#config ??= this.model.rawConfig().then((raw) => {
      const parsed = parseCharmConfig(raw);
      if (!parsed.ok) this.log.warn(`${parsed.message}; keeping the running config`);
      return parsed;
    });
    return this.#config;
  }

  /**
   * A client for every known member, this unit's first, as root when the app
   * secret holds the password; `endpoints` replaces that list when given.
   */
  async rootClient(relation: Relation, app: AppState, endpoints?: readonly string[]): Promise<EtcdApi> {
    const password = await currentPassword(this.model, app);
    const urls = endpoints ?? clusterEndpoints(await this.self(), await this.peers(relation));
    return this.client(urls, password === undefined ? undefined : rootCredentials(password));
  }

  /** A client for `endpoints` (tried in order), authenticating with `credentials` when given. */
  client(endpoints: readonly string[], credentials?: EtcdCredentials): EtcdApi {
    // The unit's own client certificate, read only if a member is reached over https.
    return this.effects.etcd({ endpoints, credentials, tls: sideFiles(this.effects.root, 'client') });
  }
}

/** Client URLs of every known member, this unit's first. */
export function clusterEndpoints(self: SelfMember, peers: readonly UnitState[]): string[] {
  const others = peers.flatMap((p) => (p.ip === undefined ? [] : [clientUrl(p.ip, servesTls(p.tls.client))]));
  return [self.clientUrl, ...others.filter((url) => url !== self.clientUrl)];
}
