/** What one unit of the refresh model sees in one event: the `decide` input the adapter would read. */
import { LOCAL_FILES } from '../../../../../lib/refresh/constants.js';
import type { RefreshEvent, RefreshSnapshot } from '../../../../../lib/refresh/types.js';
import { APP, jujuCharm, versionsOf } from './fixtures.js';
import { worldSpec } from './releases.js';
import type { UnitState } from './unit.js';
import type { RefreshWorld } from './world.js';

export const snapshotOf = (world: RefreshWorld, unit: UnitState, event: RefreshEvent): RefreshSnapshot => {
  // The peers: every live unit in the relation's scope. Not the core's relation-list (the joins this unit has
  // run): with that view refresh.limitations finds a lower unit refreshing before a newly joined higher one had its gate.
  const peerUnits: Record<string, Record<string, string>> = {};
  for (const other of world.relationUnits()) peerUnits[other.name] = { ...other.bag };
  if (unit.joined) peerUnits[unit.name] = { ...unit.bag };
  const history = unit.files.get(LOCAL_FILES.history);
  const workloadVersion = unit.files.get(LOCAL_FILES.installedWorkloadVersion);
  return {
    event,
    appName: APP,
    unitName: unit.name,
    isLeader: world.leader === unit.name,
    spec: worldSpec,
    charm: { jujuCharm: jujuCharm(unit.code), jujuCharmMtime: unit.mtime, versions: versionsOf(unit.code) },
    local: {
      ...(history === undefined ? {} : { history }),
      refreshStarted: unit.files.has(LOCAL_FILES.refreshStarted),
      ...(workloadVersion === undefined ? {} : { installedWorkloadVersion: workloadVersion }),
      peerRelationInitialized: unit.files.has(LOCAL_FILES.peerRelationInitialized),
      tearingDown: unit.files.has(LOCAL_FILES.tearingDown),
      tearingDownLogged: unit.files.has(LOCAL_FILES.tearingDownLogged),
    },
    installedSnapRevision: unit.snap,
    peer: unit.joined ? { units: peerUnits, app: { ...world.appBag } } : null,
    pauseAfterUnitRefresh: world.pause,
    plannedUnits: world.live().length,
    workloadRunning: unit.workloadUp,
    now: world.clock,
    effects: {},
  };
};
