/** What the secret-changing tools read from their arguments, and the secret they may manage. */
import type { PendingSecretUpdate } from '../scope.js';
import { ownership, parseExpire, parseRotate, parseSecretUri, viewSecret, visibleSecretIds } from './secret-view.js';
import type { SecretView } from './secret-view.js';
import { failure, flagString, readSettingsFile, stringFlag, usage } from './tool.js';
import type { ToolCall } from './tool.js';

const CONTENT_KEY = /^[a-z](?:-?[a-z0-9]){2,}$/;
export const METADATA_FLAGS = [stringFlag('label'), stringFlag('description'), stringFlag('expire'), stringFlag('rotate'), stringFlag('file')];

/** Parses `key=value`, `key#base64=...` and `key#file=/path` arguments (plus `--file`). Throws UsageError/ToolFailure. */
export const parseContent = (call: ToolCall): Record<string, string> => {
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

export const metadataUpdate = (call: ToolCall): PendingSecretUpdate => {
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

export const labelTaken = (call: ToolCall, label: string, exceptId?: string): boolean =>
  visibleSecretIds(call.scope).some((id) => {
    const view = viewSecret(call.scope, id);
    return id !== exceptId && view !== undefined && view.secret.label === label && ownership(call.scope, view.secret) !== 'none';
  });

/** The secret named by the first argument; the caller must be able to manage it. */
export const managedSecret = (call: ToolCall): SecretView => {
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
