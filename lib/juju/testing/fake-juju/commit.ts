/** Applies a hook's pending ("Txn") changes to the live model, as Juju's context flush does on exit 0. */
import { findRelation, findSecret, latestRevision } from './model.js';
import type { OpenedPort, SecretModel } from './model.js';
import { liveUnit, overlay } from './scope.js';
import type { HookScope } from './scope.js';
import { grantMatches } from './tools/secret-view.js';

/** A databag whose content changed at commit; the controller queues `-relation-changed` for the others. */
export interface RelationBagChange {
  relationId: number;
  endpoint: string;
  bag: 'app' | 'unit';
  /** The application or unit name owning the bag. */
  owner: string;
}

export interface CommitResult {
  /** False when the hook failed (exit ≠ 0): nothing pending was applied. */
  committed: boolean;
  relationChanges: RelationBagChange[];
  /** Ids of secrets created by this hook. */
  secretsCreated: string[];
  /** New revisions of existing secrets (consumers get `secret-changed`). */
  secretRevisions: Array<{ id: string; revision: number }>;
  /** Removed secrets (no revision) or removed revisions. */
  secretsRemoved: Array<{ id: string; revision?: number }>;
  /** Secrets whose grants changed. */
  secretGrantsChanged: string[];
  stateChanged: boolean;
  portsChanged: boolean;
}

export const emptyCommit = (committed: boolean): CommitResult => ({
  committed,
  relationChanges: [],
  secretsCreated: [],
  secretRevisions: [],
  secretsRemoved: [],
  secretGrantsChanged: [],
  stateChanged: false,
  portsChanged: false,
});

const sameBag = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

const samePortRange = (a: OpenedPort, b: OpenedPort): boolean =>
  a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort;

const applyPort = (ports: OpenedPort[], op: 'open' | 'close', port: OpenedPort): OpenedPort[] => {
  const existing = ports.find((p) => samePortRange(p, port));
  if (op === 'open') {
    if (!existing) return [...ports, structuredClone(port)];
    if (existing.endpoints.includes('*') || port.endpoints.includes('*')) existing.endpoints = ['*'];
    else existing.endpoints = [...new Set([...existing.endpoints, ...port.endpoints])].sort();
    return ports;
  }
  if (!existing) return ports;
  if (port.endpoints.includes('*')) return ports.filter((p) => p !== existing);
  existing.endpoints = existing.endpoints.filter((e) => !port.endpoints.includes(e));
  return existing.endpoints.length === 0 ? ports.filter((p) => p !== existing) : ports;
};

const sameContent = (a: Record<string, string>, b: Record<string, string>): boolean => sameBag(a, b);

/** Applies everything pending in `scope` to its live model and says what changed. */
export const commitPending = (scope: HookScope): CommitResult => {
  const result = emptyCommit(true);
  const { model, pending, unitName, appName } = scope;

  for (const [store, bag] of [[pending.relationUnit, 'unit'], [pending.relationApp, 'app']] as const) {
    for (const [relationId, changes] of store) {
      const relation = findRelation(model, relationId);
      if (!relation) continue; // removed meanwhile: Juju drops writes to dead relations
      const holder = bag === 'unit' ? relation.unitData : relation.appData;
      const owner = bag === 'unit' ? unitName : appName;
      const before = holder[owner] ?? {};
      const after = overlay(before, changes);
      holder[owner] = after;
      if (!sameBag(before, after)) result.relationChanges.push({ relationId, endpoint: relation.endpoint, bag, owner });
    }
  }

  const unit = liveUnit(scope);
  if (pending.state.size > 0) {
    const after = overlay(unit.state, pending.state);
    result.stateChanged = !sameBag(unit.state, after);
    unit.state = after;
  }

  if (pending.ports.length > 0) {
    const before = JSON.stringify(unit.openedPorts);
    let ports = structuredClone(unit.openedPorts);
    for (const { op, port } of pending.ports) ports = applyPort(ports, op, port);
    unit.openedPorts = ports;
    result.portsChanged = before !== JSON.stringify(ports);
  }

  for (const secret of pending.secretsAdded) {
    const added = structuredClone(secret);
    const first = added.revisions[0];
    if (first && added.expire !== undefined) first.expire = added.expire;
    model.secrets.push(added);
    result.secretsCreated.push(secret.id);
  }
  const now = scope.now();
  for (const [id, update] of pending.secretUpdates) {
    const secret = findSecret(model, id);
    if (!secret) continue;
    if (update.label !== undefined) secret.label = update.label;
    if (update.description !== undefined) secret.description = update.description;
    if (update.rotate !== undefined) secret.rotate = update.rotate;
    if (update.content && !sameContent(update.content, latestRevision(secret).content)) {
      const revision = latestRevision(secret).revision + 1;
      // Juju: a new revision expires only when this very call says so.
      secret.revisions.push({ revision, content: { ...update.content }, createdAt: now, ...(update.expire === undefined ? {} : { expire: update.expire }) });
      result.secretRevisions.push({ id, revision });
    } else if (update.expire !== undefined) {
      // Metadata only: the expiry moves on the latest revision, and is due again from then.
      const latest = latestRevision(secret);
      latest.expire = update.expire;
      delete latest.expiryQueuedAt;
    }
    const latestExpire = latestRevision(secret).expire;
    if (latestExpire === undefined) delete secret.expire;
    else secret.expire = latestExpire;
  }
  const touched = new Set<string>();
  for (const { id, grant } of pending.secretGrants) {
    const secret = findSecret(model, id);
    if (!secret || secret.grants.some((g) => grantMatches(g, grant))) continue;
    secret.grants.push({ ...grant });
    touched.add(id);
  }
  for (const { id, match } of pending.secretRevokes) {
    const secret = findSecret(model, id);
    if (!secret) continue;
    const kept = secret.grants.filter((g) => !grantMatches(g, match));
    if (kept.length !== secret.grants.length) touched.add(id);
    secret.grants = kept;
  }
  result.secretGrantsChanged = [...touched];
  for (const removal of pending.secretRemovals) {
    const secret: SecretModel | undefined = findSecret(model, removal.id);
    if (!secret) continue;
    if (removal.revision === undefined || secret.revisions.length === 1) {
      model.secrets = model.secrets.filter((s) => s.id !== removal.id);
      result.secretsRemoved.push({ id: removal.id });
    } else {
      secret.revisions = secret.revisions.filter((r) => r.revision !== removal.revision);
      result.secretsRemoved.push({ id: removal.id, revision: removal.revision });
    }
  }
  return result;
};
