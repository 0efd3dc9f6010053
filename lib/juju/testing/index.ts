/** The State-in/State-out harness and the fake Juju it runs on. */
export { REPO_ROOT } from './harness/charm-yaml.js';
export type { CharmYaml } from './harness/charm-yaml.js';
export { Context } from './harness/context.js';
export type { ContextOptions } from './harness/context.js';
export type { ActionResult, RunResult, ToolCallRecord } from './harness/run-result.js';
export { ActionParamsError } from './harness/events.js';
export type { ActionEvent, EventFactory, HarnessEvent, HookEvent } from './harness/events.js';
export {
  DEFAULT_CHECKS,
  InconsistentStateError,
  assertConsistent,
  checkConfig,
  checkEvent,
  checkRelations,
  checkSecrets,
  checkStorages,
} from './harness/consistency.js';
export type { CheckInput, CheckResults, ConsistencyCheck } from './harness/consistency.js';
export {
  DEFAULT_ADDRESS,
  createState,
  defaultUnitBag,
  latestContent,
  relationById,
  status,
  storage,
  storageId,
  withState,
} from './harness/state.js';
export type {
  AnyRelation,
  Bag,
  CharmFile,
  DeepReadonly,
  Network,
  PeerRelation,
  Port,
  Relation,
  Secret,
  SecretRevisionState,
  State,
  StateInit,
  Status,
  Storage,
} from './harness/state.js';
export { openHookSession } from './fake-juju/session.js';
export type { CommitResult, HookSession, RelationBagChange, SessionOptions, ToolResult } from './fake-juju/session.js';
