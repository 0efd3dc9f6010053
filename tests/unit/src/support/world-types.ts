/** The harness World's unit (its harness context, machine, bags and charm files) and options. */
import type { Bag, CharmFile, Context, State } from '../../../../lib/juju/testing/index.js';
import type { RefreshStep } from '../../../../src/refresh/step.js';
import type { FakeSnap } from './fake-snap.js';
import type { CharmBuild } from './world-fixtures.js';

export interface UnitSim {
  readonly n: number;
  readonly ctx: Context;
  readonly root: string;
  readonly snap: FakeSnap;
  /** The machine's private address (what network-get answers); `setAddress` moves it. */
  address: string;
  bag: Record<string, string>;
  unitStatus: State['unitStatus'];
  openedPorts: State['openedPorts'];
  architecture: string;
  /** The refresh step this unit's charm runs (default: the real one, lib/refresh wired in). */
  refresh: RefreshStep;
  /** This unit's `refresh-v-three` databag. */
  refreshBag: Record<string, string>;
  /** The unit's charm directory files (`.juju-charm`, `refresh_versions.toml`, `.charm_refresh_v3/...`). */
  charmFiles: Record<string, CharmFile>;
  workloadVersion: string;
  /** This unit's own bag in each of {@link World.otherRelations}, by relation id (default: the relation's). */
  relationBags: Record<number, Bag>;
}

export interface WorldOptions {
  /** The charm revision units are deployed with. */
  readonly build?: CharmBuild;
}
