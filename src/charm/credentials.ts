import type { Logger } from '../../lib/juju/index.js';
import { isHookToolError, isSecretNotFoundError } from '../../lib/juju/index.js';
import type { Model, Relation } from '../../lib/juju/index.js';
import type { EtcdCredentials } from '../etcd/client-types.js';
import type { AppState } from './peers.js';
import { APP_KEYS } from './peers.js';
import type { CharmStatus } from './status.js';
import { STATUS } from './status.js';

/**
 * The `root` user's password. Its one source of truth is an app-owned Juju
 * secret (label `etcd-peers.<app>.app`, field `root-password`, URI in the app
 * bag) that always holds the password etcd has now; the `system-users` user
 * secret (`root: <password>`) says what it should be. The password is never
 * logged, put on argv or in a databag, or returned by an action.
 */

export const ROOT_USER = 'root';
export const ROOT_PASSWORD_KEY = 'root-password';
export const secretLabel = (app: string): string => `etcd-peers.${app}.app`;

export const rootCredentials = (password: string): EtcdCredentials => ({ user: ROOT_USER, password });

export type DesiredPassword =
  | { readonly ok: true; readonly password: string | undefined }
  | { readonly ok: false; readonly status: CharmStatus; readonly reason: string };

/**
 * The password `system-users` asks for (undefined when the option is unset).
 * Tracks the secret's latest revision, so `secret-changed` is acted on.
 */
export async function desiredPassword(model: Model, systemUsers: string | undefined, log: Logger): Promise<DesiredPassword> {
  if (systemUsers === undefined) return { ok: true, password: undefined };
  let content: Record<string, string>;
  try {
    content = await model.secrets.get({ id: systemUsers, refresh: true });
  } catch (error) {
    if (!isSecretNotFoundError(error) && !isHookToolError(error)) throw error;
    log.warn(`cannot read the system-users secret ${systemUsers}: ${(error as Error).message}`);
    return { ok: false, status: { name: 'blocked', message: STATUS.secretNotAccessible }, reason: 'not accessible' };
  }
  const password = content[ROOT_USER];
  if (password === undefined || password === '') {
    log.warn(`the system-users secret ${systemUsers} has no "root" key`);
    return { ok: false, status: { name: 'blocked', message: "system-users secret has no 'root' key" }, reason: 'no root key' };
  }
  return { ok: true, password };
}

/**
 * The password etcd's root user has now, from the app secret; undefined
 * before bootstrap created it.
 */
export async function currentPassword(model: Model, app: AppState): Promise<string | undefined> {
  if (app.credentialsSecret === undefined) return undefined;
  try {
    return (await model.secrets.get({ id: app.credentialsSecret }))[ROOT_PASSWORD_KEY];
  } catch (error) {
    if (isSecretNotFoundError(error)) return undefined;
    throw error;
  }
}

/**
 * Leader: the app secret's URI and password, creating the secret with
 * `password` when there is none yet (the URI is staged in the app bag).
 */
export async function ensureCredentialsSecret(
  model: Model,
  relation: Relation,
  app: AppState,
  password: string,
): Promise<{ readonly uri: string; readonly password: string }> {
  const existing = await currentPassword(model, app);
  if (app.credentialsSecret !== undefined && existing !== undefined) return { uri: app.credentialsSecret, password: existing };
  const uri = await model.secrets.add({ [ROOT_PASSWORD_KEY]: password }, { owner: 'application', label: secretLabel(model.appName) });
  relation.localAppData.set(APP_KEYS.credentials, uri);
  return { uri, password };
}

/** Leader: records a new password in the app secret (a new revision, committed with the hook). */
export async function recordPassword(model: Model, uri: string, password: string): Promise<void> {
  await model.secrets.set(uri, { content: { [ROOT_PASSWORD_KEY]: password } });
}
