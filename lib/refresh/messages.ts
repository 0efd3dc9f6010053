/**
 * Every operator-facing text of refresh v3 (reference §§1.4–1.7, 2, 3), kept to the
 * letter: operators, docs and scripts match on them. Texts marked "ours" are
 * additions of this port (the §1.6 quirk fix and failure modes the Python
 * library handles by raising).
 */
import type { PausePolicy } from './types.js';

const rollbackTo = (revision: string): string => `To rollback, \`juju refresh --revision ${revision}\``;

export const appStatusText = {
  invalidConfig: 'pause-after-unit-refresh config must be set to "all", "first", or "none"',
  determining: 'Determining if a refresh is in progress',
  incompatible: (orig: string) => `Refresh incompatible. Rollback with \`juju refresh --revision ${orig}\``,
  singleUnit: (orig: string) => `Refreshing. ${rollbackTo(orig)}`,
  resumeOn: (healthyFrom: number, next: number, orig: string) =>
    `Refreshing. Check units >=${healthyFrom} are healthy & run \`resume-refresh\` on unit ${next}. ${rollbackTo(orig)}`,
  pauseHint: (app: string) => `Refreshing. To pause refresh, run \`juju config ${app} pause-after-unit-refresh=all\``,
  /** Ours: the highest unit has not started the refresh yet (checks pending or code not yet replaced). */
  waitingForStart: (highest: number, orig: string) =>
    `Refreshing. Waiting for unit ${highest} to start the refresh. ${rollbackTo(orig)}`,
  /** Ours: the highest unit's pre-refresh check failed (known when the leader is that unit). */
  precheckFailedOn: (highest: number, orig: string) =>
    `Refreshing. Pre-refresh check failed on unit ${highest}. ${rollbackTo(orig)}`,
  /** Ours: a unit's health gate is unset; nothing proceeds until it is healthy. */
  unhealthy: (unit: number, orig: string) => `Refreshing. Unit ${unit} is unhealthy. ${rollbackTo(orig)}`,
  /** Ours: the next unit refreshes on its own (e.g. the highest unit); no action helps. */
  unitRefreshing: (unit: number, orig: string) => `Refreshing. Unit ${unit} is refreshing. ${rollbackTo(orig)}`,
  /** Ours: the next unit has not caught up with this charm code yet (its databag is stale). */
  waitingForUnit: (unit: number, orig: string) => `Refreshing. Waiting for unit ${unit} to catch up. ${rollbackTo(orig)}`,
  /** Ours: another unit's refresh data cannot be read. */
  invalidPeerData: (unit: number) => `Refresh data of unit ${unit} is invalid. See \`juju debug-log\``,
  originalVersionsInvalid:
    'Refresh failed. Automatic recovery not possible. Original versions in app databag are missing or invalid',
} as const;

export const unitStatusText = {
  precheckFailed: (message: string) => `Rollback with \`juju refresh\`. Pre-refresh check failed: ${message}`,
  waitingForUpgradeCharm: 'Waiting for Juju upgrade-charm or config-changed event. See `juju debug-log`',
} as const;

export const actionText = {
  tearingDown: 'Unit tearing down',
  // Ours: the Python library raises before handling the action.
  peerNotReady: 'Refresh peer relation not ready. Check `juju status` and consider retrying this action',
  notLeader: (app: string) => `Must run action on leader unit. (e.g. \`juju run ${app}/leader pre-refresh-check\`)`,
  alreadyInProgress: 'Refresh already in progress',
  notReady: (message: string) => `Charm is not ready for refresh. Pre-refresh check failed: ${message}`,
  ready: (charmName: string, charmVersion: string, app: string, revision: string, pause: PausePolicy) =>
    `Charm is ready for refresh. For refresh instructions, see https://charmhub.io/${charmName}/docs/refresh/${charmVersion}\n\n` +
    `After the refresh has started, use this command to rollback:\n\`juju refresh ${app} --revision ${revision}\`\n\n` +
    `${pauseSentence(pause)}. To change this, set the \`pause-after-unit-refresh\` config option. Run \`juju config ${app}\` for more information`,
  mustRunOn: (unit: number) => `Must run action on unit ${unit}`,
  noRefresh: 'No refresh in progress',
  determining: 'Determining if a refresh is in progress. Check `juju status` and consider retrying this action',
  forceNeedsFalse:
    'Must run with at least one of `check-compatibility`, `run-pre-refresh-checks`, or `check-workload-container` parameters `=false`',
  waitingForUpgradeCharm: 'This unit is waiting for a Juju upgrade-charm or config-changed event. See `juju debug-log`',
  alreadyRefreshed: (unit: number) => `Unit ${unit} already refreshed`,
  incompatible: 'Refresh incompatible. Rollback with `juju refresh`',
  precheckFailed: (message: string) => `Pre-refresh check failed: ${message}. Rollback with \`juju refresh\``,
  refreshing: (unit: number) => `Refreshing unit ${unit}`,
  refreshed: (unit: number) => `Refreshed unit ${unit}`,
  forceRefreshFailed: (unit: number) =>
    `Refresh started. Failed to refresh unit ${unit}. Unit ${unit} will retry refresh on the next Juju event`,
  unitAlreadyRefreshed: 'Unit already refreshed',
  snapRefreshFailed:
    'Failed to refresh snap. Check the error message in `juju debug-log` and then consider retrying this action',
  ignoringHealth: 'Ignoring health of refreshed units',
  pauseNone: '`pause-after-unit-refresh` config is set to `none`. This action is not applicable.',
  unhealthy: (unit: number) => `Unit ${unit} is unhealthy. Refresh will not resume.`,
  currentlyRefreshing: 'Unit is currently refreshing',
  resumedLog: (unit: number) => `Refresh resumed. Refreshing unit ${unit}`,
  resumedResult: (unit: number) => `Refresh resumed. Unit ${unit} has refreshed`,
  checkedContainer: (workload: string) =>
    `Checked that refresh is to ${workload} container version that has been validated to work with the charm revision`,
  skippedContainer: (workload: string) =>
    `Skipping check that refresh is to ${workload} container version that has been validated to work with the charm revision`,
  checkedCompatibility: (workload: string) =>
    `Checked that refresh from previous ${workload} version and charm revision to current versions is compatible`,
  skippedCompatibility: (workload: string) =>
    `Skipping check for compatibility with previous ${workload} version and charm revision`,
  runningPrechecks: 'Running pre-refresh checks',
  prechecksSuccessful: 'Pre-refresh checks successful',
  skippedPrechecks: 'Skipping pre-refresh checks',
} as const;

/** The pause sentence of the `pre-refresh-check` result. */
export const pauseSentence = (pause: PausePolicy): string => {
  switch (pause) {
    case 'first':
      return 'The refresh will pause for your manual confirmation after the first unit refreshes';
    case 'none':
      return 'The refresh will not pause for your manual confirmation';
    case 'all':
    case 'unknown':
      return 'The refresh will pause for your manual confirmation after each unit refreshes';
  }
};

export const logText = {
  incompatibleInfo: (app: string) =>
    'Refresh incompatible. Rollback with `juju refresh`. Continuing this refresh may cause data loss and/or downtime. ' +
    'The refresh can be forced to continue with the `force-refresh-start` action and the `check-compatibility` parameter. ' +
    `Run \`juju show-action ${app} force-refresh-start\` for more information`,
  precheckFailedError: (message: string, app: string) =>
    `Pre-refresh check failed: ${message}. Rollback with \`juju refresh\`. Continuing this refresh may cause data loss and/or downtime. ` +
    'The refresh can be forced to continue with the `force-refresh-start` action and the `run-pre-refresh-checks` parameter. ' +
    `Run \`juju show-action ${app} force-refresh-start\` for more information`,
  lp2068500: (app: string) =>
    "This unit's charm was refreshed without a Juju upgrade-charm event. This is a Juju bug (https://bugs.launchpad.net/juju/+bug/2068500). " +
    "Waiting for an upgrade-charm or config-changed event to determine if this unit's charm is up-to-date. " +
    'If this unit is stuck and has repeatedly logged this message for longer than 5 minutes, please contact the developers of this charm for support. ' +
    `If they are unreachable, consider running \`juju config ${app} pause-after-unit-refresh=invalid\` and then running \`juju config ${app} pause-after-unit-refresh=all\``,
  gateSet: (revision: string) =>
    `Allowed next unit to refresh if this unit's snap revision (${revision}) & databag are up-to-date and if permitted by pause-after-unit-refresh config option or resume-refresh action`,
} as const;
