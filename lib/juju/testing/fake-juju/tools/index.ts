import { actionFail, actionGet, actionLog, actionSet } from './action.js';
import { relationGet, relationIds, relationList, relationSet } from './relation.js';
import { secretGet, secretIds, secretInfoGet } from './secret-read.js';
import { secretAdd, secretGrant, secretRemove, secretRevoke, secretSet } from './secret-write.js';
import { closePort, openPort, openedPorts, stateDelete, stateGet, stateSet } from './state-ports.js';
import { applicationVersionSet, jujuLog, statusGet, statusSet } from './status.js';
import type { ToolDef } from './tool.js';
import { configGet, goalState, isLeader, leaderGet, leaderSet, networkGet, storageGet, storageList, unitGet } from './unit-info.js';

const ALL: readonly ToolDef[] = [
  actionFail, actionGet, actionLog, actionSet,
  relationGet, relationIds, relationList, relationSet,
  secretAdd, secretGet, secretGrant, secretIds, secretInfoGet, secretRemove, secretRevoke, secretSet,
  closePort, openPort, openedPorts, stateDelete, stateGet, stateSet,
  applicationVersionSet, jujuLog, statusGet, statusSet,
  configGet, goalState, isLeader, leaderGet, leaderSet, networkGet, storageGet, storageList, unitGet,
];

/** Every hook tool the fake implements, by name. */
export const TOOLS: ReadonlyMap<string, ToolDef> = new Map(ALL.map((t) => [t.name, t]));

/** The names of every implemented hook tool (the simulator links an executable for each). */
export const TOOL_NAMES: readonly string[] = ALL.map((t) => t.name).sort();
