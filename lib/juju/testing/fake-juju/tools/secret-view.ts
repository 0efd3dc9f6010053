/** How one hook sees secrets: the snapshot plus this hook's pending adds, updates, grants and removals. */
import { parseGoDuration } from '../../../../units/go-duration.js';
import { latestRevision } from '../model.js';
import type { RotatePolicy, SecretGrant, SecretModel } from '../model.js';
import type { HookScope } from '../scope.js';
import { usage } from './tool.js';

export interface SecretView {
  /** A merged copy; never mutate it to change the model. */
  readonly secret: SecretModel;
  /** Latest content including a pending `secret-set`. */
  readonly latest: Record<string, string>;
  readonly pendingAdd: boolean;
}

const grantMatches = (grant: SecretGrant, match: Partial<SecretGrant>): boolean =>
  (match.scope === undefined || grant.scope === match.scope) &&
  (match.subject === undefined || grant.subject === match.subject) &&
  (match.relationId === undefined || grant.relationId === match.relationId);

/** The secret with `id` as this hook sees it, or undefined when it does not exist (or is being removed). */
export const viewSecret = (scope: HookScope, id: string): SecretView | undefined => {
  const { pending } = scope;
  if (pending.secretRemovals.some((r) => r.id === id && r.revision === undefined)) return undefined;
  const added = pending.secretsAdded.find((s) => s.id === id);
  const base = added ?? scope.snapshot.secrets.find((s) => s.id === id);
  if (!base) return undefined;
  const secret = structuredClone(base);
  const update = pending.secretUpdates.get(id);
  if (update?.label !== undefined) secret.label = update.label;
  if (update?.description !== undefined) secret.description = update.description;
  if (update?.expire !== undefined) secret.expire = update.expire;
  if (update?.rotate !== undefined) secret.rotate = update.rotate;
  for (const g of pending.secretGrants) if (g.id === id) secret.grants.push(g.grant);
  for (const r of pending.secretRevokes) if (r.id === id) secret.grants = secret.grants.filter((g) => !grantMatches(g, r.match));
  const latest = update?.content ?? latestRevision(secret).content;
  return { secret, latest: { ...latest }, pendingAdd: added !== undefined };
};

/** All secret ids visible to the hook, including pending adds. */
export const visibleSecretIds = (scope: HookScope): string[] => {
  const ids = [...scope.snapshot.secrets.map((s) => s.id), ...scope.pending.secretsAdded.map((s) => s.id)];
  return ids.filter((id) => viewSecret(scope, id) !== undefined);
};

export { grantMatches };

/** `owner` when this unit may manage the secret, `not-leader` for an app secret on a non-leader, else `none`. */
export const ownership = (scope: HookScope, secret: SecretModel): 'owner' | 'not-leader' | 'none' => {
  if (secret.owner.kind === 'unit') return secret.owner.name === scope.unitName ? 'owner' : 'none';
  if (secret.owner.kind === 'application' && secret.owner.name === scope.appName) return scope.isLeader ? 'owner' : 'not-leader';
  return 'none';
};

export const isGranted = (scope: HookScope, secret: SecretModel): boolean =>
  secret.grants.some(
    (g) => (g.scope === 'application' && g.subject === scope.appName) || (g.scope === 'unit' && g.subject === scope.unitName),
  );

const ID = /^[0-9a-v]{20}$/;

/** Accepts `secret:<id>`, `secret://<model-uuid>/<id>` or a bare id. Throws UsageError otherwise. */
export const parseSecretUri = (text: string): string => {
  let id = text;
  if (text.startsWith('secret://')) id = text.slice(text.lastIndexOf('/') + 1);
  else if (text.startsWith('secret:')) id = text.slice('secret:'.length);
  if (!ID.test(id)) throw usage(`secret URI ${JSON.stringify(text)} not valid`);
  return id;
};

const ROTATE: readonly RotatePolicy[] = ['never', 'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'yearly'];

export const parseRotate = (text: string): RotatePolicy => {
  if (!(ROTATE as readonly string[]).includes(text)) throw usage(`rotate policy ${JSON.stringify(text)} not valid`);
  return text as RotatePolicy;
};

/** A Go duration (`24h`, `1h30m`) from `now`, or an RFC 3339 time. Throws UsageError otherwise. */
export const parseExpire = (text: string, now: string): string => {
  const ms = parseGoDuration(text);
  if (ms !== undefined) return new Date(Date.parse(now) + ms).toISOString();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(text)) return new Date(text).toISOString();
  throw usage(`expire time or duration ${JSON.stringify(text)} not valid`);
};
