import {
  secretAdd,
  secretGet,
  secretGrant,
  secretInfoGet,
  secretRemove,
  secretRevoke,
  secretSet,
} from '../hooktools/secret.js';
import type { SecretAddOptions, SecretContent, SecretGetOptions, SecretInfo, SecretMetadata } from '../hooktools/secret.js';
import type { HookToolRunner } from '../hooktools/runner.js';
import { onceBy } from './once.js';

/**
 * Juju secrets for one hook. Reads (`secret-get`, `secret-info-get`) are cached
 * per target; changes go to Juju at once (Juju itself only commits them if the
 * hook succeeds) and drop the cached reads of that secret.
 */
export class Secrets {
  readonly #tools: HookToolRunner;
  #get: (key: string) => Promise<Record<string, string>>;
  #info: (key: string) => Promise<SecretInfo>;

  constructor(tools: HookToolRunner) {
    this.#tools = tools;
    this.#get = this.#newGetCache();
    this.#info = this.#newInfoCache();
  }

  /** Creates a secret and returns its URI. @throws {NotLeaderError} for app-owned secrets on a non-leader. */
  add(content: SecretContent, options: SecretAddOptions = {}): Promise<string> {
    return secretAdd(this.#tools, content, options);
  }

  /** The content of a secret (cached per id/label/mode). @throws {SecretNotFoundError} */
  get(options: SecretGetOptions): Promise<Record<string, string>> {
    return this.#get(JSON.stringify([options.id, options.label, options.peek === true, options.refresh === true]));
  }

  /** Metadata of an owned secret (cached). @throws {SecretNotFoundError} */
  info(target: { readonly id: string } | { readonly label: string }): Promise<SecretInfo> {
    return this.#info(JSON.stringify(target));
  }

  /** New content and/or metadata. @throws {SecretNotFoundError} */
  async set(id: string, options: SecretMetadata & { readonly content?: SecretContent }): Promise<void> {
    await secretSet(this.#tools, id, options);
    this.#forget();
  }

  /** Lets the remote side of `relationId` (or one unit of it) read the secret. */
  grant(id: string, relationId: string, options: { readonly unit?: string } = {}): Promise<void> {
    return secretGrant(this.#tools, id, relationId, options);
  }

  revoke(id: string, relationId: string, options: { readonly unit?: string } = {}): Promise<void> {
    return secretRevoke(this.#tools, id, relationId, options);
  }

  /** Removes the secret, or one revision of it. @throws {SecretNotFoundError} */
  async remove(id: string, options: { readonly revision?: number } = {}): Promise<void> {
    await secretRemove(this.#tools, id, options);
    this.#forget();
  }

  #forget(): void {
    this.#get = this.#newGetCache();
    this.#info = this.#newInfoCache();
  }

  #newGetCache(): (key: string) => Promise<Record<string, string>> {
    return onceBy((key: string) => {
      const [id, label, peek, refresh] = JSON.parse(key) as [string | null, string | null, boolean, boolean];
      return secretGet(this.#tools, {
        ...(id === null ? {} : { id }),
        ...(label === null ? {} : { label }),
        peek,
        refresh,
      });
    });
  }

  #newInfoCache(): (key: string) => Promise<SecretInfo> {
    return onceBy((key: string) => secretInfoGet(this.#tools, JSON.parse(key) as { id: string } | { label: string }));
  }
}
