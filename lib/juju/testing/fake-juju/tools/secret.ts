/** Secret tools. Creates, updates, grants, revokes and removals are "Txn"; consumer pinning is immediate. */
import { appOfUnit, nextSecretId, secretUri } from '../model.js';
import type { SecretModel } from '../model.js';
import type { PendingSecretUpdate } from '../scope.js';
import {
  isGranted,
  ownership,
  parseExpire,
  parseRotate,
  parseSecretUri,
  viewSecret,
  visibleSecretIds,
} from './secret-view.js';
import type { SecretView } from './secret-view.js';
import {
  atMost,
  boolFlag,
  failure,
  flagBool,
  flagString,
  parseRelationFlag,
  readSettingsFile,
  relationKey,
  stringFlag,
  usage,
} from './tool.js';
import type { ToolCall, ToolDef } from './tool.js';

const CONTENT_KEY = /^[a-z](?:-?[a-z0-9]){2,}$/;
const YAML_JSON = { default: 'yaml', formats: ['yaml', 'json'] } as const;
const METADATA_FLAGS = [stringFlag('label'), stringFlag('description'), stringFlag('expire'), stringFlag('rotate'), stringFlag('file')];

/** Parses `key=value`, `key#base64=...` and `key#file=/path` arguments (plus `--file`). Throws UsageError/ToolFailure. */
const parseContent = (call: ToolCall): Record<string, string> => {
  const content: Record<string, string> = {};
  const file = flagString(call, 'file');
  if (file !== undefined) Object.assign(content, readSettingsFile(call, file));
  for (const arg of call.args) {
    const eq = arg.indexOf('=');
    if (eq === -1) throw usage(`key value ${JSON.stringify(arg)} not valid`);
    let key = arg.slice(0, eq);
    let value = arg.slice(eq + 1);
    if (key.endsWith('#base64')) {
      key = key.slice(0, -'#base64'.length);
      value = Buffer.from(value, 'base64').toString('utf8');
    } else if (key.endsWith('#file')) {
      key = key.slice(0, -'#file'.length);
      try {
        value = call.scope.files.readFile(call.scope.resolvePath(value));
      } catch (error) {
        throw failure(`cannot read secret value file: ${(error as Error).message}`);
      }
    }
    content[key] = value;
  }
  for (const key of Object.keys(content)) if (!CONTENT_KEY.test(key)) throw usage(`key ${JSON.stringify(key)} not valid`);
  return content;
};

const metadataUpdate = (call: ToolCall): PendingSecretUpdate => {
  const update: PendingSecretUpdate = {};
  const label = flagString(call, 'label');
  const description = flagString(call, 'description');
  const expire = flagString(call, 'expire');
  const rotate = flagString(call, 'rotate');
  if (label !== undefined) update.label = label;
  if (description !== undefined) update.description = description;
  if (expire !== undefined) update.expire = parseExpire(expire, call.scope.now());
  if (rotate !== undefined) update.rotate = parseRotate(rotate);
  return update;
};

const labelTaken = (call: ToolCall, label: string, exceptId?: string): boolean =>
  visibleSecretIds(call.scope).some((id) => {
    const view = viewSecret(call.scope, id);
    return id !== exceptId && view !== undefined && view.secret.label === label && ownership(call.scope, view.secret) !== 'none';
  });

/** The secret named by the first argument; the caller must be able to manage it. */
const managedSecret = (call: ToolCall): SecretView => {
  const uri = call.args[0];
  if (uri === undefined) throw usage('missing secret URI');
  const id = parseSecretUri(uri);
  const view = viewSecret(call.scope, id);
  if (!view) throw failure(`secret ${JSON.stringify(id)} not found`);
  const owns = ownership(call.scope, view.secret);
  if (owns === 'not-leader') throw failure('this unit is not the leader');
  if (owns === 'none') throw failure('permission denied');
  return view;
};

export const secretAdd: ToolDef = {
  name: 'secret-add',
  synopsis: '[options] [key[#base64|#file]=value...]',
  purpose: 'add a new secret',
  flags: [...METADATA_FLAGS, stringFlag('owner')],
  run(call) {
    const owner = flagString(call, 'owner') ?? 'application';
    if (owner !== 'application' && owner !== 'unit') throw usage(`secret owner ${JSON.stringify(owner)} not valid`);
    const content = parseContent(call);
    if (Object.keys(content).length === 0) throw usage('missing secret value or filename');
    const update = metadataUpdate(call);
    const { scope } = call;
    if (owner === 'application' && !scope.isLeader) throw failure('this unit is not the leader');
    if (update.label !== undefined && labelTaken(call, update.label)) throw failure(`secret with label ${JSON.stringify(update.label)} already exists`);
    const secret: SecretModel = {
      id: nextSecretId(scope.model),
      owner: owner === 'application' ? { kind: 'application', name: scope.appName } : { kind: 'unit', name: scope.unitName },
      revisions: [{ revision: 1, content, createdAt: scope.now() }],
      grants: [],
      consumers: {},
    };
    if (update.label !== undefined) secret.label = update.label;
    if (update.description !== undefined) secret.description = update.description;
    if (update.expire !== undefined) secret.expire = update.expire;
    if (update.rotate !== undefined) secret.rotate = update.rotate;
    scope.pending.secretsAdded.push(secret);
    return secretUri(secret.id);
  },
};

export const secretSet: ToolDef = {
  name: 'secret-set',
  synopsis: '<ID> [options] [key[#base64|#file]=value...]',
  purpose: 'update an existing secret',
  flags: METADATA_FLAGS,
  run(call) {
    const uri = call.args[0];
    if (uri === undefined) throw usage('missing secret URI');
    parseSecretUri(uri);
    const content = parseContent({ ...call, args: call.args.slice(1) });
    const update = metadataUpdate(call);
    if (Object.keys(content).length > 0) update.content = content;
    if (Object.keys(update).length === 0) throw usage('at least one attribute to update must be specified');
    const view = managedSecret(call);
    const { pending } = call.scope;
    if (update.label !== undefined && labelTaken(call, update.label, view.secret.id)) {
      throw failure(`secret with label ${JSON.stringify(update.label)} already exists`);
    }
    const added = pending.secretsAdded.find((s) => s.id === view.secret.id);
    if (added) {
      // Not yet created: the update folds into the creation.
      const first = added.revisions[0];
      if (update.content && first) first.content = update.content;
      const { content: _ignored, ...meta } = update;
      Object.assign(added, meta);
      return undefined;
    }
    pending.secretUpdates.set(view.secret.id, { ...pending.secretUpdates.get(view.secret.id), ...update });
    return undefined;
  },
};

export const secretRemove: ToolDef = {
  name: 'secret-remove',
  synopsis: '<ID> [--revision <n>]',
  purpose: 'remove an existing secret',
  flags: [stringFlag('revision')],
  run(call) {
    atMost(call, 1);
    const rawRevision = flagString(call, 'revision');
    if (rawRevision !== undefined && !/^[1-9]\d*$/.test(rawRevision)) {
      throw usage(`invalid value ${JSON.stringify(rawRevision)} for option --revision: must be a positive integer`);
    }
    const view = managedSecret(call);
    const revision = rawRevision === undefined ? undefined : Number(rawRevision);
    if (revision !== undefined && !view.secret.revisions.some((r) => r.revision === revision)) {
      throw failure(`secret revision ${revision} for ${JSON.stringify(view.secret.id)} not found`);
    }
    const { pending } = call.scope;
    if (revision === undefined && view.pendingAdd) {
      pending.secretsAdded = pending.secretsAdded.filter((s) => s.id !== view.secret.id);
      return undefined;
    }
    pending.secretRemovals.push(revision === undefined ? { id: view.secret.id } : { id: view.secret.id, revision });
    return undefined;
  },
};

export const secretGrant: ToolDef = {
  name: 'secret-grant',
  synopsis: '<ID> [options]',
  purpose: 'grant access to a secret',
  flags: [stringFlag('r', 'relation'), stringFlag('unit')],
  run(call) {
    atMost(call, 1);
    const flag = call.flags.get('relation');
    if (!flag) throw usage('missing relation');
    const relation = parseRelationFlag(call, flag);
    const unit = flagString(call, 'unit');
    const view = managedSecret(call);
    if (unit !== undefined && appOfUnit(unit) !== relation.remoteApp) {
      throw failure(`cannot grant access to unit ${JSON.stringify(unit)}: it is not a unit of ${JSON.stringify(relation.remoteApp)} in relation ${JSON.stringify(relationKey(relation))}`);
    }
    call.scope.pending.secretGrants.push({
      id: view.secret.id,
      grant: unit === undefined
        ? { scope: 'application', subject: relation.remoteApp, relationId: relation.id }
        : { scope: 'unit', subject: unit, relationId: relation.id },
    });
    return undefined;
  },
};

export const secretRevoke: ToolDef = {
  name: 'secret-revoke',
  synopsis: '<ID> [options]',
  purpose: 'revoke access to a secret',
  flags: [stringFlag('r', 'relation'), stringFlag('app'), stringFlag('unit')],
  run(call) {
    atMost(call, 1);
    const flag = call.flags.get('relation');
    const relation = flag ? parseRelationFlag(call, flag) : undefined;
    const app = flagString(call, 'app');
    const unit = flagString(call, 'unit');
    if (!relation && app === undefined && unit === undefined) throw usage('missing relation or application or unit');
    const view = managedSecret(call);
    const match =
      unit !== undefined
        ? { scope: 'unit' as const, subject: unit }
        : app !== undefined
          ? { scope: 'application' as const, subject: app }
          : { relationId: relation?.id as number };
    call.scope.pending.secretRevokes.push({ id: view.secret.id, match });
    return undefined;
  },
};

export const secretIds: ToolDef = {
  name: 'secret-ids',
  synopsis: '[options]',
  purpose: 'print secret ids',
  flags: [],
  output: { default: 'smart', formats: ['smart', 'yaml', 'json'] },
  run(call) {
    atMost(call, 0);
    return visibleSecretIds(call.scope)
      .filter((id) => {
        const view = viewSecret(call.scope, id);
        return view !== undefined && ownership(call.scope, view.secret) === 'owner';
      })
      .sort();
  },
};

export const secretInfoGet: ToolDef = {
  name: 'secret-info-get',
  synopsis: '<ID> | --label <label>',
  purpose: 'get a secret\'s metadata info',
  flags: [stringFlag('label')],
  output: YAML_JSON,
  run(call) {
    atMost(call, 1);
    const uri = call.args[0];
    const label = flagString(call, 'label');
    if (uri !== undefined && label !== undefined) throw usage('specify either a secret URI or label but not both');
    if (uri === undefined && label === undefined) throw usage('require either a secret URI or label');
    const { scope } = call;
    const id = uri === undefined ? undefined : parseSecretUri(uri);
    const view = visibleSecretIds(scope)
      .map((sid) => viewSecret(scope, sid))
      .find((v) => v !== undefined && ownership(scope, v.secret) === 'owner' && (id !== undefined ? v.secret.id === id : v.secret.label === label));
    if (!view) throw failure(id !== undefined ? `secret ${JSON.stringify(id)} not found` : `secret with label ${JSON.stringify(label)} not found`);
    const { secret } = view;
    const info: Record<string, unknown> = {
      revision: secret.revisions[secret.revisions.length - 1]?.revision ?? 0,
      label: secret.label ?? '',
      owner: secret.owner.kind,
      rotation: secret.rotate ?? 'never',
    };
    if (secret.description !== undefined) info['description'] = secret.description;
    if (secret.expire !== undefined) info['expiry'] = secret.expire;
    return { [secret.id]: info };
  },
};

export const secretGet: ToolDef = {
  name: 'secret-get',
  synopsis: '<ID> [key[#base64]]',
  purpose: 'get the content of a secret',
  flags: [stringFlag('label'), boolFlag('peek'), boolFlag('refresh')],
  output: YAML_JSON,
  run(call) {
    const { scope } = call;
    const label = flagString(call, 'label');
    const peek = flagBool(call, 'peek');
    const refresh = flagBool(call, 'refresh');
    if (call.args.length === 0 && label === undefined) throw usage('require either a secret URI or label');
    if (peek && refresh) throw usage('specify one of --peek or --refresh but not both');
    const id = call.args[0] === undefined ? undefined : parseSecretUri(call.args[0]);
    let key = call.args[1];
    atMost(call, 2);
    const view = id !== undefined ? viewSecret(scope, id) : findByLabel(call, label as string);
    if (!view) throw failure(id !== undefined ? `secret ${JSON.stringify(id)} not found` : `secret with label ${JSON.stringify(label)} not found`);
    const { secret } = view;
    let content: Record<string, string>;
    const ownerSide = ownership(scope, secret) !== 'none';
    if (ownerSide) {
      if (id !== undefined && label !== undefined && ownership(scope, secret) === 'owner') {
        const pending = scope.pending.secretsAdded.find((s) => s.id === secret.id);
        if (pending) pending.label = label;
        else scope.pending.secretUpdates.set(secret.id, { ...scope.pending.secretUpdates.get(secret.id), label });
      }
      content = view.latest;
    } else {
      if (!isGranted(scope, secret)) throw failure('permission denied');
      content = consumerContent(call, view, { peek, refresh, label });
    }
    let encoded = false;
    if (key?.endsWith('#base64')) {
      key = key.slice(0, -'#base64'.length);
      encoded = true;
    }
    if (key === undefined) return content;
    const value = content[key];
    if (value === undefined) throw failure(`secret key ${JSON.stringify(key)} not found`);
    return encoded ? Buffer.from(value).toString('base64') : value;
  },
};

const findByLabel = (call: ToolCall, label: string): SecretView | undefined => {
  const { scope } = call;
  for (const id of visibleSecretIds(scope)) {
    const view = viewSecret(scope, id);
    if (!view) continue;
    if (ownership(scope, view.secret) !== 'none' && view.secret.label === label) return view;
    if (scope.model.secrets.find((s) => s.id === id)?.consumers[scope.unitName]?.label === label) return view;
  }
  return undefined;
};

// Consumers stay on the revision they first read; --refresh moves them to the latest, --peek only looks.
// Juju records the tracked revision and the consumer label on the controller at once (not at commit).
const consumerContent = (
  call: ToolCall,
  view: SecretView,
  options: { peek: boolean; refresh: boolean; label: string | undefined },
): Record<string, string> => {
  const { scope } = call;
  const live = scope.model.secrets.find((s) => s.id === view.secret.id);
  const latest = view.secret.revisions[view.secret.revisions.length - 1];
  if (!live || !latest) throw failure(`secret ${JSON.stringify(view.secret.id)} not found`);
  if (options.peek) return { ...latest.content };
  const tracked = live.consumers[scope.unitName];
  const revision = options.refresh || !tracked ? latest.revision : tracked.revision;
  const record = { ...tracked, revision };
  if (options.label !== undefined) record.label = options.label;
  live.consumers[scope.unitName] = record;
  const snap = scope.snapshot.secrets.find((s) => s.id === view.secret.id);
  if (snap) snap.consumers[scope.unitName] = { ...record };
  const content = live.revisions.find((r) => r.revision === revision)?.content;
  if (!content) throw failure(`secret revision ${revision} for ${JSON.stringify(view.secret.id)} not found`);
  return { ...content };
};
