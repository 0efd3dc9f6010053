/** Secret tools that change secrets: creates, updates, grants, revokes and removals are "Txn". */
import { appOfUnit, nextSecretId, secretUri } from '../model.js';
import type { SecretModel } from '../model.js';
import { METADATA_FLAGS, labelTaken, managedSecret, metadataUpdate, parseContent } from './secret-args.js';
import { parseSecretUri } from './secret-view.js';
import { atMost, failure, flagString, parseRelationFlag, relationKey, stringFlag, usage } from './tool.js';
import type { ToolDef } from './tool.js';

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
