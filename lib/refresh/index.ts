export { decide } from './decide.js';
export { unitsMidRefresh } from './mid-refresh.js';
export { runRefresh, type RefreshCallbacks, type RefreshIO, type RefreshRun, type RunRefreshInput } from './adapter.js';
export { nodeFiles } from './node-files.js';
export { createJujuRefreshIO } from './juju-io.js';
export {
  isCompatible,
  type CharmTracks,
  type CompatibilityInput,
  type CompatibilityVerdict,
  type IsWorkloadCompatible,
  type WorkloadCompatibility,
} from './compatibility.js';
export { parseCharmVersion, type CharmVersion } from './charm-version.js';
export { parseRefreshVersions, type PinnedVersions, type RefreshVersionsResult } from './refresh-versions.js';
export { REFRESH_APP_KEYS, LOCAL_FILES, LOCAL_STATE_DIR, PAUSE_CONFIG_KEY, REFRESH_ACTIONS, REFRESH_ENDPOINT, REFRESH_UNIT_KEYS } from './constants.js';
export type * from './types.js';
