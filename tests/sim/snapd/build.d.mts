/** The executables the build writes, each named after the role it runs. */
export declare const SNAP_TOOLS: readonly string[];
/** `build/sim/bin` under the repository. */
export declare const DEFAULT_BIN_DIR: string;
/** `build/sim/lib/snapd-sim.mjs` under the repository. */
export declare const DEFAULT_LIB_FILE: string;

export interface BuildSnapToolsOptions {
  readonly binDir?: string | undefined;
  readonly libFile?: string | undefined;
}

export interface BuiltSnapTools {
  readonly binDir: string;
  readonly libFile: string;
  readonly tools: string[];
}

/**
 * Bundles the fake snapd with esbuild and writes `snap`, `charmed-etcd.etcdctl` and
 * `charmed-etcd.etcdutl` into `binDir`. Throws when esbuild fails.
 */
export declare function buildSnapTools(options?: BuildSnapToolsOptions): Promise<BuiltSnapTools>;
