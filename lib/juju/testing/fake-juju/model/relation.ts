/** Relations: the databags of both sides and who has joined. */

/** A databag: Juju relation data is strings only. */
export type Bag = Record<string, string>;

export interface RelationModel {
  id: number;
  /** The local application's endpoint name. */
  endpoint: string;
  interface: string;
  peer: boolean;
  /** For peer relations, the local application's name. */
  remoteApp: string;
  /** Remote side's endpoint name (informational; for peers the same endpoint). */
  remoteEndpoint: string;
  /** Application databags keyed by application name (local and remote). */
  appData: Record<string, Bag>;
  /** Unit databags keyed by unit name; departed units' bags stay readable. */
  unitData: Record<string, Bag>;
  /**
   * For each observing unit (local or remote), the units on the other side
   * (or other peers) it has seen join and not yet depart: `relation-list`.
   */
  joined: Record<string, string[]>;
  /** Units that have left the relation (bags kept for the life of the relation). */
  departed: string[];
  /** Set once the relation is being removed (`-broken`): relation-list is empty. */
  dying: boolean;
}
