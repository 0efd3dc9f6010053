import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { runTool, runToolJson } from './invoke.js';
import type { HookToolRunner } from './runner.js';

export type SecretRotatePolicy = 'never' | 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';
export type SecretContent = Readonly<Record<string, string>>;

export interface SecretMetadata {
  readonly label?: string;
  readonly description?: string;
  /** A duration such as `24h` or an RFC 3339 time. */
  readonly expire?: string;
  readonly rotate?: SecretRotatePolicy;
}

export interface SecretAddOptions extends SecretMetadata {
  /** Defaults to `application` in Juju, which needs leadership. */
  readonly owner?: 'application' | 'unit';
}

export interface SecretInfo {
  readonly id: string;
  readonly revision: number;
  readonly label: string;
  readonly owner: string;
  readonly description?: string;
  readonly rotation?: string;
  readonly expiry?: string;
}

const CONTENT_KEY = /^[a-z](?:-?[a-z0-9]){2,}$/;

const metadataArgs = (m: SecretMetadata): string[] => [
  ...(m.label === undefined ? [] : ['--label', m.label]),
  ...(m.description === undefined ? [] : ['--description', m.description]),
  ...(m.expire === undefined ? [] : ['--expire', m.expire]),
  ...(m.rotate === undefined ? [] : ['--rotate', m.rotate]),
];

/**
 * Writes each value to its own 0600 file in a private (0700) temporary
 * directory, so secret values never appear in argv, runs `use` with the
 * `key#file=<path>` arguments, and removes the directory afterwards.
 */
async function withContentFiles<T>(content: SecretContent, use: (args: string[]) => Promise<T>): Promise<T> {
  for (const key of Object.keys(content)) {
    if (!CONTENT_KEY.test(key)) {
      throw new TypeError(`invalid secret key "${key}": must match ^[a-z](?:-?[a-z0-9]){2,}$`);
    }
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'juju-secret-'));
  try {
    const args: string[] = [];
    for (const [key, value] of Object.entries(content)) {
      const file = path.join(dir, key);
      await writeFile(file, value, { mode: 0o600, flag: 'wx' });
      args.push(`${key}#file=${file}`);
    }
    return await use(args);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `secret-add [--owner] [metadata] key#file=... `: creates a secret and returns its URI.
 * @throws {TypeError} for a content key Juju would refuse (no tool is run).
 * @throws {NotLeaderError} when a non-leader adds an application-owned secret.
 */
export const secretAdd = (runner: HookToolRunner, content: SecretContent, options: SecretAddOptions = {}): Promise<string> =>
  withContentFiles(content, async (files) => {
    const owner = options.owner === undefined ? [] : ['--owner', options.owner];
    const out = await runTool(runner, 'secret-add', [...owner, ...metadataArgs(options), ...files]);
    return out.trim();
  });

export interface SecretGetOptions {
  readonly id?: string;
  readonly label?: string;
  /** Read the latest revision once, without tracking it. */
  readonly peek?: boolean;
  /** Track the latest revision from now on. */
  readonly refresh?: boolean;
}

/**
 * `secret-get --format=json <uri> [--label L] [--peek|--refresh]`: the content.
 * @throws {SecretNotFoundError} when the secret does not exist or is not visible.
 * @throws {TypeError} when neither id nor label is given, or both peek and refresh.
 */
export async function secretGet(runner: HookToolRunner, options: SecretGetOptions): Promise<Record<string, string>> {
  if (options.id === undefined && options.label === undefined) throw new TypeError('secretGet needs an id or a label');
  if (options.peek === true && options.refresh === true) throw new TypeError('secretGet takes peek or refresh, not both');
  const args = [
    '--format=json',
    ...(options.id === undefined ? [] : [options.id]),
    ...(options.label === undefined ? [] : ['--label', options.label]),
    ...(options.peek === true ? ['--peek'] : []),
    ...(options.refresh === true ? ['--refresh'] : []),
  ];
  return runToolJson(runner, 'secret-get', args, z.record(z.string(), z.string()));
}

/**
 * `secret-set <uri> [metadata] [key#file=...]`: new content (a new revision) and/or metadata.
 * @throws {SecretNotFoundError} when the secret does not exist.
 */
export const secretSet = (
  runner: HookToolRunner,
  id: string,
  options: SecretMetadata & { readonly content?: SecretContent },
): Promise<void> =>
  withContentFiles(options.content ?? {}, async (files) => {
    await runTool(runner, 'secret-set', [id, ...metadataArgs(options), ...files]);
  });

/**
 * `secret-grant --relation <endpoint:id> [--unit u] <uri>`.
 * @throws {SecretNotFoundError} / {@link RelationNotFoundError} as Juju reports them.
 */
export async function secretGrant(
  runner: HookToolRunner,
  id: string,
  relationId: string,
  options: { readonly unit?: string } = {},
): Promise<void> {
  const unit = options.unit === undefined ? [] : ['--unit', options.unit];
  await runTool(runner, 'secret-grant', ['--relation', relationId, ...unit, id]);
}

/** `secret-revoke --relation <endpoint:id> [--unit u] <uri>`. */
export async function secretRevoke(
  runner: HookToolRunner,
  id: string,
  relationId: string,
  options: { readonly unit?: string } = {},
): Promise<void> {
  const unit = options.unit === undefined ? [] : ['--unit', options.unit];
  await runTool(runner, 'secret-revoke', ['--relation', relationId, ...unit, id]);
}

/**
 * `secret-remove <uri> [--revision N]`.
 * @throws {SecretNotFoundError} when the secret does not exist.
 */
export async function secretRemove(runner: HookToolRunner, id: string, options: { readonly revision?: number } = {}): Promise<void> {
  const revision = options.revision === undefined ? [] : ['--revision', String(options.revision)];
  await runTool(runner, 'secret-remove', [id, ...revision]);
}

const infoEntry = z.object({
  revision: z.number(),
  label: z.string().default(''),
  owner: z.string(),
  description: z.string().nullish(),
  rotation: z.string().nullish(),
  expiry: z.string().nullish(),
});

/**
 * `secret-info-get --format=json <uri>` (or `--label L`): metadata of an owned secret.
 * @throws {SecretNotFoundError} when the secret does not exist.
 */
export async function secretInfoGet(
  runner: HookToolRunner,
  target: { readonly id: string } | { readonly label: string },
): Promise<SecretInfo> {
  const args = ['--format=json', ...('id' in target ? [target.id] : ['--label', target.label])];
  const out = await runToolJson(runner, 'secret-info-get', args, z.record(z.string(), infoEntry));
  const [id, info] = Object.entries(out)[0] ?? [];
  if (id === undefined || info === undefined) {
    throw new TypeError(`secret-info-get printed no secret for ${JSON.stringify(target)}`);
  }
  return {
    id: id.startsWith('secret:') || id.startsWith('secret://') ? id : `secret:${id}`,
    revision: info.revision,
    label: info.label,
    owner: info.owner,
    ...(info.description == null ? {} : { description: info.description }),
    ...(info.rotation == null ? {} : { rotation: info.rotation }),
    ...(info.expiry == null ? {} : { expiry: info.expiry }),
  };
}

/** `secret-ids --format=json`: the secrets this unit/app owns. */
export const secretIds = (runner: HookToolRunner): Promise<string[]> =>
  runToolJson(runner, 'secret-ids', ['--format=json'], z.array(z.string()).nullable()).then((ids) => ids ?? []);
