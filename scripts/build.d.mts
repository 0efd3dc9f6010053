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
