// Types for build.mjs, so TypeScript tests can import it.
export declare const ROOT: string;
export declare const BANNER: string;
export interface GitState {
  readonly tags: readonly string[];
  readonly sha: string | undefined;
  readonly dirty: boolean;
}
export declare function charmVersion(input: {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git: GitState;
  readonly workload: string;
  readonly packageVersion: string;
}): string;
export declare function renderRefreshVersions(text: string, version: string): string;
export declare function build(options?: {
  readonly root?: string;
  readonly out?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}): Promise<{ out: string; version: string }>;
export declare const LAZY_PACKAGES: readonly string[];
/** The subset of esbuild's metafile that eagerInputs reads. */
export interface BundleMetafile {
  readonly outputs: Record<
    string,
    {
      readonly entryPoint?: string;
      readonly imports: readonly { readonly path: string; readonly kind: string; readonly external?: boolean }[];
      readonly inputs: Record<string, unknown>;
    }
  >;
}
export declare function eagerInputs(metafile: BundleMetafile): string[];
