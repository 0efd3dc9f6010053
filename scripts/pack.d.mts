// Types for pack.mjs, so TypeScript tests can import it.
export declare const ROOT: string;
export declare const CHARM_FILE: string;
export type CharmEntry =
  | { readonly name: string; readonly mode: number; readonly file: string; readonly data?: undefined }
  | { readonly name: string; readonly mode: number; readonly data: Buffer; readonly file?: undefined };
export declare function renderManifest(options?: { readonly now?: Date }): string;
export declare function charmEntries(options?: {
  readonly root?: string;
  readonly buildDir?: string;
  readonly bundleNode?: boolean;
  readonly nodeBinary?: string;
  readonly now?: Date;
}): CharmEntry[];
export declare function writeCharm(entries: readonly CharmEntry[], outFile: string): Promise<string>;
export declare function pack(options?: {
  readonly root?: string;
  readonly buildDir?: string;
  readonly out?: string;
  readonly bundleNode?: boolean;
}): Promise<string>;
export declare function distFiles(buildDir: string): string[];
