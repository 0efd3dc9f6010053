/** The environment variable holding a unit's filesystem root (set by the simulator, never by Juju). */
export const ROOT_ENV = 'CHARMED_ETCD_ROOT';
/** The environment variable holding the path of the snap store's JSON file. */
export const STORE_ENV = 'SIM_SNAP_STORE';
/** Optional: supervisors started while this is set exit once that process is gone (a test guard). */
export const EXIT_WITH_ENV = 'SNAPD_SIM_EXIT_WITH_PID';
