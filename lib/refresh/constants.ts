/**
 * Interface facts of refresh v3 (reference §1.2): databag keys and local file
 * names. Python revisions of the charm read and write the same names, so they
 * must never change.
 */

/** Peer relation endpoint that carries refresh state. */
export const REFRESH_ENDPOINT = 'refresh-v-three';

/** Keys of each unit's own databag (values are JSON-encoded). */
export const REFRESH_UNIT_KEYS = {
  installedSnapRevision: 'installed_snap_revision',
  gate: 'next_unit_allowed_to_refresh_if_this_units_snap_revision_and_databag_are_up_to_date',
  started: 'refresh_started_if_this_units_databag_is_up_to_date',
  lastRefresh: 'last_refresh_to_up_to_date_charm_code_version',
  lastCompleted: '_unused_last_completed_refresh',
} as const;

/** Keys of the app databag (leader only): the original versions. */
export const REFRESH_APP_KEYS = {
  workload: 'original_workload_version',
  workloadContainer: 'original_workload_container_version',
  matchedPinnedContainer: 'original_installed_workload_container_matched_pinned_container',
  charmVersion: 'original_charm_version',
  charmRevision: 'original_charm_revision',
} as const;

/** Directory inside the charm directory that survives charm-code refreshes. */
export const LOCAL_STATE_DIR = '.charm_refresh_v3';

/** File names inside {@link LOCAL_STATE_DIR}. */
export const LOCAL_FILES = {
  history: 'machines_last_two_refreshes_to_up_to_date_charm_code_version.json',
  refreshStarted: 'machines_refresh_started',
  installedWorkloadVersion: 'machines_installed_workload_version',
  peerRelationInitialized: 'machines_peer_relation_initialized',
  tearingDown: 'machines_unit_tearing_down',
  tearingDownLogged: 'machines_unit_tearing_down_logged',
} as const;

export type LocalFileName = (typeof LOCAL_FILES)[keyof typeof LOCAL_FILES];

/** Files Juju and the build put in the charm directory. */
export const DOT_JUJU_CHARM = '.juju-charm';
export const REFRESH_VERSIONS_TOML = 'refresh_versions.toml';

/** The three actions owned by the refresh library. */
export const REFRESH_ACTIONS = ['pre-refresh-check', 'force-refresh-start', 'resume-refresh'] as const;
export type RefreshActionName = (typeof REFRESH_ACTIONS)[number];

/** Config option owned by the refresh library. */
export const PAUSE_CONFIG_KEY = 'pause-after-unit-refresh';
