/**
 * etcd's users and roles beyond root: what the charm manages for client
 * relations (a user per client certificate CN with no password, a role of
 * the same name with readwrite on one prefix). Each call is idempotent the
 * way a retried hook needs: adding what exists, or deleting what is gone,
 * succeeds.
 */
import { z } from 'zod';
import type { EtcdClient } from './client.js';
import { EtcdServerError } from './errors/server-error.js';
import { headerSchema } from './gateway-schemas.js';
import { fromBase64, prefixRangeEnd, toBase64 } from './ids.js';

/** What user and role management needs of a client: its raw gateway request. */
export type AuthClient = Pick<EtcdClient, 'request'>;

const ok = z.object({ header: headerSchema.optional() }).loose();
const namesSchema = (field: 'users' | 'roles') => z.object({ [field]: z.array(z.string()).optional() }).loose();
const permSchema = z.object({
  perm: z.array(z.object({ permType: z.union([z.string(), z.number()]).optional(), key: z.string().optional(), range_end: z.string().optional() })).optional(),
});

const tolerate = async (call: () => Promise<unknown>, benign: RegExp): Promise<void> => {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof EtcdServerError && benign.test(error.serverMessage))) throw error;
  }
};

export async function userList(client: AuthClient): Promise<readonly string[]> {
  return ((await client.request('/v3/auth/user/list', {}, namesSchema('users'), 'user list'))['users'] as string[] | undefined) ?? [];
}

export async function roleList(client: AuthClient): Promise<readonly string[]> {
  return ((await client.request('/v3/auth/role/list', {}, namesSchema('roles'), 'role list'))['roles'] as string[] | undefined) ?? [];
}

/** A user that can only authenticate by certificate (`user add --no-password`). */
export const addCertificateUser = (client: AuthClient, name: string): Promise<void> =>
  tolerate(() => client.request('/v3/auth/user/add', { name, password: '', options: { no_password: true } }, ok, 'user add'), /user name already exists/);

export const addRole = (client: AuthClient, name: string): Promise<void> => tolerate(() => client.request('/v3/auth/role/add', { name }, ok, 'role add'), /role name already exists/);

// Granting what is already held answers without an error, so grants need no tolerance.
export const grantRole = async (client: AuthClient, user: string, role: string): Promise<void> => {
  await client.request('/v3/auth/user/grant', { user, role }, ok, 'user grant-role');
};

/** readwrite on every key under `prefix` (`role grant-permission --prefix <role> readwrite <prefix>`). */
export const grantPrefix = async (client: AuthClient, role: string, prefix: string): Promise<void> => {
  const perm = { permType: 'READWRITE', key: toBase64(prefix), range_end: prefixRangeEnd(prefix).toString('base64') };
  await client.request('/v3/auth/role/grant', { name: role, perm }, ok, 'role grant-permission');
};

export const revokePrefix = (client: AuthClient, role: string, prefix: string): Promise<void> =>
  tolerate(() => client.request('/v3/auth/role/revoke', { role, key: toBase64(prefix), range_end: prefixRangeEnd(prefix).toString('base64') }, ok, 'role revoke-permission'), /permission is not granted/);

/** The prefixes `role` holds readwrite on (other permissions are not the charm's). */
export async function rolePrefixes(client: AuthClient, role: string): Promise<readonly string[]> {
  const r = await client.request('/v3/auth/role/get', { role }, permSchema, 'role get');
  return (r.perm ?? [])
    .filter((p) => p.permType === 'READWRITE' || p.permType === 2)
    .flatMap((p) => {
      const key = fromBase64(p.key ?? '');
      return p.range_end !== undefined && p.range_end === prefixRangeEnd(key).toString('base64') ? [key] : [];
    });
}

export const deleteRole = (client: AuthClient, role: string): Promise<void> => tolerate(() => client.request('/v3/auth/role/delete', { role }, ok, 'role delete'), /role name not found/);
export const deleteUser = (client: AuthClient, name: string): Promise<void> => tolerate(() => client.request('/v3/auth/user/delete', { name }, ok, 'user delete'), /user name not found/);
