/** Secret tools that read secrets; a consumer's pinning to a revision is immediate. */
import { isGranted, ownership, parseSecretUri, viewSecret, visibleSecretIds } from './secret-view.js';
import type { SecretView } from './secret-view.js';
import { atMost, boolFlag, failure, flagBool, flagString, stringFlag, usage } from './tool.js';
import type { ToolCall, ToolDef } from './tool.js';

const YAML_JSON = { default: 'yaml', formats: ['yaml', 'json'] } as const;

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
