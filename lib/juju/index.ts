// The public surface of the charm SDK. Charm code imports from here; tests may
// import the individual modules.
export { parseJujuContext } from './context.js';
export { UNIT_NAME, unitNumber } from './unit-name.js';
export type {
  ActionEvent,
  HookEvent,
  JujuContext,
  JujuEvent,
  RelationEventInfo,
  SecretEventInfo,
  StorageEventInfo,
} from './context.js';
export type { CharmMain, HookHost } from './host.js';
export { HookToolError, isHookToolError } from './hooktools/runner.js';
export type { HookToolRunner, HookToolRunOptions } from './hooktools/runner.js';
export { execRunner } from './hooktools/exec-runner.js';
export { createJujuLogger } from './log.js';
export type { JujuLogger, JujuLoggerOptions, LogFn, Logger, LogLevel, TextSink } from './log.js';
export { Model } from './model.js';
export type { ModelOptions } from './model.js';
export { ActionScope } from './model/action.js';
export type { ActionResultValue } from './model/action.js';
export { Databag } from './model/databag.js';
export type { DatabagParseOptions } from './model/databag.js';
export { Relation } from './model/relation.js';
export { Secrets } from './model/secrets.js';
export { StatusSlot } from './model/status.js';
export type { SettableStatusName, StatusName, StatusValue } from './hooktools/status.js';
export type { GoalState, GoalStateEntry } from './hooktools/goal-state.js';
export { plannedUnits } from './hooktools/goal-state.js';
export type { NetworkInfo } from './hooktools/network.js';
export type { SecretAddOptions, SecretContent, SecretGetOptions, SecretInfo, SecretMetadata } from './hooktools/secret.js';
export { ActionError, isActionError } from './errors/action-error.js';
export { ConfigError, isConfigError } from './errors/config-error.js';
export { DatabagError, isDatabagError } from './errors/databag-error.js';
export { HookToolOutputError, isHookToolOutputError } from './errors/hook-tool-output-error.js';
export { JujuContextError, isJujuContextError } from './errors/juju-context-error.js';
export { NotLeaderError, isNotLeaderError } from './errors/not-leader-error.js';
export { RelationNotFoundError, isRelationNotFoundError } from './errors/relation-not-found-error.js';
export { SecretNotFoundError, isSecretNotFoundError } from './errors/secret-not-found-error.js';
export { UsageError, isUsageError } from './errors/usage-error.js';
export { translateHookToolError } from './errors/translate.js';
